"""Plain-text helpers every layer shares: one line, a clip at a word boundary, text made safe for Discord.

Pure functions of strings, with no knowledge of Discord's limits (callers pass the limit they must meet).
"""

from __future__ import annotations

import re
from typing import Final

ELLIPSIS: Final = "…"
# Greedy: matches up to and including the last whitespace character.
_UP_TO_LAST_SPACE: Final = re.compile(r".*\s", re.DOTALL)
# Everything Discord's markdown gives meaning to, plus `<` so that no <@id> or <#id> mention can form.
_MARKDOWN: Final = re.compile(r"([\\*_~`|>#\-\[\]()<])")
_ORDERED_LIST: Final = re.compile(r"^(\d+)\.")
# Bidirectional overrides and isolates can reorder the text around them; zero-width joiners are harmless.
_INVISIBLE: Final = re.compile("[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]")


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


def clean_text(text: str) -> str:
    """`text` without what cannot be sent or shown safely: lone surrogates, control and bidi characters."""
    text = text.encode("utf-8", "ignore").decode("utf-8")
    return _INVISIBLE.sub("", text)


def escape_markdown(text: str) -> str:
    """Plain text made inert for Discord markdown: no formatting, no masked link, no mention."""
    text = squash(clean_text(text))
    text = _MARKDOWN.sub(r"\\\1", text)
    text = _ORDERED_LIST.sub(r"\1\\.", text)
    # A zero-width space after @ keeps @everyone and @here from ever being read as mentions.
    return text.replace("@", "@\u200b")
