"""Laying a document (a topic, the timeline, the table of contents) out into pages that Discord accepts.

Every page is one embed. A page takes entries (embed fields) in order while it stays within the document's
reading budget and, always, within Discord's limits; a page never starts empty, and the header is clipped so
that any one entry fits beside it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeVar

from .. import limits
from ..text import clip
from .ids import Viewer, jump_id, page_id, position_id
from .model import ActionRow, Button, ButtonStyle, Embed, Field, Reply, Select, SelectOption
from .text import join_fitting, paragraph_ranges

if TYPE_CHECKING:
    pass

T = TypeVar("T")

# How much of the header a page may spend, so one full field always fits beside it:
# title 256 + author 256 + description 2000 + footer 300 + one field (256 + 1024) = 4092 < 6000.
DESCRIPTION_ROOM: Final = 2000
FOOTER_ROOM: Final = 300
# A reader scrolls less on a phone when a page holds a handful of points; Discord would allow more.
READING_CHARS: Final = 3000
READING_FIELDS: Final = 6
# Room for a "▶ " marker on any field, counted for every field so marking one never moves a page break.
MARK: Final = "▶ "
JUMP_PLACEHOLDER: Final = "Jump to…"
NAV_LABELS: Final = {"f": "⏮", "p": "◀", "n": "▶", "l": "⏭"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One embed field and the source paragraphs it quotes, as (section, paragraph) pairs."""

    field: Field
    cites: tuple[tuple[str, int], ...] = ()


# Not slotted: a document keeps its own pages (`pages`), computed once, since every click on a page button lays
# the same document out again.
@dataclass(frozen=True)
class Document:
    key: str
    title: str
    description: str
    colour: int
    source_title: str
    entries: tuple[Entry, ...]
    author: str | None = None
    url: str | None = None
    # Named in the footer when a page quotes nothing, so the source is still credited.
    section: str | None = None
    reading_chars: int = READING_CHARS
    reading_fields: int = READING_FIELDS

    @functools.cached_property
    def pages(self) -> tuple[tuple[Entry, ...], ...]:
        return _layout(self)

    def header(self) -> Embed:
        return Embed(
            title=clip(self.title, limits.EMBED_TITLE) or None,
            description=clip(self.description, DESCRIPTION_ROOM) or None,
            colour=self.colour,
            url=self.url,
            author=clip(self.author or "", limits.AUTHOR_NAME) or None,
        )


def footer(source_title: str, entries: Sequence[Entry], section: str | None) -> str:
    """`Source: <title> › <section> ¶1–3` naming exactly the paragraphs the page quotes."""
    by_section: dict[str, list[int]] = {}
    for item in entries:
        for name, paragraph in item.cites:
            by_section.setdefault(name, []).append(paragraph)
    return _footer_text(source_title, by_section, section)


def _footer_text(source_title: str, by_section: dict[str, list[int]], section: str | None) -> str:
    parts = [f"{clip(name, limits.SHORT_NAME)} {paragraph_ranges(numbers)}" for name, numbers in by_section.items()]
    if not parts and section:
        parts = [clip(section, limits.SHORT_NAME)]
    head = f"Source: {clip(source_title, 100)}"
    if not parts:
        return clip(head, FOOTER_ROOM)
    return clip(head + " › " + join_fitting(parts, " · ", FOOTER_ROOM - len(head) - 3), FOOTER_ROOM)


def _entry_size(item: Entry) -> int:
    return len(item.field.name) + len(item.field.value) + len(MARK)


def layout(document: Document) -> tuple[tuple[Entry, ...], ...]:
    """The document's pages; always at least one (a page of a document with no entries is its header)."""
    return document.pages


def _layout(document: Document) -> tuple[tuple[Entry, ...], ...]:
    header_size = document.header().size
    max_fields = max(1, min(document.reading_fields, limits.EMBED_FIELDS))
    max_chars = min(document.reading_chars, limits.EMBED_TOTAL)
    pages: list[tuple[Entry, ...]] = []
    current: list[Entry] = []
    size = 0
    cited: dict[str, list[int]] = {}
    for item in document.entries:
        # The page as it would be with this entry: its fields, and a footer citing what they quote.
        trial = {name: list(numbers) for name, numbers in cited.items()}
        for name, paragraph in item.cites:
            trial.setdefault(name, []).append(paragraph)
        foot = _footer_text(document.source_title, trial, document.section)
        too_big = header_size + size + _entry_size(item) + len(foot) > max_chars
        if current and (len(current) + 1 > max_fields or too_big):
            pages.append(tuple(current))
            current, size, cited = [], 0, {}
            for name, paragraph in item.cites:
                cited.setdefault(name, []).append(paragraph)
        else:
            cited = trial
        current.append(item)
        size += _entry_size(item)
    pages.append(tuple(current))
    return tuple(pages)


