"""Search and discovery over one Library: answers to questions, honest misses, and autocomplete.

Pure and synchronous: built from a `Library`, never from the bot, and rebuilt whole when the library is swapped.

Two structures are built at once:

- an in-memory SQLite FTS5 table with one row per topic (title, summary, aliases), per key point (heading,
  text and quote, the questions it answers) and per timeline event, with a porter stemmer so plurals match;
- a second FTS5 table of the names alone (titles, short names, choices, aliases, event titles and wordings),
  unstemmed, to find autocomplete candidates, which rapidfuzz then re-scores against the whole query;
- vocabularies of all that text and of the names alone, split as the unstemmed tokenizer splits them: they
  drive typo correction and prefix expansion (rapidfuzz edit distance).

User input is never handed to FTS5 as syntax: it is split into words here, each word quoted, and the query
expression assembled from those quoted words only, so quotes, `*`, `NEAR`, `AND`/`OR`/`NOT`, parentheses, `-`,
`:` and `^` are plain text. Prefixes are expanded here against the lexicon rather than with FTS5's `"x"*`,
because the porter stemmer does not stem a prefix the way it stems the whole word ("capaci"* would never
match "capacity").

A search reads the query as a question (`bot.search.query`): stop words are dropped, each remaining word is
looked up (as typed, stemmed, corrected when it is a typo of the pack's vocabulary, or else reported missing:
`bot.search.lexicon`), and the rows holding any of them are scored in Python on bm25, on how much of the
question they cover (rarer words weigh more), on words that stand together as in the query, and, for a "when"
question, on the document's time words. Only hits within reach of the best one are kept.
"""

from __future__ import annotations

import array
import bisect
import concurrent.futures
import functools
import itertools
import logging
import math
import re
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Final, NamedTuple

from rapidfuzz import fuzz, process, utils

from ..content import heap
from ..content.models import Citation, Library, Point, TimelineEvent, Topic
from ..limits import AUTOCOMPLETE_CHOICES, CHOICE_NAME, CHOICE_VALUE, EMBED_FIELDS
from ..text import clean_text, clip, escape_markdown
from .lexicon import Lexicon, is_english, likely_typo
from .query import STOPWORDS, TIME_WORDS, Question, parse, query_terms
from .results import BREADCRUMB_SEPARATOR, Answer, Hit, Kind, pick_value

try:
    from . import _words
except ImportError:  # not built here (no C compiler at install): SQLite counts every word
    _words = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

# How the index splits text into words: as written, for the names and the vocabularies; and stemmed, for `docs`.
_TOKENIZER: Final = "unicode61 remove_diacritics 2"
_STEMMING_TOKENIZER: Final = f"porter {_TOKENIZER}"

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
_NAME_COLUMNS: Final[dict[str, str]] = {"topic": "topic_name", "event": "event_name"}
TIMELINE_LABEL: Final = "Timeline"

# Relative weight of the FTS5 columns: a word in a title or an alias says much more about what a row is about
# than the same word somewhere in a quote.
_WEIGHT_TITLE: Final = 10.0
_WEIGHT_BODY: Final = 1.0
_WEIGHT_ASKS: Final = 6.0
_WEIGHT_ALIASES: Final = 14.0
# How a candidate's score is made (each part is 0–1 before weighting), and how close to the best a hit must
# score to be listed at all. Tuned on tests/data/relevance.yaml (python -m benchmarks.relevance).
SCORE_COVER: Final = 6.0
SCORE_BM25: Final = 3.5
SCORE_NEAR: Final = 1.0
SCORE_WHEN: Final = 2.5
RELEVANT: Final = 0.7
# Words this close together (FTS5 NEAR, in tokens) count as a phrase of the query.
NEAR_TOKENS: Final = 3
NEAR_COMBINATIONS: Final = 6

# Private-use markers that cannot survive markdown escaping by accident; turned into ** afterwards.
_OPEN: Final = "\ue000"
_CLOSE: Final = "\ue001"

_SPACES: Final = re.compile(r"\s+")
# A sentence ends at . ! or ? followed by a space and a capital (or an opening quote or bracket).
_SENTENCE_END: Final = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")
_STOPWORDS: Final = STOPWORDS


