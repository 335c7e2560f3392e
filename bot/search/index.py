"""Search and discovery over one Library: full-text search, "did you mean", and autocomplete.

Pure and synchronous: built from a `Library`, never from the bot, and rebuilt whole when the library is swapped.

Two structures are built at once:

- an in-memory SQLite FTS5 table with one row per topic (title, summary, aliases), per key point (heading,
  text, quote) and per timeline event, ranked with bm25 and a porter stemmer so plurals match;
- word tables (FTS5 again, unstemmed, without positions) over all that text and over the names alone
  (titles, short names, choices, aliases, event titles and wordings): their vocabularies drive typo
  correction and prefix expansion (rapidfuzz edit distance), and the name table finds autocomplete
  candidates, which rapidfuzz then re-scores against the whole query.

User input is never handed to FTS5 as syntax: it is split into words here, each word quoted, and the query
expression assembled from those quoted words only, so quotes, `*`, `NEAR`, `AND`/`OR`/`NOT`, parentheses, `-`,
`:` and `^` are plain text. Prefixes are expanded here against the lexicon rather than with FTS5's `"x"*`,
because the porter stemmer does not stem a prefix the way it stems the whole word ("capaci"* would never
match "capacity").
"""

from __future__ import annotations

import bisect
import itertools
import logging
import re
import sqlite3
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from rapidfuzz import fuzz, process, utils
from rapidfuzz.distance import OSA

from ..content.models import Library, TimelineEvent, Topic
from ..limits import AUTOCOMPLETE_CHOICES, CHOICE_NAME, CHOICE_VALUE, EMBED_FIELDS
from ..text import clean_text, clip, escape_markdown

log = logging.getLogger(__name__)

# Only the start of a long query is read: nobody types more than this into a search box, and it bounds the
# work a 6000-character option value can cause.
MAX_QUERY_CHARS: Final = 200
MAX_QUERY_TERMS: Final = 10
# A prefix that would expand to more words than this keeps only the most frequent ones.
MAX_PREFIX_EXPANSION: Final = 24
# bm25 is computed for at most this many matching rows (taken in document order) before sorting, so a word
# that occurs everywhere in a very large pack costs a bounded amount; a normal pack never reaches it.
RANK_WINDOW: Final = 2000
# How many name candidates autocomplete re-scores with rapidfuzz, for the same reason.
RERANK_WINDOW: Final = 200
# Autocomplete answers on every keystroke, so it ranks fewer matching rows than a search does, and ranks
# its text matches at all only in packs up to this many rows (the shipped one has about a hundred).
AUTOCOMPLETE_RANK_WINDOW: Final = 300
AUTOCOMPLETE_RANKED_ROWS: Final = 20_000
SNIPPET_TOKENS: Final = 16
# Should a chosen row ever lack a snippet, its title stands in, this long at most.
SNIPPET_FALLBACK: Final = 200
BREADCRUMB_SEPARATOR: Final = " › "
# The columns of the name table: a name of a topic, or a title or wording of an event.
_NAME_COLUMNS: Final[dict[str, str]] = {"topic": "topic_name", "event": "event_name"}
TIMELINE_LABEL: Final = "Timeline"

# Relative weight of the FTS5 columns: a word in a title or an alias says much more about what a row is about
# than the same word somewhere in a quote.
_WEIGHT_TITLE: Final = 10.0
_WEIGHT_BODY: Final = 1.0
_WEIGHT_ALIASES: Final = 14.0

# "Did you mean" also offers words this similar (rapidfuzz ratio, 0–100) to a word with too many typos.
_RESEMBLANCE: Final = 70.0
_RESEMBLE_MIN_LENGTH: Final = 5

# Private-use markers that cannot survive markdown escaping by accident; turned into ** afterwards.
_OPEN: Final = "\ue000"
_CLOSE: Final = "\ue001"

# unicode61 splits on everything that is not a letter or a number; underscore is punctuation to it too.
_WORD: Final = re.compile(r"[^\W_]+")
_SPACES: Final = re.compile(r"\s+")
# The combining diacritics that remove_diacritics folds away in the index.
_COMBINING: Final = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

# Dropped from the second, looser pass of a multi-word query: they carry no topic of their own. A word list
# reads better as one string than as fifty quoted items.
_STOPWORDS: Final = frozenset(
    (  # noqa: SIM905
        "a about an and are as at be by can could did do does for from has have how i in is it its me of on or s "
        "so tell than that the their there these this to was were what when where which who why will with would"
    ).split()
)


