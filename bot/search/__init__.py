"""Search and discovery over one Library: full-text search, "did you mean", and autocomplete."""

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
    "query_terms",
    "words",
]