class _Row(NamedTuple):
    """What one row of `docs` is; made from its rowid when asked (`SearchIndex._row`), never stored."""

    kind: Kind
    target: str
    topic: str
    point: int | None


class _Name(NamedTuple):
    kind: Kind
    target: str
    text: str
    alias: bool
    order: int


# A row as indexed: rowid, title, body, asks, aliases; as it is given to SQLite, both tables alike.
_Record = tuple[int, str, str, str, str]


def _topic_record(rowid: int, topic: Topic) -> _Record:
    names = " ".join(n for n in (topic.title, topic.short, topic.choice, topic.command) if n)
    # A newline between aliases lets the highlighter show which alias matched.
    return rowid, names, topic.summary, "", "\n".join(topic.aliases)


def _point_record(rowid: int, point: Point) -> _Record:
    # The quote comes last in the body: its sentences are what an answer shows.
    return rowid, point.heading, f"{point.text}\n{point.quote}", "\n".join(point.asks), ""


def _event_record(rowid: int, event: TimelineEvent) -> _Record:
    return rowid, f"{event.title}\n{event.when}", f"{event.text}\n{event.quote}", "", ""


def _vocabulary(rows: list[_Record] | list[str]) -> Lexicon:
    """The words of `rows` (records, or names) as written, unstemmed, with the number of rows holding each: for
    typo correction and prefix expansion."""
    return _lexicon_of(rows, _count(rows))


def _count(rows: list[_Record] | list[str]) -> tuple[dict[str, int], Sequence[int]]:
    """What `_words` (C) counts of `rows`, where the install built it, and the indexes of the rows it leaves to
    SQLite. It splits words as SQLite's unstemmed tokenizer does, in every row it can split the same way: the
    ASCII ones, and those whose other characters all part words (’ and –, in most English text). A row with an
    accented letter, say, is left."""
    built = _words
    return ({}, range(len(rows))) if built is None else built.count(rows, 1, _parts_words)


def _lexicon_of(rows: list[_Record] | list[str], counted: tuple[dict[str, int], Sequence[int]]) -> Lexicon:
    """The lexicon of `rows` from what `_count` made of them, with SQLite counting the rows it left."""
    counts, left = counted
    frequency = Counter(counts)
    if left:
        frequency.update(_counted_by_sqlite([rows[index] for index in left]))
    return Lexicon(frequency)


def _counted_by_sqlite(rows: Sequence[_Record | str]) -> Counter[str]:
    """What `_vocabulary` counts, counted by SQLite itself: an FTS5 table of the rows, read back by fts5vocab.

    The table is in a database of its own, contentless and without positions, closed once its words are read:
    nothing else ever queries it, and kept it would hold an index of every word for the index's lifetime.
    """
    # A contentless table wants each row's rowid; any distinct numbers will do.
    texts = [(number, row) if isinstance(row, str) else (number, *row[1:]) for number, row in enumerate(rows)]
    width = len(texts[0]) - 1 if texts else 1
    columns = ", ".join(f"c{number}" for number in range(width))
    db = sqlite3.connect(":memory:")
    try:
        db.execute(
            f"CREATE VIRTUAL TABLE words USING fts5({columns}, tokenize = '{_TOKENIZER}', content = '', "
            "detail = none, columnsize = 0)"
        )
        with db:
            db.executemany(f"INSERT INTO words(rowid, {columns}) VALUES (?{', ?' * width})", texts)
        db.execute("CREATE VIRTUAL TABLE temp.words_vocab USING fts5vocab(main, words, 'row')")
        return Counter(dict(db.execute("SELECT term, doc FROM temp.words_vocab")))
    finally:
        db.close()


@functools.cache
def _parts_words(code: int) -> bool:
    """Whether SQLite's unstemmed tokenizer parts words at the character `code`: asked of SQLite itself, once
    per character and process, for the few non-ASCII characters a pack holds. It does when a word, the
    character and the word again count as that one word."""
    return _counted_by_sqlite([f"a{chr(code)}a"]) == Counter({"a": 1})


