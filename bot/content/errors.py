"""The one error a content pack can raise, and how values are shown in its messages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

# A value echoed in a message is cut to this many characters: a 5 MB id must not become a 5 MB message.
ECHO_CHARS: Final = 200


def clip(text: str, limit: int = ECHO_CHARS) -> str:
    """`text` for a message: control characters escaped, and cut to `limit` with its full length said."""
    cut = text[:limit]
    if not cut.isprintable():
        cut = "".join(c if c.isprintable() else repr(c)[1:-1] for c in cut)
    return cut if len(text) <= limit else f"{cut}… ({len(text)} characters)"


def shown(value: object) -> str:
    """A value quoted for a message: 'like this'."""
    return f"'{clip(str(value))}'"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the pack, located as precisely as the YAML allows."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class ContentError(Exception):
    """Every problem found while loading a pack, reported together so an editor can fix them in one pass.

    `notes` say what could not be checked because of a problem (a file that could not be read leaves what
    refers to it unchecked): more problems may follow once those are fixed.
    """

    def __init__(self, problems: Iterable[Problem], notes: Iterable[str] = ()) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.notes: tuple[str, ...] = tuple(notes)
        count = len(self.problems)
        heading = f"the content pack has {count} problem{'s' if count != 1 else ''}"
        lines = [heading, *(f"  {p}" for p in self.problems)]
        if self.notes:
            lines.append("more problems may follow once these are fixed:")
            lines += [f"  {note}" for note in self.notes]
        super().__init__("\n".join(lines))
