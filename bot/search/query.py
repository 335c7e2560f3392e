"""Reading a member's query: its words, which of them carry meaning, and what kind of question it is.

Pure functions of the text; nothing here knows the index. User input is only ever split into words here and
never handed to FTS5 as syntax (see `bot.search.index`).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from ..text import clean_text

# Only the start of a long query is read: nobody types more than this into a search box, and it bounds the
# work a 6000-character option value can cause.
MAX_QUERY_CHARS: Final = 200
MAX_QUERY_TERMS: Final = 10

# unicode61 splits on everything that is not a letter or a number; underscore is punctuation to it too.
_WORD: Final = re.compile(r"[^\W_]+")
# The combining diacritics that remove_diacritics folds away in the index.
_COMBINING: Final = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

# Words that say how a question is asked, not what it is about: they neither match nor highlight. Besides
# English function words, the verbs and fillers of a spoken question ("tell me", "what happened", "get",
# "go"). "us" is left out on purpose: in this document it is the United States. A word list reads better as
# one string than as two hundred quoted items.
STOPWORDS: Final = frozenset(
    (  # noqa: SIM905
        "a about above after again all also am an and any anything are aren as at be because been before being "
        "both but by can cannot could couldn d did didn do does doesn doing don done during each either else "
        "even ever every explain few for from further get gets getting give go goes going gone got had has "
        "hasn have haven having he her here hers herself him himself his how i if in into is isn it its itself "
        "just kind know let ll lot m me mean more most much must my myself no nor not now of off on once only "
        "or other our ours out over own please re really s said same say says she should so some something "
        "sort such t take tell than that thats the their theirs them themselves then there these they thing "
        "things this those through to too took under until up ve very was wasn way we well were weren what "
        "whats when where which while who whom whose why will with won would wouldn you your yours happen "
        "happened happening anyone someone"
    ).split()
)

# Words that ask for a moment or a span of time: then the document's own time words are preferred.
_WHEN_WORDS: Final = frozenset({"when", "year", "years", "date", "since"})
# The document's time words: a year or a decade ("2003", "1990s"), and its words for spans and moments.
TIME_WORDS: Final = re.compile(
    r"\b(?:1[89][0-9]{2}|20[0-9]{2})s?\b|\b(?:decades?|years?|initially|subsequent|following|began|post-invasion)\b",
    re.IGNORECASE,
)


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


@dataclass(frozen=True, slots=True)
class Question:
    """A query read as a question: its meaningful words (in order, without repeats) and what it asks for."""

    terms: tuple[str, ...]
    content: tuple[str, ...]
    asks_when: bool


def parse(query: str) -> Question:
    """The words of `query` that carry meaning; a query of stop words only has none (and matches nothing)."""
    terms = query_terms(query)
    content: list[str] = []
    for term in terms:
        if term not in STOPWORDS and term not in content:
            content.append(term)
    asks_when = bool(terms) and (terms[0] == "when" or any(t in _WHEN_WORDS for t in terms[1:]) or _how_long(terms))
    return Question(tuple(terms), tuple(content), asks_when)


def _how_long(terms: list[str]) -> bool:
    return any(a == "how" and b == "long" for a, b in itertools.pairwise(terms))
