"""Citations and lists fitted into Discord's boxes, built on `bot.text`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..text import clip, squash

if TYPE_CHECKING:
    from ..content import Library


def paragraph_ranges(numbers: Iterable[int]) -> str:
    """`[1, 2, 3, 5]` → "¶1–3, 5": the compact way the footer cites paragraphs."""
    ordered = sorted(set(numbers))
    if not ordered:
        return ""
    spans: list[tuple[int, int]] = []
    for n in ordered:
        if spans and n == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], n)
        else:
            spans.append((n, n))
    return "¶" + ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def join_fitting(parts: Sequence[str], separator: str, limit: int) -> str:
    """Join as many whole `parts` as fit in `limit`; a first part that alone is too long is clipped."""
    out = ""
    for part in parts:
        candidate = part if not out else out + separator + part
        if len(candidate) <= limit:
            out = candidate
        elif not out:
            return clip(part, limit)
        else:
            break
    return out


def source_name(library: Library) -> str:
    """The source document's title on one line, as every answer names it."""
    return squash(library.source.title or library.pack.source_title)
