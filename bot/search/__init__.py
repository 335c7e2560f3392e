"""Search and discovery over one Library: answers to questions, honest misses, and autocomplete."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..content import Library
from .query import MAX_QUERY_CHARS, STOPWORDS, Question, parse, query_terms, words
from .results import BREADCRUMB_SEPARATOR, PICK_MARK, Answer, Hit, Kind, pick_value, read_pick

if TYPE_CHECKING:
    from .index import SearchIndex
    from .lexicon import is_english, likely_typo

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
    from .index import SearchIndex

    return library.derived.get(SearchIndex, lambda: SearchIndex(library))


def __getattr__(name: str) -> object:
    # The index and the lexicon load SQLite, rapidfuzz and the English word list: only when first asked for,
    # which the bot does after READY (see ReferenceBot.setup_hook), never to import a command.
    if name == "SearchIndex":
        from .index import SearchIndex

        return SearchIndex
    if name in ("is_english", "likely_typo"):
        from . import lexicon

        return getattr(lexicon, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
