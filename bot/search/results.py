"""What a search gives: hits, answers, and the values an autocomplete pick sends.

Plain data with no search machinery behind it, so rendering and the commands can name these types without
loading the index (SQLite, rapidfuzz, the English word list) before the first search needs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

BREADCRUMB_SEPARATOR: Final = " › "
# The columns of the name table: a name of a topic, or a title or wording of an event.

# An autocomplete pick: what a chosen suggestion sends instead of words (see `pick_value`).
PICK_MARK: Final = "§"
_PICK: Final = re.compile(rf"{PICK_MARK}(?P<kind>topic|event):(?P<id>[a-z0-9-]{{1,100}})(?:#(?P<point>[0-9]{{1,6}}))?")


class Kind(StrEnum):
    TOPIC = "topic"
    EVENT = "event"


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result.

    `point` is the index in `Topic.points` of the key point that answers (for an event: the point quoting the
    same paragraph, if any); None only for a topic without points. The renderer maps a point to the page it
    paginates it onto. `snippet` is the document's own sentence that best answers, already markdown-safe,
    with the matched words in **bold** (never a stop word); `title`, `breadcrumb` and `section` are plain text
    for the renderer to escape. `section` and `paragraph` are where the sentence stands in the source.
    """

    kind: Kind
    target: str
    topic: str
    point: int | None
    breadcrumb: str
    title: str
    snippet: str
    score: float
    section: str = ""
    paragraph: int | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """What a search found, and what it could not: the words the document never uses, the typos it read.

    `missing` are meaningful words of the query, as typed, that the document does not use (nor anything they
    could be a typo of); when there are any, the hits are only the closest, and must be labelled so.
    `corrections` are (typed, read as) pairs.
    """

    query: str
    hits: tuple[Hit, ...] = ()
    missing: tuple[str, ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()

    @property
    def answered(self) -> bool:
        """Whether the hits answer the question (rather than being the closest to one the document lacks)."""
        return bool(self.hits) and not self.missing


def pick_value(kind: Kind, target: str, point: int | None = None) -> str:
    """An autocomplete value that names one topic (and point) or event: `§topic:<id>#<point>`, `§event:<id>`.

    Ids are validated as `[a-z0-9-]`, so a pick is unambiguous; it is short enough for any id that fits a
    custom_id, and one that would not fit Discord's 100 characters is left out by `_Choices`.
    """
    return f"{PICK_MARK}{kind.value}:{target}" + (f"#{point}" if point is not None else "")


def read_pick(value: str) -> tuple[Kind, str, int | None] | None:
    """(kind, id, point) of a value `pick_value` made, or None for anything else (a typed query)."""
    match = _PICK.fullmatch(value.strip())
    if match is None:
        return None
    point = match["point"]
    return Kind(match["kind"]), match["id"], int(point) if point is not None else None
