"""Cutting the source document into blocks and paragraphs.

The text is never rewritten: blocks start where the pack says (a heading line, or the first words of a paragraph
for a block without a heading), and everything between two starts belongs to the first.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Final

from .models import Block, Paragraph

_TYPOGRAPHIC = (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'))
# How a line of the source starts when it is a bullet.
BULLETS: Final = ("- ", "• ", "* ")
_SENTENCE_END = (".", "!", "?", ":", ";", ",", '"', "”", ")")
# The ASCII characters str.split() takes for white space, the space aside.
_ASCII_SPACES: Final = tuple(c for c in map(chr, range(128)) if c.isspace() and c != " ")


def normalise(text: str) -> str:
    """The form quotes are compared in: typographic quotes made plain and runs of white space folded."""
    # A chain of replace() is several times faster than str.translate with a mapping, and split() and join()
    # fold white space (the same characters as the regex \s) several times faster than a regex.
    for typographic, plain in _TYPOGRAPHIC:
        text = text.replace(typographic, plain)
    text = text.strip()
    # Most lines are ASCII with single spaces already, their only white space the space itself: for them trimming
    # the ends is all the folding does, and looking for each other space (memchr) costs a fraction of splitting
    # and joining again, or of asking whether every character is printable.
    if text.isascii() and "  " not in text and not any(space in text for space in _ASCII_SPACES):
        return text
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    text: str
    normal: str

    @property
    def is_bullet(self) -> bool:
        return self.text.startswith(BULLETS)

    @property
    def is_lead_in(self) -> bool:
        # "Key aspects of NATO's role included:" introduces bullets; it is not a paragraph of its own.
        return self.text.endswith(":") and not self.is_bullet

    @property
    def looks_like_heading(self) -> bool:
        """A short line with no closing punctuation: how the document marks its sections."""
        return (
            not self.is_bullet
            and len(self.text) <= 120
            and not self.text.endswith(_SENTENCE_END)
            and len(self.text.split()) <= 15
        )


def lines_of(text: str) -> tuple[Line, ...]:
    return tuple(
        Line(number, raw.strip(), normalise(raw))
        for number, raw in enumerate(text.splitlines(), start=1)
        if raw.strip()
    )


def heading_lines(lines: tuple[Line, ...]) -> tuple[Line, ...]:
    return tuple(line for line in lines if line.looks_like_heading)


def find_start(lines: tuple[Line, ...], *, heading: str | None = None, starts: str | None = None) -> Line | None:
    """The line a block begins at: the heading line itself, or the paragraph that starts with `starts`."""
    if heading is not None:
        wanted = normalise(heading)
        return next((ln for ln in lines if ln.normal == wanted), None)
    if starts is not None:
        wanted = normalise(starts)
        return next((ln for ln in lines if ln.normal.startswith(wanted)), None)
    return None


def cut_blocks(lines: tuple[Line, ...], starts: list[tuple[Line, bool]]) -> tuple[Block, ...]:
    """Blocks from their start lines (each with whether it is a heading), in document order."""
    ordered = sorted(starts, key=lambda s: s[0].number)
    # `lines` are in document order, so each block is one slice of them (found by bisection, not by a scan).
    numbers = [ln.number for ln in lines]
    blocks: list[Block] = []
    ordinal = 0
    for index, (start, is_heading) in enumerate(ordered):
        end = ordered[index + 1][0].number if index + 1 < len(ordered) else None
        first = bisect.bisect_left(numbers, start.number)
        stop = bisect.bisect_left(numbers, end) if end is not None else len(lines)
        body = [ln for ln in lines[first:stop] if not (is_heading and ln.number == start.number) and not ln.is_lead_in]
        paragraphs = []
        for number, ln in enumerate(body, start=1):
            ordinal += 1
            paragraphs.append(
                Paragraph(
                    block=index,
                    number=number,
                    ordinal=ordinal,
                    line=ln.number,
                    text=ln.text[2:] if ln.is_bullet else ln.text,
                    bullet=ln.is_bullet,
                )
            )
        blocks.append(
            Block(
                index=index,
                heading=start.text if is_heading else None,
                first_line=start.number,
                paragraphs=tuple(paragraphs),
            )
        )
    return tuple(blocks)