class Kind(StrEnum):
    TOPIC = "topic"
    EVENT = "event"
    TERM = "term"


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result.

    `point` is the index in `Topic.points` of the matched key point, or None when the match is in the topic's
    title, summary or aliases (then the topic opens at its first page). The renderer maps a point to the page
    it paginates it onto. `snippet` is already markdown-safe, with the matched words in **bold**; `title` and
    `breadcrumb` are plain text for the renderer to escape.
    """

    kind: Kind
    target: str
    topic: str
    point: int | None
    breadcrumb: str
    title: str
    snippet: str
    score: float


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A "did you mean": a topic or event to open (`value` is its id), or a corrected query (`value`)."""

    kind: Kind
    value: str
    label: str
    breadcrumb: str


@dataclass(frozen=True, slots=True)
class _Row:
    kind: Kind
    target: str
    topic: str
    point: int | None


@dataclass(frozen=True, slots=True)
class _Name:
    kind: Kind
    target: str
    text: str
    processed: str
    alias: bool
    order: int


def words(text: str) -> list[str]:
    """The words of `text` as the index sees them: casefolded, without diacritics, split like unicode61."""
    text = clean_text(text)
    if not text.isascii():
        # Marks go before splitting: a decomposed "naïve" would otherwise split at its diaeresis.
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _WORD.findall(text.casefold())


def query_terms(query: str) -> list[str]:
    """The words of a user's query, bounded in length and number; never raises on any input."""
    return words(query[:MAX_QUERY_CHARS])[:MAX_QUERY_TERMS]


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _max_typos(length: int) -> int:
    if length <= 3:
        return 0
    if length <= 5:
        return 1
    return 2


# -- lexicon ----------------------------------------------------------------------------------------------


class _Lexicon:
    """The distinct words of some texts, with their document frequency, for prefix and typo lookups."""

    def __init__(self, frequency: Counter[str]) -> None:
        self.frequency = frequency
        self.sorted = sorted(frequency)
        by_length: dict[int, list[str]] = {}
        for word in self.sorted:
            by_length.setdefault(len(word), []).append(word)
        self._by_length = by_length
        self._prefixes: dict[int, tuple[list[str], dict[str, list[str]]]] = {}

    def __contains__(self, word: object) -> bool:
        return word in self.frequency

    def _rank(self, found: Iterable[str]) -> list[str]:
        return sorted(found, key=lambda w: (-self.frequency[w], w))

    def completions(self, prefix: str, limit: int = MAX_PREFIX_EXPANSION) -> list[str]:
        """Words starting with `prefix`, the most frequent first."""
        start = bisect.bisect_left(self.sorted, prefix)
        end = bisect.bisect_left(self.sorted, prefix + "\U0010ffff", lo=start)
        found = self.sorted[start:end]
        return self._rank(found)[:limit] if len(found) > limit else self._rank(found)

    def _near(self, word: str) -> tuple[int, list[str]]:
        """(distance, words) of the known whole words nearest to `word`; (0, []) when none is near enough."""
        typos = _max_typos(len(word))
        if not typos:
            return 0, []
        pool = [w for n in range(len(word) - typos, len(word) + typos + 1) for w in self._by_length.get(n, ())]
        found = process.extract(word, pool, scorer=OSA.distance, score_cutoff=typos, limit=None)
        if not found:
            return 0, []
        nearest = min(m[1] for m in found)
        return nearest, [m[0] for m in found if m[1] == nearest]

    def _near_prefix(self, prefix: str) -> tuple[int, list[str]]:
        """(distance, words) of the known words whose beginning is nearest to `prefix` (still being typed)."""
        typos = min(_max_typos(len(prefix)), 1 if len(prefix) < 7 else 2)
        if not typos:
            return 0, []
        by_distance: dict[int, set[str]] = {}
        # The typed part may be one letter shorter or longer than the matching start of the intended word.
        for length in (len(prefix) - 1, len(prefix), len(prefix) + 1):
            heads, owners = self._heads(length)
            for head, distance, _index in process.extract(
                prefix, heads, scorer=OSA.distance, score_cutoff=typos, limit=None
            ):
                by_distance.setdefault(int(distance), set()).update(owners[head])
        if not by_distance:
            return 0, []
        nearest = min(by_distance)
        return nearest, list(by_distance[nearest])

    def corrections(self, word: str, limit: int = 3, *, prefix: bool = False) -> list[str]:
        """The known words nearest to `word`, most frequent first; with `prefix`, `word` may be unfinished.

        Only the nearest count: "chalenges" is "challenges" (1 edit), not also "changes" (2 edits).
        """
        distance, found = self._near(word)
        if prefix:
            # A misspelt last word may be complete ("achivments") or still being typed ("chalen").
            head_distance, heads = self._near_prefix(word)
            if heads and (not found or head_distance < distance):
                distance, found = head_distance, heads
            elif heads and head_distance == distance:
                found = [*found, *(w for w in heads if w not in found)]
        return self._rank(found)[:limit]

    def resembling(self, word: str, limit: int = 3) -> list[str]:
        """Known words that look like `word` even with more typos than a correction allows, best first."""
        if len(word) < _RESEMBLE_MIN_LENGTH:
            return []
        spread = range(len(word) - 3, len(word) + 4)
        pool = [w for n in spread for w in self._by_length.get(n, ())]
        found = process.extract(word, pool, scorer=fuzz.ratio, score_cutoff=_RESEMBLANCE, limit=limit)
        return [m[0] for m in sorted(found, key=lambda m: (-m[1], -self.frequency[m[0]], m[0]))]

    def _heads(self, length: int) -> tuple[list[str], dict[str, list[str]]]:
        cached = self._prefixes.get(length)
        if cached is None:
            owners: dict[str, list[str]] = {}
            for word in self.sorted:
                if len(word) >= length:
                    owners.setdefault(word[:length], []).append(word)
            cached = (list(owners), owners)
            self._prefixes[length] = cached
        return cached

    def alternatives(self, term: str, *, prefix: bool) -> list[str]:
        """What `term` may stand for: itself if known, its completions if it is being typed, else near words."""
        found: list[str] = []
        if term in self.frequency:
            found.append(term)
        if prefix and len(term) >= 2:
            found.extend(w for w in self.completions(term) if w != term)
        if found:
            return found
        return self.corrections(term, MAX_PREFIX_EXPANSION if prefix else 3, prefix=prefix)