def page_of(document: Document, entry_index: int) -> int:
    """The page that shows the document's `entry_index`-th entry."""
    seen = 0
    for number, entries in enumerate(layout(document)):
        seen += len(entries)
        if entry_index < seen:
            return number
    return 0


def render_document(
    document: Document,
    page: int,
    viewer: Viewer,
    *,
    jump: Sequence[SelectOption] = (),
    marked: int | None = None,
) -> Reply:
    """Page `page` (clamped into range) of `document`, with page buttons and the jump menu.

    `marked` is the index of an entry to flag with "▶", e.g. the event `/timeline era:` asked for.
    """
    pages = layout(document)
    page = min(max(page, 0), len(pages) - 1)
    entries = pages[page]
    first = sum(len(p) for p in pages[:page])
    fields = tuple(
        Field(MARK + e.field.name, e.field.value, e.field.inline) if first + i == marked else e.field
        for i, e in enumerate(entries)
    )
    header = document.header()
    embed = Embed(
        title=header.title,
        description=header.description,
        colour=header.colour,
        url=header.url,
        author=header.author,
        fields=fields,
        footer=footer(document.source_title, entries, document.section),
    )
    rows: list[ActionRow] = []
    if len(pages) > 1:
        rows.append(nav_row(document.key, page, len(pages), viewer))
    options = unique_options(jump)
    if options:
        rows.append(ActionRow((Select(jump_id(document.key, viewer), JUMP_PLACEHOLDER, options),)))
    return Reply(embeds=(embed,), rows=tuple(rows), ephemeral=viewer.private)


def nav_row(key: str, page: int, count: int, viewer: Viewer) -> ActionRow:
    last = count - 1
    targets = {"f": 0, "p": max(page - 1, 0), "n": min(page + 1, last), "l": last}
    disabled = {"f": page == 0, "p": page == 0, "n": page == last, "l": page == last}

    def nav(slot: str) -> Button:
        return Button(
            custom_id=page_id(key, targets[slot], viewer, slot),  # type: ignore[arg-type]
            label=NAV_LABELS[slot],
            style=ButtonStyle.PRIMARY if slot in "pn" else ButtonStyle.SECONDARY,
            disabled=disabled[slot],
        )

    label = Button(
        custom_id=position_id(key, page, viewer),
        label=clip(f"{page + 1}/{count}", limits.BUTTON_LABEL),
        disabled=True,
    )
    return ActionRow((nav("f"), nav("p"), label, nav("n"), nav("l")))


def unique_options(options: Sequence[SelectOption]) -> tuple[SelectOption, ...]:
    seen: set[str] = set()
    out: list[SelectOption] = []
    for option in options:
        if option.value in seen or not option.value:
            continue
        seen.add(option.value)
        out.append(option)
    return tuple(out[: limits.SELECT_OPTIONS])


def entry(name: str, value: str, cites: tuple[tuple[str, int], ...] = (), *, fallback: str = "•") -> Entry:
    """An entry whose field Discord accepts: both texts non-empty and within limits, the name leaving room
    for the "▶" marker."""
    return Entry(
        Field(
            name=clip(name, limits.FIELD_NAME - len(MARK)) or fallback,
            value=clip(value, limits.FIELD_VALUE) or "—",
        ),
        cites,
    )


def option(label: str, value: str, description: str | None = None) -> SelectOption:
    """A jump-menu option clipped to Discord's sizes; an empty label falls back to the value."""
    text = clip(label, limits.SELECT_OPTION_LABEL) or clip(value, limits.SELECT_OPTION_LABEL)
    about = clip(description or "", limits.SELECT_OPTION_DESCRIPTION) or None
    return SelectOption(label=text, value=value[: limits.SELECT_OPTION_VALUE], description=about)


def pack_lines(lines: Iterable[tuple[int, int]], room: int) -> tuple[tuple[int, ...], ...]:
    """(index, characters) of one-line entries, in order, as the indices of each page: a page takes lines
    while they fit `room` (each with its newline); always at least one page, and never an empty one but that."""
    pages: list[tuple[int, ...]] = []
    current: list[int] = []
    used = 0
    for index, length in lines:
        size = length + 1
        if current and used + size > room:
            pages.append(tuple(current))
            current, used = [], 0
        current.append(index)
        used += size
    pages.append(tuple(current))
    return tuple(pages)
