"""Fitting text into Discord's boxes without cutting words in half."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

ELLIPSIS = "…"
# Greedy: matches up to and including the last whitespace character.
_UP_TO_LAST_SPACE = re.compile(r".*\s", re.DOTALL)


def squash(text: str) -> str:
    """One line: runs of whitespace (newlines included) become one space."""
    return " ".join(text.split())


def clip(text: str, limit: int) -> str:
    """`text` stripped, or its longest word-boundary prefix that fits `limit` with "…" marking the cut.

    A single word longer than half the room is cut inside (there is no boundary worth keeping); that only
    happens with text no editor would write, and the payload must still fit.
    """
    text = text.strip()
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    room = limit - len(ELLIPSIS)
    # Looking one character past the room tells whether the cut falls exactly on a boundary.
    window = text[: room + 1]
    found = _UP_TO_LAST_SPACE.match(window)
    boundary = found.end() - 1 if found else -1
    head = window[:boundary] if boundary >= room // 2 else text[:room]
    return head.rstrip() + ELLIPSIS


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