# -- the index --------------------------------------------------------------------------------------------


class SearchIndex:
    """Everything search needs, built once from a `Library`; every method is safe on any user input."""

    def __init__(self, library: Library) -> None:
        started = time.perf_counter()
        self.library = library
        self._events = {e.id: e for e in library.timeline}
        self._breadcrumbs = {t.id: self._breadcrumb_of(t) for t in library.topics}
        # The connection is only ever used under this lock; it may be built in one thread and read in another.
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._rows: list[_Row] = []
        # A query that is exactly a topic's name or alias, or an event's title, names what it wants.
        self._exact: dict[str, list[int]] = {}
        self._names: list[_Name] = []
        with self._db:
            self._build_documents()
            self._build_names()
        self._lexicon, self._name_lexicon = self._vocabularies()
        log.debug(
            "search index: %d rows, %d names, %d words in %.1f ms",
            len(self._rows),
            len(self._names),
            len(self._lexicon.frequency),
            (time.perf_counter() - started) * 1000,
        )

    # -- building

    def _breadcrumb_of(self, topic: Topic) -> str:
        if topic.parent:
            return self.library.topic(topic.parent).short + BREADCRUMB_SEPARATOR + topic.short
        return topic.short

    def _build_documents(self) -> None:
        self._db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(title, body, aliases, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        self._db.execute(
            "INSERT INTO docs(docs, rank) VALUES ('rank', ?)",
            (f"bm25({_WEIGHT_TITLE}, {_WEIGHT_BODY}, {_WEIGHT_ALIASES})",),
        )
        for topic in self.library.topics:
            for name in (topic.title, topic.short, topic.choice, topic.command, *topic.aliases):
                self._remember_name(name, len(self._rows) + 1)
            self._rows.append(_Row(Kind.TOPIC, topic.id, topic.id, None))
            self._rows.extend(_Row(Kind.TOPIC, topic.id, topic.id, i) for i in range(len(topic.points)))
        self._first_event_rowid = len(self._rows) + 1
        for event in self.library.timeline:
            self._remember_name(event.title, len(self._rows) + 1)
            self._rows.append(_Row(Kind.EVENT, event.id, event.topic, self._point_of_event(event)))
        # Records are generated twice rather than kept: in a large pack they would be most of the peak memory.
        self._db.executemany("INSERT INTO docs(rowid, title, body, aliases) VALUES (?, ?, ?, ?)", self._records())
        # The words as written, unstemmed, for typo correction and prefix expansion. SQLite splits them the
        # way the index does, several times faster than a regular expression in Python would. Contentless and
        # without positions, as only its vocabulary is ever read.
        self._db.execute(
            "CREATE VIRTUAL TABLE words USING fts5(text, tokenize = 'unicode61 remove_diacritics 2', "
            "content = '', detail = none, columnsize = 0)"
        )
        self._db.executemany(
            "INSERT INTO words(rowid, text) VALUES (?, ?)",
            ((rowid, f"{title}\n{body}\n{aliases}") for rowid, title, body, aliases in self._records()),
        )

    def _records(self) -> Iterator[tuple[int, str, str, str]]:
        """(rowid, title, body, aliases) of every row, in the order of `self._rows`."""
        rowid = 0
        for topic in self.library.topics:
            rowid += 1
            names = " ".join(n for n in (topic.title, topic.short, topic.choice, topic.command) if n)
            # A newline between aliases lets the highlighter show which alias matched.
            yield rowid, names, topic.summary, "\n".join(topic.aliases)
            for point in topic.points:
                rowid += 1
                yield rowid, point.heading, f"{point.text}\n{point.quote}", ""
        for event in self.library.timeline:
            rowid += 1
            yield rowid, f"{event.title}\n{event.when}", f"{event.text}\n{event.quote}", ""

    def _vocabularies(self) -> tuple[_Lexicon, _Lexicon]:
        """The lexicon of all the text, and that of the names alone, with the number of rows holding each word."""
        lexicons: list[_Lexicon] = []
        for table in ("words", "names"):
            self._db.execute(f"CREATE VIRTUAL TABLE temp.{table}_vocab USING fts5vocab(main, {table}, 'row')")
            rows = self._db.execute(f"SELECT term, doc FROM temp.{table}_vocab").fetchall()
            lexicons.append(_Lexicon(Counter(dict(rows))))
        return lexicons[0], lexicons[1]

    def _remember_name(self, name: str | None, rowid: int) -> None:
        if name:
            rows = self._exact.setdefault(_name_key(name), [])
            if rowid not in rows:
                rows.append(rowid)

    def _point_of_event(self, event: TimelineEvent) -> int | None:
        """The key point of the event's topic that quotes the same paragraph, so "open" lands near it."""
        topic = self.library.by_id.get(event.topic)
        if topic is None:
            return None
        for index, point in enumerate(topic.points):
            if point.citation.paragraph == event.citation.paragraph:
                return index
        return None

    def _build_names(self) -> None:
        records: dict[Kind, list[tuple[int, str]]] = {Kind.TOPIC: [], Kind.EVENT: []}

        def add(kind: Kind, target: str, text: str, *, alias: bool, order: int) -> None:
            records[kind].append((len(self._names), text))
            self._names.append(_Name(kind, target, text, utils.default_process(text), alias, order))

        for order, topic in enumerate(self.library.topics):
            seen: set[str] = set()
            for text, alias in (
                (topic.title, False),
                (topic.short, False),
                (topic.choice or "", False),
                (topic.command or "", False),
                *((a, True) for a in topic.aliases),
            ):
                key = text.casefold()
                if text and key not in seen:
                    seen.add(key)
                    add(Kind.TOPIC, topic.id, text, alias=alias, order=order)
        for order, event in enumerate(self.library.timeline):
            add(Kind.EVENT, event.id, event.title, alias=False, order=order)
            add(Kind.EVENT, event.id, event.when, alias=True, order=order)
        # Names have a table of their own, so finding one never wades through the words of every quote; a
        # name's rowid there is its index in `self._names`, plus one.
        self._db.execute(
            f"CREATE VIRTUAL TABLE names USING fts5({', '.join(_NAME_COLUMNS.values())}, "
            "tokenize = 'unicode61 remove_diacritics 2', content = '', detail = column, columnsize = 0)"
        )
        for kind, rows in records.items():
            self._db.executemany(
                f"INSERT INTO names(rowid, {_NAME_COLUMNS[kind]}) VALUES (?, ?)",
                ((index + 1, text) for index, text in rows),
            )

    # -- full-text search

    def _expression(self, groups: Sequence[Sequence[str]], operator: str) -> str:
        return f" {operator} ".join("(" + " OR ".join(_quote(w) for w in group) + ")" for group in groups)

    def _term_groups(self, terms: Sequence[str], *, prefix_last: bool) -> list[list[str]]:
        groups: list[list[str]] = []
        for position, term in enumerate(terms):
            is_last = prefix_last and position == len(terms) - 1
            # An unknown word with no near neighbour stays as it is: it then simply matches nothing.
            groups.append(self._lexicon.alternatives(term, prefix=is_last) or [term])
        return groups

    def _match(
        self, expression: str, limit: int, window: int, first_rowid: int, *, ranked: bool = True
    ) -> list[tuple[int, float]]:
        """(rowid, bm25) of the best rows for an FTS5 expression, best first; unranked, in document order."""
        if ranked:
            sql = (
                "SELECT rowid, rank FROM (SELECT rowid, rank FROM docs WHERE docs MATCH ? AND rowid >= ? LIMIT ?) "
                "ORDER BY rank LIMIT ?"
            )
            parameters: tuple[object, ...] = (expression, first_rowid, window, limit)
        else:
            sql = "SELECT rowid, 0.0 FROM docs WHERE docs MATCH ? AND rowid >= ? LIMIT ?"
            parameters = (expression, first_rowid, limit)
        try:
            with self._lock:
                return self._db.execute(sql, parameters).fetchall()
        except sqlite3.Error:
            # Expressions are built from quoted words only, so this is a bug, not bad input: say so, go on.
            log.exception("search expression %r failed", expression)
            return []

    def _ranked_rows(
        self,
        terms: Sequence[str],
        limit: int,
        *,
        prefix_last: bool,
        window: int = RANK_WINDOW,
        first_rowid: int = 1,
        ranked: bool = True,
    ) -> list[tuple[int, float]]:
        """Rows matching all words, then all meaningful words, then any word: precise matches first."""
        groups = self._term_groups(terms, prefix_last=prefix_last)
        passes = [self._expression(groups, "AND")]
        if len(groups[-1]) > 1 and terms[-1] in self._lexicon:
            # A finished last word beats the longer words it begins: "peace" before "peacekeeping".
            passes.insert(0, self._expression([*groups[:-1], [terms[-1]]], "AND"))
        if len(terms) > 1 and all(t in self._lexicon for t in terms):
            # The words as typed, side by side ("iraq war"), before the same words anywhere in a row.
            passes.insert(0, _quote(" ".join(terms)))
        meaningful = [g for t, g in zip(terms, groups, strict=True) if t not in _STOPWORDS]
        if meaningful and len(meaningful) < len(groups):
            passes.append(self._expression(meaningful, "AND"))
        if len(groups) > 1:
            passes.append(self._expression(meaningful or groups, "OR"))
        exact = (r for r in self._exact.get(" ".join(terms), ()) if r >= first_rowid)
        found: dict[int, float] = dict.fromkeys(exact, -1e6)
        for tier, expression in enumerate(passes):
            for rowid, rank in self._match(expression, limit, window, first_rowid, ranked=ranked):
                # bm25 is negative, lower is better; each looser pass ranks after every row of the stricter one.
                found.setdefault(rowid, rank + tier * 1e6)
            if len(found) >= limit:
                break
        return sorted(found.items(), key=lambda item: item[1])

    def search(self, query: str, limit: int = 5) -> list[Hit]:
        """The best matches for `query`, most relevant first, at most one per topic until every topic is used."""
        limit = max(0, min(limit, EMBED_FIELDS))
        terms = query_terms(query)
        if not terms or not limit:
            return []
        ranked = self._ranked_rows(terms, limit * 4, prefix_last=True)
        chosen = self._diverse(ranked, limit)
        snippets = self._snippets(terms, [rowid for rowid, _ in chosen])
        hits: list[Hit] = []
        for rowid, rank in chosen:
            row = self._rows[rowid - 1]
            title = self._title_of_row(row)
            hits.append(
                Hit(
                    kind=row.kind,
                    target=row.target,
                    topic=row.topic,
                    point=row.point,
                    breadcrumb=self._breadcrumb_of_row(row),
                    title=title,
                    snippet=snippets.get(rowid) or escape_markdown(clip(title, SNIPPET_FALLBACK)),
                    score=-rank,
                )
            )
        return hits

    def _diverse(self, ranked: Sequence[tuple[int, float]], limit: int) -> list[tuple[int, float]]:
        # Five hits from one topic would hide the other topics; a second hit from a topic waits its turn.
        first: list[tuple[int, float]] = []
        rest: list[tuple[int, float]] = []
        seen: set[tuple[Kind, str]] = set()
        for rowid, rank in ranked:
            row = self._rows[rowid - 1]
            key = (row.kind, row.target)
            (rest if key in seen else first).append((rowid, rank))
            seen.add(key)
        return (first + rest)[:limit]

    def _breadcrumb_of_row(self, row: _Row) -> str:
        return TIMELINE_LABEL if row.kind is Kind.EVENT else self._breadcrumbs[row.topic]

    def _snippets(self, terms: Sequence[str], rowids: Sequence[int]) -> dict[int, str]:
        """rowid → markdown-safe snippet with the matched words in bold, for the chosen rows."""
        if not rowids:
            return {}
        # Highlight every form the query may have matched, whichever pass found the row.
        groups = self._term_groups(terms, prefix_last=True)
        expression = self._expression(groups, "OR")
        placeholders = ",".join("?" * len(rowids))
        try:
            with self._lock:
                found = self._db.execute(
                    f"SELECT rowid, snippet(docs, 1, ?, ?, '…', ?), highlight(docs, 2, ?, ?) "
                    f"FROM docs WHERE docs MATCH ? AND rowid IN ({placeholders})",
                    (_OPEN, _CLOSE, SNIPPET_TOKENS, _OPEN, _CLOSE, expression, *rowids),
                ).fetchall()
        except sqlite3.Error:
            log.exception("snippets for %r failed", expression)
            found = []
        result: dict[int, str] = {}
        for rowid, body, aliases in found:
            snippet = _bold(body)
            shown = _marked_words(body)
            # Found (also) through an alias: name the alias when it matched words the snippet does not show,
            # or a hit for "what went wrong" would look unrelated to the query.
            matched = [a for a in aliases.split("\n") if not _marked_words(a) <= shown]
            if matched:
                snippet += " — also called " + ", ".join(_bold(a) for a in matched[:3])
            result[rowid] = snippet
        return result

    def _title_of_row(self, row: _Row) -> str:
        if row.kind is Kind.EVENT:
            return self._events[row.target].title
        topic = self.library.topic(row.topic)
        return topic.points[row.point].heading if row.point is not None else topic.title

    # -- did you mean

    def corrected(self, query: str, *, loose: bool = False) -> str | None:
        """`query` with each unknown word replaced by the nearest known one, or None if nothing changed.

        `loose` also accepts words that merely resemble (more than two typos), for "did you mean" after a
        search that found nothing.
        """
        terms = query_terms(query)
        fixed: list[str] = []
        for position, term in enumerate(terms):
            # The last word may still be being typed: a known beginning is not a typo.
            if term in self._lexicon or (position == len(terms) - 1 and self._lexicon.completions(term, 1)):
                fixed.append(term)
                continue
            found = self._lexicon.corrections(term, 1) or (self._lexicon.resembling(term, 1) if loose else [])
            fixed.append(found[0] if found else term)
        return " ".join(fixed) if fixed != terms else None

    def suggest(self, query: str, limit: int = 5) -> list[Suggestion]:
        """Closest topics and words for a query that found nothing; never empty when the pack has topics."""
        limit = max(0, min(limit, AUTOCOMPLETE_CHOICES))
        if not limit:
            return []
        suggestions: list[Suggestion] = []
        fixed = self.corrected(query, loose=True)
        if fixed and self.search(fixed, 1):
            suggestions.append(Suggestion(Kind.TERM, clip(fixed, CHOICE_VALUE), fixed, ""))
        seen: set[str] = set()
        close = (
            self.library.topic(n.target) for n in self._matching_names(query_terms(query), (Kind.TOPIC,), loose=True)
        )
        # After the close topics, the starting points, so the answer is never a dead end.
        starts = (t for t in self.library.topics if t.command)
        for topic in itertools.chain(close, starts):
            if len(suggestions) >= limit:
                break
            if topic.id not in seen:
                seen.add(topic.id)
                suggestions.append(self._topic_suggestion(topic))
        return suggestions

    def _topic_suggestion(self, topic: Topic) -> Suggestion:
        return Suggestion(Kind.TOPIC, topic.id, topic.short, self._breadcrumbs[topic.id])

    # -- names, for autocomplete and suggestions

    def _name_indexes(self, kind: Kind, expression: str) -> list[int]:
        """Indexes into `self._names` of the first names of `kind` matching `expression`, in document order."""
        column_filter = f"{_NAME_COLUMNS[kind]} : ({expression})"
        try:
            with self._lock:
                found = self._db.execute(
                    "SELECT rowid FROM names WHERE names MATCH ? LIMIT ?", (column_filter, RERANK_WINDOW)
                ).fetchall()
        except sqlite3.Error:
            log.exception("name expression %r failed", column_filter)
            return []
        return [rowid - 1 for (rowid,) in found]

    def _matching_names(self, terms: Sequence[str], kinds: Sequence[Kind], *, loose: bool = False) -> list[_Name]:
        """Names holding every query word (or, failing that, any), best first, one per target.

        The first names in document order that match are re-scored with rapidfuzz against the whole query,
        so a close, short name ("The United States") beats a long one that merely contains the words.
        """
        groups = [
            self._name_lexicon.alternatives(term, prefix=position == len(terms) - 1)
            for position, term in enumerate(terms)
        ]
        if loose:
            groups = [g or self._name_lexicon.resembling(t, 3) for t, g in zip(terms, groups, strict=True)]
        meaningful = [g for t, g in zip(terms, groups, strict=True) if t not in _STOPWORDS] or groups
        expressions: list[str] = []
        if not loose and meaningful and all(meaningful):
            expressions.append(self._expression(meaningful, "AND"))
        if any(groups):
            expressions.append(self._expression([g for g in groups if g], "OR"))
        indexes: list[int] = []
        for kind in kinds:
            for expression in expressions:
                found = self._name_indexes(kind, expression)
                if found:
                    indexes.extend(found)
                    break
        if not indexes:
            return []
        typed = utils.default_process(" ".join(terms))
        names = [self._names[i] for i in indexes]
        # One call scores every candidate in C; the loop below only adjusts and keeps each target's best.
        scored = process.extract(typed, [n.processed for n in names], scorer=fuzz.WRatio, processor=None, limit=None)
        best: dict[tuple[Kind, str], tuple[float, _Name]] = {}
        for _text, score, position in scored:
            name = names[position]
            if name.processed == typed:
                score += 30
            elif name.processed.startswith(typed):
                score += 15
            if name.alias:
                # The entry's own name reads better than an alias when both match equally well.
                score -= 2
            key = (name.kind, name.target)
            if key not in best or score > best[key][0]:
                best[key] = (score, name)
        ordered = sorted(best.values(), key=lambda item: (-item[0], item[1].kind != Kind.TOPIC, item[1].order))
        return [name for _score, name in ordered]

    def _body_rows(self, terms: Sequence[str], *, events_only: bool = False) -> Iterator[_Row]:
        """Rows whose text matches, best first, for the second half of an autocomplete list."""
        first = self._first_event_rowid if events_only else 1
        found = self._ranked_rows(
            terms,
            AUTOCOMPLETE_CHOICES * 2,
            prefix_last=True,
            window=AUTOCOMPLETE_RANK_WINDOW,
            first_rowid=first,
            # bm25 first scans every row holding each word, to weigh it; in a very large pack that alone
            # would spend the keystroke's budget, so there the matches come in document order instead.
            ranked=len(self._rows) <= AUTOCOMPLETE_RANKED_ROWS,
        )
        return (self._rows[rowid - 1] for rowid, _ in found)

    # -- autocomplete

    def _topic_label(self, topic: Topic, matched: _Name | None = None) -> str:
        label = topic.title
        if topic.parent:
            label = self.library.topic(topic.parent).short + BREADCRUMB_SEPARATOR + topic.title
        if matched is not None and matched.alias and matched.text.casefold() not in label.casefold():
            # Say which of its other names made this topic match, or "goals → Objectives" looks random.
            label = f"{label} ({matched.text})"
        return label

    def _event_label(self, event: TimelineEvent) -> str:
        return f"{event.when} — {event.title}"

    def complete_topics(self, query: str) -> list[tuple[str, str]]:
        """(name, topic id) choices: name matches first, then topics whose text matches; ≤ 25."""
        terms = query_terms(query)
        choices = _Choices(ids=True)
        if not terms:
            for topic in itertools.islice(self.library.topics, AUTOCOMPLETE_CHOICES):
                choices.offer(topic.id, self._topic_label(topic), topic.id)
            return choices.list()
        for name in self._matching_names(terms, (Kind.TOPIC,)):
            if choices.full:
                break
            if choices.wants(name.target):
                choices.offer(name.target, self._topic_label(self.library.topic(name.target), name), name.target)
        for row in self._body_rows(terms) if not choices.full else ():
            if choices.wants(row.topic):
                choices.offer(row.topic, self._topic_label(self.library.topic(row.topic)), row.topic)
        return choices.list()

    def complete_events(self, query: str) -> list[tuple[str, str]]:
        """(name, event id) choices: title and wording matches first, then events whose text matches; ≤ 25."""
        terms = query_terms(query)
        choices = _Choices(ids=True)
        if not terms:
            for event in itertools.islice(self.library.timeline, AUTOCOMPLETE_CHOICES):
                choices.offer(event.id, self._event_label(event), event.id)
            return choices.list()
        for name in self._matching_names(terms, (Kind.EVENT,)):
            if choices.full:
                break
            if choices.wants(name.target):
                choices.offer(name.target, self._event_label(self._events[name.target]), name.target)
        for row in self._body_rows(terms, events_only=True) if not choices.full else ():
            if choices.wants(row.target):
                choices.offer(row.target, self._event_label(self._events[row.target]), row.target)
        return choices.list()

    def complete_search(self, query: str) -> list[tuple[str, str]]:
        """(name, query text) choices for the /search box: topics and events by name, then matching points.

        The value is the text to search for (a title or a point's heading), so choosing it runs a search that
        puts the chosen entry first.
        """
        terms = query_terms(query)
        choices = _Choices()
        if not terms:
            for topic in itertools.islice(self.library.topics, AUTOCOMPLETE_CHOICES):
                choices.offer(topic.title.casefold(), self._breadcrumbs[topic.id], topic.title)
            for event in itertools.islice(self.library.timeline, AUTOCOMPLETE_CHOICES):
                choices.offer(event.title.casefold(), TIMELINE_LABEL + BREADCRUMB_SEPARATOR + event.title, event.title)
            return choices.list()
        for name in self._matching_names(terms, (Kind.TOPIC, Kind.EVENT)):
            if choices.full:
                break
            if name.kind is Kind.TOPIC:
                topic = self.library.topic(name.target)
                if choices.wants(topic.title.casefold()):
                    choices.offer(topic.title.casefold(), self._topic_label(topic, name), topic.title)
            else:
                event = self._events[name.target]
                if choices.wants(event.title.casefold()):
                    label = TIMELINE_LABEL + BREADCRUMB_SEPARATOR + event.title
                    choices.offer(event.title.casefold(), label, event.title)
        for row in self._body_rows(terms) if not choices.full else ():
            title = self._title_of_row(row)
            if not choices.wants(title.casefold()):
                continue
            if row.kind is Kind.TOPIC and row.point is None:
                label = self._topic_label(self.library.topic(row.topic))
            else:
                label = self._breadcrumb_of_row(row) + BREADCRUMB_SEPARATOR + title
            choices.offer(title.casefold(), label, title)
        return choices.list()

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _marked_words(highlighted: str) -> set[str]:
    """The words FTS5 marked in `highlighted`, casefolded."""
    return {w.casefold() for w in re.findall(f"{_OPEN}(.*?){_CLOSE}", highlighted)}


class _Choices:
    """Autocomplete choices gathered best first: one per key, at most 25, each fitted to Discord's limits.

    With `ids`, values are ids: one too long for Discord is left out, since a shortened id names nothing.
    """

    def __init__(self, *, ids: bool = False) -> None:
        self._items: dict[str, tuple[str, str]] = {}
        self._ids = ids

    @property
    def full(self) -> bool:
        return len(self._items) >= AUTOCOMPLETE_CHOICES

    def wants(self, key: str) -> bool:
        """Whether a choice under `key` would be kept; asked first so no label is built in vain."""
        return key not in self._items and not self.full

    def offer(self, key: str, name: str, value: str) -> None:
        if self.wants(key) and not (self._ids and len(value) > CHOICE_VALUE):
            self._items[key] = _choice(name, value)

    def list(self) -> list[tuple[str, str]]:
        return list(self._items.values())


def _name_key(text: str) -> str:
    """A name reduced to its words, as `" ".join(query_terms(...))` reduces a query (for ASCII names)."""
    return " ".join(utils.default_process(text).split())


def _bold(highlighted: str) -> str:
    """FTS5 output with private markers → markdown-safe text with the marked words in bold."""
    text = escape_markdown(highlighted)
    text = text.replace(_CLOSE + " " + _OPEN, " ")  # adjacent matches read as one bold run
    return text.replace(_OPEN, "**").replace(_CLOSE, "**")


def _choice(name: str, value: str) -> tuple[str, str]:
    """An autocomplete choice inside Discord's limits: name 1–100 characters, value ≤ 100."""
    name = clip(_SPACES.sub(" ", clean_text(name)).strip(), CHOICE_NAME) or "…"
    return name, clip(clean_text(value), CHOICE_VALUE)
