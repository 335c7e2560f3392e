"""The pack's vocabulary, for prefix expansion and typo correction, and what counts as a real English word.

A query word the pack never uses is corrected only when it looks like a typo of the pack's own vocabulary:
when it is not a word of English at all ("insurgancy", "colation", "goverment"), and a word of the pack is
within two edits of it. A real word the document simply lacks ("france", "pizza", "iran") is never replaced:
the reply says the document does not mention it. Word frequencies come from `wordfreq` (Zipf scale: 3 is
about once per million words; common misspellings score below it, "goverment" 2.7, "millitary" 1.7); only the
words at or above that are kept, as a set.
"""

from __future__ import annotations

import bisect
import functools
import importlib.util
import itertools
import logging
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

log = logging.getLogger(__name__)

# A prefix that would expand to more words than this keeps only the most frequent ones.
MAX_PREFIX_EXPANSION: Final = 24
# "Did you mean" also offers words this similar (rapidfuzz ratio, 0–100) to a word with too many typos.
_RESEMBLANCE: Final = 70.0
_RESEMBLE_MIN_LENGTH: Final = 5
# At or above this Zipf frequency a word is a word of English, not a typo (about once per million words:
# "glance" 3.9, "insurgency" 3.3; typos such as "insurgancy" or "chalenges" are 0).
ENGLISH_ZIPF: Final = 3.0


# wordfreq's English list in buckets of one centibel each, most frequent first: bucket i holds the words of
# frequency 10^(-i/100), so Zipf 3 (a frequency of 10^-6) is bucket 600.
_ENGLISH_BUCKETS: Final = round((9 - ENGLISH_ZIPF) * 100)
# The file wordfreq itself reads for English ("best" is its large list), and the header it checks there.
_WORDLIST: Final = ("data", "large_en.msgpack.gz")
_WORDLIST_HEADER: Final = {"format": "cB", "version": 1}


@functools.cache
def english_words() -> frozenset[str]:
    """The words of English at or above `ENGLISH_ZIPF`, read once from wordfreq's list (about 29,000).

    Only these are kept: wordfreq's whole table of frequencies takes some 48 MiB, these about 3 MiB.
    """
    try:
        return _read_english_words()
    except Exception as exc:  # a moved file, a new format, msgpack's own errors: wordfreq knows its data
        log.warning("reading wordfreq's list directly failed (%s); asking wordfreq", exc)
    from wordfreq import get_frequency_list

    buckets = get_frequency_list("en")
    words = frozenset(itertools.chain.from_iterable(buckets[: _ENGLISH_BUCKETS + 1]))
    # wordfreq keeps the whole list cached for later look-ups, which go to the set above instead.
    get_frequency_list.cache_clear()
    return words


def _read_english_words() -> frozenset[str]:
    """The first buckets of wordfreq's English file, decoded as a stream and the rest never read.

    Importing wordfreq costs a quarter of a second (langcodes, ftfy, regex compilation) and decoding its
    whole list another tenth, every start, for a set that its first 601 buckets alone make.
    """
    import gzip

    import msgpack  # type: ignore[import-untyped]

    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise LookupError("wordfreq is not installed")
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*_WORDLIST)
    with gzip.open(path, "rb") as stream:
        unpacker = msgpack.Unpacker(stream, raw=False)
        length = unpacker.read_array_header()
        header = unpacker.unpack()
        if header != _WORDLIST_HEADER or length <= _ENGLISH_BUCKETS + 1:
            raise ValueError(f"unexpected wordfreq list: {header!r}, {length} entries")
        words: set[str] = set()
        for _bucket in range(_ENGLISH_BUCKETS + 1):
            words.update(unpacker.unpack())
    return frozenset(words)


def is_english(word: str) -> bool:
    """Whether `word` (casefolded, as the index splits words) is a real English word or a name, not a slip of
    the keyboard. A word with a digit (a year, "ntm-i"'s parts aside) is never a typo either."""
    return word in english_words() or any(c.isdigit() for c in word)


def likely_typo(word: str) -> bool:
    """Whether `word`, which the pack lacks, may be read as a word of the pack near it.

    Only when `word` is no word of English: a real word is what the member meant, even if the document lacks it.
    """
    return not is_english(word)


def _max_typos(length: int) -> int:
    if length <= 3:
        return 0
    if length <= 5:
        return 1
    return 2


# -- lexicon ----------------------------------------------------------------------------------------------


class Lexicon:
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
