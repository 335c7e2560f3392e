"""The timeline on one page: every moment the document names, one line each, in its order and its words; each
moment opens in full from the menu, and the picture of them all is one tap away.

The picture is a page of its own rather than part of the list: drawn under the list, it made the answer taller
than a phone's screen (916 px at 390 wide, where the chat shows 740), and it says nothing the list does not."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from .. import limits
from ..content import Library, TimelineEvent
from ..text import clip, squash
from .ids import PICTURE, TIMELINE, Viewer, event_target, jump_id, key_of, page_id
from .model import ActionRow, Attachment, Button, Embed, Field, Reply, Select, SelectOption
from .pages import MARK, Entry, footer, nav_row, option, pack_lines, unique_options
from .reading import READING_BUDGET, says_again, shown
from .source import back_button, source_button
from .text import source_name
from .timeline_image import ALT_TEXT, TimelineImage

TITLE: Final = "Timeline"
MENU_PLACEHOLDER: Final = "Open a moment in full…"
WHEN_ROOM: Final = 60
TITLE_ROOM: Final = 70
INTRO_ROOM: Final = 200
EMPTY: Final = "The document names no moments in time."
PICTURE_LABEL: Final = "Picture"
NO_PICTURE: Final = "The picture could not be drawn just now; the list has every moment. Try again in a moment."
_NO_FIELD: Final = Field("", "")


def find_event(library: Library, value: str) -> int | None:
    """The index of the event `value` names: its id (what autocomplete sends), its key, or its exact
    `when` or title as typed by someone who did not pick a suggestion."""
    wanted = value.strip()
    for index, event in enumerate(library.timeline):
        if wanted in (event.id, key_of(event.id)):
            return index
    folded = squash(wanted).casefold()
    for index, event in enumerate(library.timeline):
        if folded and folded in (squash(event.when).casefold(), squash(event.title).casefold()):
            return index
    return None


def event_cite(library: Library, event: TimelineEvent) -> tuple[str, str]:
    """(section, "Section ¶n") of the paragraph an event quotes."""
    topic = library.by_id.get(event.topic)
    section = event.citation.section or (topic.short if topic else "")
    return section, f"{clip(squash(section), limits.SHORT_NAME)} ¶{event.citation.paragraph}".strip()


def event_line(library: Library, event: TimelineEvent) -> str:
    """`**when** · title · Section ¶n`: one moment on one line."""
    _section, cite = event_cite(library, event)
    when = clip(squash(event.when), WHEN_ROOM)
    title = clip(squash(event.title), TITLE_ROOM)
    return " · ".join(p for p in (f"**{when}**" if when else "", title, cite) if p)


def _intro(library: Library) -> str:
    count = len(library.timeline)
    if not count:
        return EMPTY
    # The document's title is in the footer; said here too, it would be read twice.
    return clip(f"The {count} moment{'s' if count != 1 else ''} the document names, in its order.", INTRO_ROOM)


def timeline_pages(library: Library) -> tuple[tuple[int, ...], ...]:
    """Event indices per page: all on one, unless a pack names more than the reading budget holds."""
    return library.derived.get("timeline-pages", lambda: _timeline_pages(library))


def _timeline_pages(library: Library) -> tuple[tuple[int, ...], ...]:
    room = READING_BUDGET - len(TITLE) - len(_intro(library)) - 1
    listed: list[tuple[int, int]] = []
    said: list[str] = []
    for index, event in enumerate(library.timeline):
        line = shown(event_line(library, event))
        if says_again(line, said):
            # The same moment twice (a pack listing it again) is listed once.
            continue
        said.append(line)
        listed.append((index, len(line)))
    return pack_lines(listed, room)


def event_page(library: Library, index: int) -> int:
    """The page of the timeline that lists event `index`."""
    for number, indices in enumerate(timeline_pages(library)):
        if index in indices:
            return number
    return 0


def timeline_jumps(library: Library, indices: tuple[int, ...]) -> tuple[SelectOption, ...]:
    events = [library.timeline[i] for i in indices]
    return unique_options([option(e.when or e.title, event_target(e.id), e.title) for e in events])


def _cited(library: Library, event: TimelineEvent) -> Entry:
    return Entry(_NO_FIELD, ((event_cite(library, event)[0], event.citation.paragraph),))


def _menu_id(viewer: Viewer) -> str:
    return jump_id(TIMELINE, viewer)


@dataclass(frozen=True, slots=True)
class _Listed:
    """What a page of the timeline shows every viewer alike; only the custom_ids around it name the viewer."""

    page: int
    pages: int
    embed: Embed
    jumps: tuple[SelectOption, ...]


def _listed(library: Library, page: int, focus: int | None) -> _Listed:
    pages = timeline_pages(library)
    if focus is not None and 0 <= focus < len(library.timeline):
        page = event_page(library, focus)
    page = min(max(page, 0), len(pages) - 1)
    # Normalised before it is a key (an event not listed on the page is marked nowhere), so a crafted page or
    # event number adds nothing to what the library keeps.
    if focus not in pages[page]:
        focus = None
    return library.derived.get(("timeline-body", page, focus), lambda: _make_listed(library, pages, page, focus))


def _embed(library: Library, indices: Iterable[int], description: str, image: str | None = None) -> Embed:
    """The timeline's embed; its footer names the paragraphs the moments `indices` quote, as a topic's does."""
    cites = [_cited(library, library.timeline[i]) for i in indices]
    return Embed(
        title=TITLE,
        description=clip(description, limits.EMBED_DESCRIPTION),
        colour=library.pack.colour,
        footer=footer(source_name(library), cites, None),
        image=image,
    )


def _make_listed(library: Library, pages: tuple[tuple[int, ...], ...], page: int, focus: int | None) -> _Listed:
    indices = pages[page]
    lines = [MARK * (i == focus) + event_line(library, library.timeline[i]) for i in indices]
    embed = _embed(library, indices, "\n".join([_intro(library), *lines]))
    return _Listed(page, len(pages), embed, timeline_jumps(library, indices))


def render_timeline(library: Library, page: int = 0, *, viewer: Viewer, focus: int | None = None) -> Reply:
    """Page `page` of the timeline (there is one, but for a pack of very many moments); with `focus` (an event
    index) the page listing that event, the event marked with "▶"."""
    listed = _listed(library, page, focus)
    rows: list[ActionRow] = []
    if listed.pages > 1:
        rows.append(nav_row(TIMELINE, listed.page, listed.pages, viewer))
    if library.timeline:
        rows.append(ActionRow((source_button(TIMELINE, viewer, "Source"), picture_button(viewer))))
    if listed.jumps:
        rows.append(ActionRow((Select(_menu_id(viewer), MENU_PLACEHOLDER, listed.jumps),)))
    return Reply(embeds=(listed.embed,), rows=tuple(rows), ephemeral=viewer.private)


def picture_button(viewer: Viewer) -> Button:
    return Button(page_id(PICTURE, 0, viewer, "f"), PICTURE_LABEL)


def render_picture(library: Library, viewer: Viewer, image: TimelineImage | None) -> Reply:
    """The timeline drawn, with its words for readers who cannot see it; `image` None: it could not be drawn."""
    listed = [i for indices in timeline_pages(library) for i in indices]
    if image is None:
        embed = _embed(library, listed, NO_PICTURE)
    else:
        embed = _embed(library, listed, _intro(library), f"attachment://{image.filename}")
    row = ActionRow((back_button(TIMELINE, "the list", viewer), source_button(TIMELINE, viewer, "Source")))
    files = (Attachment(image.filename, image.data, clip(image.description, ALT_TEXT)),) if image else ()
    return Reply(embeds=(embed,), rows=(row,), ephemeral=viewer.private, files=files)
