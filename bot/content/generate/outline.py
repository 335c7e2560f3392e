"""A document's outline: its sections, each with a heading, a depth and its paragraphs, whatever its format.

The readers (`readers.py`) turn plain text, Markdown or reStructuredText into an `Outline`; `copy_text` turns an
outline back into the plain text the pack ships as its source, written so that the loader's rule (short lines are
headings, `- ` starts a bullet, a line ending in `:` is a lead-in) cuts it into exactly these sections.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Final, Literal

# The loader's own list of what ends a sentence: a heading must not end with one, or it is read as a paragraph.
from ..source import _SENTENCE_END, BULLETS, Line, normalise

log = logging.getLogger(__name__)

Kind = Literal["text", "bullet", "code", "lead"]

# The loader's own heading rule (bot/content/source.py): at most this many words and characters.
HEADING_WORDS: Final = 15
HEADING_CHARS: Final = 120
# str.splitlines() breaks on these as well as on \n and \r: inside one line of the copy they would split it.
_LINE_BREAKS: Final = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# What joins the lines of a code block or a table, which the copy holds on one line.
CODE_JOIN: Final = " ⏎ "


@dataclass
class Para:
    text: str
    kind: Kind = "text"


@dataclass
class Section:
    heading: str | None
    level: int
    paras: list[Para] = field(default_factory=list)

    @property
    def numbered(self) -> int:
        """How many of its paragraphs the loader will number (lead-ins are not paragraphs)."""
        return sum(1 for p in self.paras if p.kind != "lead")


@dataclass
class Outline:
    title: str | None
    sections: list[Section]
    notes: list[str] = field(default_factory=list)


def one_line(text: str) -> str:
    """`text` on one line of the copy: every line break a space, runs of space folded, no NUL."""
    return " ".join(_LINE_BREAKS.sub(" ", text.replace("\x00", " ")).split())


def fit_heading(text: str, suffix: str = "") -> str:
    """A heading the loader recognises as one: no closing punctuation, at most 15 words and 120 characters, all
    counted with `suffix` (the " [2]" that tells two same headings apart) already on its end."""
    words = one_line(text).split()
    # Already shortened (fitted once before its number was added): it keeps its one mark, not two.
    shortened = bool(suffix and words and words[-1] == "…")
    if shortened:
        words.pop()
    most_words = HEADING_WORDS - len(suffix.split())
    most_chars = HEADING_CHARS - len(suffix)
    if shortened or len(words) > most_words or len(" ".join(words)) > most_chars:
        kept: list[str] = []
        for word in words:
            if len(kept) + 1 >= most_words or len(" ".join([*kept, word])) > most_chars - 2:
                break
            kept.append(word)
        words = [*(kept or [word[: most_chars - 2] for word in words[:1]]), "…"]
    heading = " ".join(words)
    # A heading starting "- " would be read as a bullet, however many of them there are.
    while heading.startswith(BULLETS):
        heading = heading[2:].strip()
    while heading and heading.endswith(_SENTENCE_END):
        heading = heading[:-1].rstrip()
    if (heading + " ").startswith(BULLETS):
        # A lone "-" says nothing, and with " [2]" after it, it would be read as a bullet too: no heading.
        heading = ""
    return heading + suffix if heading else ""


def tidy(outline: Outline) -> Outline:
    """Sections the loader can cut: none empty, every heading a heading by its rule and unique."""
    sections = [s for s in outline.sections if s.paras or s.heading]
    for s in sections:
        s.paras = [Para(one_line(p.text), p.kind) for p in s.paras if one_line(p.text)]
    merged: list[Section] = []
    pending: Section | None = None
    for s in sections:
        if pending is not None:
            # A heading with nothing of its own under it (a chapter title over its first section) and the
            # next one become one heading line: a block of the copy must have a paragraph to quote.
            heading = " — ".join(h for h in (pending.heading, s.heading) if h) or None
            s = Section(heading, min(pending.level, s.level), pending.paras + s.paras)
            pending = None
        if s.numbered == 0:
            pending = s
            continue
        merged.append(s)
    if pending is not None:
        if merged:
            outline.notes.append(f"the last heading {pending.heading!r} has no text under it; it is left out")
            merged[-1].paras += pending.paras
        elif pending.heading:
            outline.notes.append(f"heading {pending.heading!r} has no text under it")
    seen: set[str] = set()
    for number, s in enumerate(merged, start=1):
        if s.heading is None:
            if number > 1:
                s.heading = f"Section {number}"
            else:
                continue
        heading = fit_heading(s.heading) or f"Section {number}"
        candidate, copy = heading, 1
        while normalise(candidate).casefold() in seen:
            copy += 1
            # Fitted again with the number on: a heading already at the loader's limit would pass it otherwise.
            candidate = fit_heading(heading, f" [{copy}]")
        seen.add(normalise(candidate).casefold())
        s.heading = candidate
    return Outline(outline.title, merged, outline.notes)


def para_line(para: Para) -> str:
    """The line of the copy that holds `para`, written so the loader reads it as the same kind of paragraph."""
    text = para.text
    if para.kind == "bullet":
        return f"- {text}"
    if para.kind == "lead":
        return text if text.endswith(":") else f"{text}:"
    line = Line(0, text, normalise(text))
    if line.looks_like_heading or line.is_bullet or line.is_lead_in:
        # A short line with no closing punctuation would be read as a heading, and one ending in ":" as a
        # lead-in; written as a bullet it stays a paragraph of its own, word for word.
        return f"- {text}"
    return text


def copy_text(outline: Outline) -> str:
    """The pack's copy of the document: each heading and each paragraph on a line of its own."""
    out: list[str] = []
    for s in outline.sections:
        if s.heading is not None:
            out += ["", s.heading] if out else [s.heading]
        for p in s.paras:
            out += ["", para_line(p)]
    while out and not out[0]:
        out.pop(0)
    return "\n".join(out) + "\n"
