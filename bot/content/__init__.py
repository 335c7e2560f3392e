"""The content pack: frozen models, the validating loader, and the one error it raises."""

from .errors import ContentError, Problem
from .loader import load_library
from .models import (
    Block,
    Citation,
    CommandOption,
    Library,
    Pack,
    Paragraph,
    Point,
    SourceDocument,
    TimelineEvent,
    Topic,
)

__all__ = [
    "Block",
    "Citation",
    "CommandOption",
    "ContentError",
    "Library",
    "Pack",
    "Paragraph",
    "Point",
    "Problem",
    "SourceDocument",
    "TimelineEvent",
    "Topic",
    "load_library",
]