# Per row, whether it holds one of the document's time words: not yet read, no, or yes.
_UNREAD: Final = 0
_UNTIMED: Final = 1
_TIMED: Final = 2


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
        # Rows are numbered in document order: each topic's own row, then one per key point; then the events.
        # The rowid of each topic's own row is all that is kept: `_row` works out the rest.
        self._topic_rowids: list[int] = []
        rowid = 1
        for topic in library.topics:
            self._topic_rowids.append(rowid)
            rowid += 1 + len(topic.points)
        self._first_event_rowid = rowid
        self._row_count = rowid - 1 + len(library.timeline)
        # Whether a row holds one of the document's time words, read only for rows a "when" question scores.
        self._timed = bytearray(self._row_count)
        # The names, as parallel arrays indexed like the `names` table (its rowid minus one): each name's text,
        # the index of the topic (or, from `_topic_names` on, of the event) it names, and whether it is an
        # alias (for an event, its wording). `_name` makes a `_Name` of one; a hundred thousand are not kept.
        self._name_texts: list[str] = []
        self._name_owners = array.array("I")
        self._name_aliases = bytearray()
        self._topic_names = 0
        # Made once for the index and its vocabulary: both read a str as the UTF-8 Python then keeps with it.
        records = list(self._records())
        self._collect_names()
        # The vocabularies are counted in a thread of their own while SQLite builds the tables: both spend nearly
        # all their time without the GIL, so on a second core the counting (a tenth of the build) is hidden.
        # (Any rows it leaves to SQLite are counted after, here: two SQLite builds at once are slower than one
        # after the other.)
        with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="search vocabulary") as counting:
            words = counting.submit(_count, records)
            names = counting.submit(_count, self._name_texts)
            with self._db:
                self._build_documents(records)
                self._build_names()
            self._lexicon = _lexicon_of(records, words.result())
            self._name_lexicon = _lexicon_of(self._name_texts, names.result())
        del records
        # The English word list is read on first use (some 30 ms, once per process): here, not in the first
        # member's search, which has Discord's 3 s to answer. (Read in the thread, its Python would only hold
        # up SQLite's, which needs the GIL between rows.)
        is_english("nato")
        # Building makes far more short-lived objects (records, SQLite's insert buffers) than the index keeps.
        heap.give_back()
        log.debug(
            "search index: %d rows, %d names, %d words in %.1f ms",
            self._row_count,
            len(self._name_texts),
            len(self._lexicon.frequency),
            (time.perf_counter() - started) * 1000,
        )

    # -- building

    def _breadcrumb_of(self, topic: Topic) -> str:
        if topic.parent:
            return self.library.topic(topic.parent).short + BREADCRUMB_SEPARATOR + topic.short
        return topic.short

    def _build_documents(self, records: Iterable[_Record]) -> None:
        # The text is indexed but not stored: FTS5 reads it back, for the few rows an answer highlights, from
        # a view whose columns `_record` makes again from the library. Stored, it would be a second copy of
        # every quote, as large as the library's own.
        self._db.create_function("docs_field", 2, self._field, deterministic=True)
        self._db.execute("CREATE TABLE docs_rows(id INTEGER PRIMARY KEY)")
        self._db.execute(
            "INSERT INTO docs_rows(id) WITH RECURSIVE n(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM n "
            "WHERE id < ?) SELECT id FROM n",
            (self._row_count,),
        )
        self._db.execute(
            "CREATE VIEW docs_text AS SELECT id, docs_field(id, 0) AS title, docs_field(id, 1) AS body, "
            "docs_field(id, 2) AS asks, docs_field(id, 3) AS aliases FROM docs_rows"
        )
        self._db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(title, body, asks, aliases, content = 'docs_text', "
            f"content_rowid = 'id', tokenize = '{_STEMMING_TOKENIZER}')"
        )
        self._db.execute(
            "INSERT INTO docs(docs, rank) VALUES ('rank', ?)",
            (f"bm25({_WEIGHT_TITLE}, {_WEIGHT_BODY}, {_WEIGHT_ASKS}, {_WEIGHT_ALIASES})",),
        )
        self._db.executemany(
            "INSERT INTO docs(rowid, title, body, asks, aliases) VALUES (?, ?, ?, ?, ?)",
            records,
        )

    def _records(self) -> Iterator[_Record]:
        """Every row's record, in rowid order."""
        rowid = 0
        for topic in self.library.topics:
            rowid += 1
            yield _topic_record(rowid, topic)
            for point in topic.points:
                rowid += 1
                yield _point_record(rowid, point)
        for event in self.library.timeline:
            rowid += 1
            yield _event_record(rowid, event)

    def _record(self, rowid: int) -> _Record:
        """One row's record, exactly as `_records` gave it to the index."""
        if rowid >= self._first_event_rowid:
            return _event_record(rowid, self.library.timeline[rowid - self._first_event_rowid])
        topic, point = self._topic_row(rowid)
        return _topic_record(rowid, topic) if point is None else _point_record(rowid, topic.points[point])

    def _field(self, rowid: int, column: int) -> str:
        return self._record(rowid)[1:][column]

    @functools.cached_property
    def _exact(self) -> dict[str, int | tuple[int, ...]]:
        """A query that is exactly a topic's name or alias, or an event's title, names what it wants: the rowid
        each such name is (a tuple of them, in order, for a name several rows share).

        Made on first asking, by the first autocomplete that reaches the rows' text (some 50 ms at 100× the
        shipped pack, once): searches never ask, and at build time it was a sixth of the whole.
        """
        exact: dict[str, int | tuple[int, ...]] = {}

        def remember(name: str | None, rowid: int) -> None:
            if name:
                key = _name_key(name)
                rows = exact.setdefault(key, rowid)
                if isinstance(rows, int):
                    if rows != rowid:
                        exact[key] = (rows, rowid)
                elif rowid not in rows:
                    exact[key] = (*rows, rowid)

        for topic, rowid in zip(self.library.topics, self._topic_rowids, strict=True):
            for name in (topic.title, topic.short, topic.choice, topic.command, *topic.aliases):
                remember(name, rowid)
        for rowid, event in enumerate(self.library.timeline, self._first_event_rowid):
            remember(event.title, rowid)
        return exact

    def _exact_rows(self, key: str) -> tuple[int, ...]:
        rows = self._exact.get(key, ())
        return (rows,) if isinstance(rows, int) else rows

    def _point_of_event(self, event: TimelineEvent) -> int | None:
        """The key point of the event's topic that quotes the same paragraph, so "open" lands near it."""
        topic = self.library.by_id.get(event.topic)
        if topic is None:
            return None
        for index, point in enumerate(topic.points):
            if point.citation.paragraph == event.citation.paragraph:
                return index
        return None

    def _collect_names(self) -> None:
        """Fills the name arrays: each topic's distinct names, then each event's title and wording."""
        texts, owners, aliases = self._name_texts, self._name_owners, self._name_aliases
        for order, topic in enumerate(self.library.topics):
            seen: set[str] = set()
            for text, alias in (
                (topic.title, False),
                (topic.short, False),
                (topic.choice, False),
                (topic.command, False),
                *((a, True) for a in topic.aliases),
            ):
                if not text:
                    continue
                key = text.casefold()
                if key not in seen:
                    seen.add(key)
                    texts.append(text)
                    owners.append(order)
                    aliases.append(alias)
        self._topic_names = len(texts)
        for order, event in enumerate(self.library.timeline):
            texts += (event.title, event.when)
            owners.extend((order, order))
            aliases.extend((False, True))

    def _build_names(self) -> None:
        # Names have a table of their own, so finding one never wades through the words of every quote; a
        # name's rowid there is its index in the name arrays, plus one.
        self._db.execute(
            f"CREATE VIRTUAL TABLE names USING fts5({', '.join(_NAME_COLUMNS.values())}, "
            f"tokenize = '{_TOKENIZER}', content = '', detail = column, columnsize = 0)"
        )
        texts = self._name_texts
        for kind, first, last in ((Kind.TOPIC, 0, self._topic_names), (Kind.EVENT, self._topic_names, len(texts))):
            self._db.executemany(
                f"INSERT INTO names(rowid, {_NAME_COLUMNS[kind]}) VALUES (?, ?)",
                ((index + 1, texts[index]) for index in range(first, last)),
            )

    def _name(self, index: int) -> _Name:
        """The name at `index` of the name arrays."""
        order = self._name_owners[index]
        alias = bool(self._name_aliases[index])
        if index < self._topic_names:
            return _Name(Kind.TOPIC, self.library.topics[order].id, self._name_texts[index], alias, order)
        return _Name(Kind.EVENT, self.library.timeline[order].id, self._name_texts[index], alias, order)

    def _row(self, rowid: int) -> _Row:
        """What the row `rowid` of `docs` is: a topic's own row, one of its key points, or an event."""
        if rowid >= self._first_event_rowid:
            event = self.library.timeline[rowid - self._first_event_rowid]
            return _Row(Kind.EVENT, event.id, event.topic, self._point_of_event(event))
        topic, point = self._topic_row(rowid)
        return _Row(Kind.TOPIC, topic.id, topic.id, point)

    def _topic_row(self, rowid: int) -> tuple[Topic, int | None]:
        """The topic of a row before the events, and which of its key points the row is (None: its own row)."""
        position = bisect.bisect_right(self._topic_rowids, rowid) - 1
        offset = rowid - self._topic_rowids[position]
        return self.library.topics[position], offset - 1 if offset else None

    def _is_timed(self, rowid: int) -> bool:
        """Whether the row holds one of the document's time words, read on first asking and then kept."""
        flag = self._timed[rowid - 1]
        if flag == _UNREAD:
            row = self._row(rowid)
            if row.kind is Kind.EVENT:
                # An event is a moment of the document's own: always an answer to "when".
                timed = True
            elif row.point is None:
                timed = False
            else:
                point = self.library.topic(row.topic).points[row.point]
                timed = bool(TIME_WORDS.search(f"{point.heading} {point.quote}"))
            flag = _TIMED if timed else _UNTIMED
            self._timed[rowid - 1] = flag
        return flag == _TIMED

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
        exact = (r for r in self._exact_rows(" ".join(terms)) if r >= first_rowid)
        found: dict[int, float] = dict.fromkeys(exact, -1e6)
        for tier, expression in enumerate(passes):
            for rowid, rank in self._match(expression, limit, window, first_rowid, ranked=ranked):
                # bm25 is negative, lower is better; each looser pass ranks after every row of the stricter one.
                found.setdefault(rowid, rank + tier * 1e6)
            if len(found) >= limit:
                break
        return sorted(found.items(), key=lambda item: item[1])

    def search(self, query: str, limit: int = 5) -> list[Hit]:
        """The relevant matches for `query`, most relevant first (see `answer`)."""
        return list(self.answer(query, limit).hits)

    def answer(self, query: str, limit: int = 5) -> Answer:
        """The hits that answer `query`, best first and only those within reach of the best, and what the
        document lacks: the query's meaningful words it never uses."""
        limit = max(0, min(limit, EMBED_FIELDS))
        question = parse(query)
        if not question.content or not limit:
            return Answer(query)
        groups, missing, corrections = self._resolve(question)
        if not groups:
            return Answer(query, missing=tuple(missing), corrections=tuple(corrections))
        scored = self._scored(question, groups)
        chosen = self._relevant(scored, limit)
        snippets = self._sentences(groups, [rowid for rowid, _point, _score in chosen])
        hits = tuple(self._hit(rowid, point, score, snippets.get(rowid)) for rowid, point, score in chosen)
        return Answer(query, hits, tuple(missing), tuple(corrections))

    def _known(self, term: str) -> bool:
        """Whether the document uses `term`, as written or in a form the stemmer folds it into."""
        return term in self._lexicon or bool(self._match(_quote(term), 1, 1, 1, ranked=False))

    def _resolve(self, question: Question) -> tuple[list[list[str]], list[str], list[tuple[str, str]]]:
        """(word groups to match, missing words, corrections) for the question's meaningful words."""
        groups: list[list[str]] = []
        missing: list[str] = []
        corrections: list[tuple[str, str]] = []
        for term in question.content:
            if self._known(term):
                groups.append([term])
                continue
            fixed = self._lexicon.corrections(term, 3)
            if fixed and likely_typo(term):
                groups.append(fixed)
                corrections.append((term, fixed[0]))
                continue
            # Not a word of English, and no typo of ours: perhaps the start of one of our words ("trai").
            completions = self._lexicon.completions(term) if len(term) >= 3 and not is_english(term) else []
            if completions:
                groups.append(completions)
                continue
            missing.append(term)
        return groups, missing, corrections

    def _rows_matching(self, expression: str, rowids: Sequence[int]) -> set[int]:
        """Which of `rowids` match `expression`.

        Asked as a rowid range, which FTS5 answers from its index, then narrowed here: FTS5 answers
        `rowid IN (…)` by matching once per listed rowid, seconds for a common word in a large pack.
        """
        if not rowids:
            return set()
        try:
            with self._lock:
                found = self._db.execute(
                    "SELECT rowid FROM docs WHERE docs MATCH ? AND rowid BETWEEN ? AND ?",
                    (expression, min(rowids), max(rowids)),
                ).fetchall()
        except sqlite3.Error:
            log.exception("search expression %r failed", expression)
            return set()
        wanted = set(rowids)
        return {rowid for (rowid,) in found if rowid in wanted}

    def _scored(self, question: Question, groups: Sequence[Sequence[str]]) -> list[tuple[int, float]]:
        """(rowid, score) of every row holding a word of the question, best first."""
        candidates = self._match(self._expression(groups, "OR"), RANK_WINDOW, RANK_WINDOW, 1)
        if not candidates:
            return []
        rowids = [rowid for rowid, _ in candidates]
        cover: dict[int, float] = {}
        total = 0.0
        for group in groups:
            found = self._rows_matching(self._expression([group], "OR"), rowids)
            # A word few rows hold says more about which row answers than one most rows hold.
            weight = math.log(1 + self._row_count / max(1, len(found)))
            total += weight
            for rowid in found:
                cover[rowid] = cover.get(rowid, 0.0) + weight
        # Two words of the query side by side, in its order, count fully; merely close together, half; and
        # as with single words, a pair few rows hold counts for more ("Iraq War" is in every other row).
        near: dict[int, float] = {}
        pairs = list(itertools.pairwise(groups))
        rarest = math.log(1 + self._row_count)
        for first, second in pairs:
            combinations = list(itertools.islice(itertools.product(first, second), NEAR_COMBINATIONS))
            close = " OR ".join(f"NEAR({_quote(a)} {_quote(b)}, {NEAR_TOKENS})" for a, b in combinations)
            phrase = " OR ".join(_quote(f"{a} {b}") for a, b in combinations)
            for expression in (close, phrase):
                found = self._rows_matching(expression, rowids)
                weight = 0.5 * math.log(1 + self._row_count / max(1, len(found))) / rarest
                for rowid in found:
                    near[rowid] = near.get(rowid, 0.0) + weight
        best = max(-rank for _, rank in candidates) or 1.0
        scored: list[tuple[int, float]] = []
        for rowid, rank in candidates:
            score = SCORE_COVER * cover.get(rowid, 0.0) / (total or 1.0) + SCORE_BM25 * -rank / best
            if pairs:
                score += SCORE_NEAR * near.get(rowid, 0.0) / len(pairs)
            if question.asks_when and self._is_timed(rowid):
                score += SCORE_WHEN
            scored.append((rowid, score))
        return sorted(scored, key=lambda item: (-item[1], item[0]))

    def _relevant(self, scored: Sequence[tuple[int, float]], limit: int) -> list[tuple[int, int | None, float]]:
        """(rowid, point, score) of the hits worth listing: near the best, one per point of the document.

        A topic's own row (matched by its title or aliases) stands for its best-scoring point, or its first.
        """
        if not scored:
            return []
        floor = scored[0][1] * RELEVANT
        best_point: dict[str, int] = {}
        for rowid, _score in scored:
            row = self._row(rowid)
            if row.kind is Kind.TOPIC and row.point is not None:
                best_point.setdefault(row.topic, row.point)
        chosen: list[tuple[int, int | None, float]] = []
        seen: set[tuple[str, object]] = set()
        for rowid, score in scored:
            if score < floor or len(chosen) >= limit:
                break
            row = self._row(rowid)
            point = row.point
            if row.kind is Kind.TOPIC and point is None:
                point = best_point.get(row.topic, 0) if self.library.topic(row.topic).points else None
                rowid = rowid + 1 + point if point is not None else rowid
            # An event and a point quoting the same paragraph are one answer: the better placed one stays.
            keys = {(row.topic, point), self._paragraph_key(row, point)}
            if keys & seen:
                continue
            seen |= keys
            chosen.append((rowid, point, score))
        return chosen

    def _paragraph_key(self, row: _Row, point: int | None) -> tuple[str, object]:
        if row.kind is Kind.EVENT:
            return (row.topic, self._events[row.target].citation.paragraph)
        topic = self.library.topic(row.topic)
        return (row.topic, topic.points[point].citation.paragraph) if point is not None else (row.topic, None)

    def _hit(self, rowid: int, point: int | None, score: float, snippet: str | None) -> Hit:
        row = self._row(rowid)
        citation: Citation | None
        if row.kind is Kind.EVENT:
            citation = self._events[row.target].citation
        else:
            topic = self.library.topic(row.topic)
            citation = topic.points[point].citation if point is not None else None
        title = self._title_of_row(row)
        return Hit(
            kind=row.kind,
            target=row.target,
            topic=row.topic,
            point=point,
            breadcrumb=self._breadcrumb_of_row(row),
            title=title,
            snippet=snippet or escape_markdown(clip(title, SNIPPET_FALLBACK)),
            score=score,
            section=citation.section if citation is not None else self._breadcrumb_of_row(row),
            paragraph=citation.paragraph if citation is not None else None,
        )

    def _breadcrumb_of_row(self, row: _Row) -> str:
        return TIMELINE_LABEL if row.kind is Kind.EVENT else self._breadcrumbs[row.topic]

    def _sentences(self, groups: Sequence[Sequence[str]], rowids: Sequence[int]) -> dict[int, str]:
        """rowid → the quote's sentence holding most of the query's words, markdown-safe, those words in bold."""
        if not rowids:
            return {}
        expression = self._expression(groups, "OR")
        marked: dict[int, str] = {}
        try:
            with self._lock:
                # One row at a time: FTS5 finds `rowid = ?` directly, where `rowid IN (…)` would match anew
                # for every listed row.
                for rowid in rowids:
                    found = self._db.execute(
                        "SELECT highlight(docs, 1, ?, ?) FROM docs WHERE docs MATCH ? AND rowid = ?",
                        (_OPEN, _CLOSE, expression, rowid),
                    ).fetchone()
                    if found is not None:
                        marked[rowid] = found[0]
        except sqlite3.Error:
            log.exception("sentences for %r failed", expression)
        result: dict[int, str] = {}
        for rowid in rowids:
            body = marked.get(rowid) or self._plain_body(rowid)
            # The body is the plain-words text, a newline, then the verbatim quote: only the quote is shown.
            quote = body.split("\n", 1)[-1]
            sentences = _SENTENCE_END.split(quote)
            best = max(sentences, key=lambda s: (len(_marked_words(s)), -sentences.index(s)))
            result[rowid] = _bold(best.strip())
        return result

    def _plain_body(self, rowid: int) -> str:
        """A row's body as indexed, for a row matched only by its heading, questions or aliases."""
        return self._record(rowid)[2]

    def _title_of_row(self, row: _Row) -> str:
        if row.kind is Kind.EVENT:
            return self._events[row.target].title
        topic = self.library.topic(row.topic)
        return topic.points[row.point].heading if row.point is not None else topic.title

    def describe(self, answer: Answer) -> str:
        """One line for logs and the relevance benchmark: what was read, what is missing, the hits' ids."""
        hits = ", ".join(f"{h.topic}#{h.point}" for h in answer.hits)
        return f"{answer.query!r}: missing={list(answer.missing)} corrected={list(answer.corrections)} → {hits}"

    # -- names, for autocomplete and suggestions

    def _name_indexes(self, kind: Kind, expression: str) -> list[int]:
        """Indexes into the name arrays of the first names of `kind` matching `expression`, in document order."""
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

    def _matching_names(self, terms: Sequence[str], kinds: Sequence[Kind], *, loose: bool = False) -> Iterator[_Name]:
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
            return iter(())
        typed = utils.default_process(" ".join(terms))
        texts, aliases, owners = self._name_texts, self._name_aliases, self._name_owners
        # Names are processed here, for the few candidates, rather than for every name at build time.
        processed = [utils.default_process(texts[i]) for i in indexes]
        # One call scores every candidate in C; the loop below only adjusts and keeps each target's best.
        scored = process.extract(typed, processed, scorer=fuzz.WRatio, processor=None, limit=None)
        # By (is an event, index of the topic or event): so sorted, topics come before events, each in order.
        best: dict[tuple[bool, int], tuple[float, int]] = {}
        for text, score, position in scored:
            index = indexes[position]
            if text == typed:
                score += 30
            elif text.startswith(typed):
                score += 15
            if aliases[index]:
                # The entry's own name reads better than an alias when both match equally well.
                score -= 2
            key = (index >= self._topic_names, owners[index])
            if key not in best or score > best[key][0]:
                best[key] = (score, index)
        ordered = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
        # Made as they are read: autocomplete stops at 25 choices, of the hundreds that may have matched.
        return (self._name(index) for _key, (_score, index) in ordered)

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
            ranked=self._row_count <= AUTOCOMPLETE_RANKED_ROWS,
        )
        return (self._row(rowid) for rowid, _ in found)

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
        """(name, pick) choices for the /search box: topics and events by name, then matching points.

        The value is a pick (`pick_value`): choosing a suggestion opens that very topic, point or event rather
        than running a search for its words.
        """
        terms = query_terms(query)
        # Values are picks, which name an id: one too long to fit is left out rather than cut.
        choices = _Choices(ids=True)
        if not terms:
            for topic in itertools.islice(self.library.topics, AUTOCOMPLETE_CHOICES):
                choices.offer(topic.title.casefold(), self._breadcrumbs[topic.id], pick_value(Kind.TOPIC, topic.id))
            for event in itertools.islice(self.library.timeline, AUTOCOMPLETE_CHOICES):
                choices.offer(
                    event.title.casefold(),
                    TIMELINE_LABEL + BREADCRUMB_SEPARATOR + event.title,
                    pick_value(Kind.EVENT, event.id),
                )
            return choices.list()
        for name in self._matching_names(terms, (Kind.TOPIC, Kind.EVENT)):
            if choices.full:
                break
            if name.kind is Kind.TOPIC:
                topic = self.library.topic(name.target)
                if choices.wants(topic.title.casefold()):
                    choices.offer(
                        topic.title.casefold(), self._topic_label(topic, name), pick_value(Kind.TOPIC, topic.id)
                    )
            else:
                event = self._events[name.target]
                if choices.wants(event.title.casefold()):
                    label = TIMELINE_LABEL + BREADCRUMB_SEPARATOR + event.title
                    choices.offer(event.title.casefold(), label, pick_value(Kind.EVENT, event.id))
        for row in self._body_rows(terms) if not choices.full else ():
            title = self._title_of_row(row)
            if not choices.wants(title.casefold()):
                continue
            if row.kind is Kind.TOPIC and row.point is None:
                label = self._topic_label(self.library.topic(row.topic))
            else:
                label = self._breadcrumb_of_row(row) + BREADCRUMB_SEPARATOR + title
            point = row.point if row.kind is Kind.TOPIC else None
            choices.offer(title.casefold(), label, pick_value(row.kind, row.target, point))
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


def _quote(word: str) -> str:
    """`word` as an FTS5 string: user text only ever reaches FTS5 this way, so it is never syntax."""
    return '"' + word.replace('"', '""') + '"'
