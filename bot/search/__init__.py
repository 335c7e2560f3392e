"""Search and discovery over one Library: answers to questions, honest misses, and autocomplete."""

from ..content import Library
from .index import BREADCRUMB_SEPARATOR, PICK_MARK, Answer, Hit, Kind, SearchIndex, pick_value, read_pick
from .lexicon import is_english, likely_typo
from .query import MAX_QUERY_CHARS, STOPWORDS, Question, parse, query_terms, words

__all__ = [
    "BREADCRUMB_SEPARATOR",
    "MAX_QUERY_CHARS",
    "PICK_MARK",
    "STOPWORDS",
    "Answer",
    "Hit",
    "Kind",
    "Question",
    "SearchIndex",
    "index_of",
    "is_english",
    "likely_typo",
    "parse",
    "pick_value",
    "query_terms",
    "read_pick",
    "words",
]


def index_of(library: Library) -> SearchIndex:
    """The search index of `library`, built on first use and kept with it (`Library.derived`)."""
    return library.derived.get(SearchIndex, lambda: SearchIndex(library))
