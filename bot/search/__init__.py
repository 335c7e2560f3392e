"""Search and discovery over one Library: full-text search, "did you mean", and autocomplete."""

from ..content import Library
from .index import (
    BREADCRUMB_SEPARATOR,
    MAX_QUERY_CHARS,
    Hit,
    Kind,
    SearchIndex,
    Suggestion,
    query_terms,
    words,
)

__all__ = [
    "BREADCRUMB_SEPARATOR",
    "MAX_QUERY_CHARS",
    "Hit",
    "Kind",
    "SearchIndex",
    "Suggestion",
    "index_of",
    "query_terms",
    "words",
]


def index_of(library: Library) -> SearchIndex:
    """The search index of `library`, built on first use and kept with it (`Library.derived`)."""
    return library.derived.get(SearchIndex, lambda: SearchIndex(library))
