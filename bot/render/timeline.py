"""The timeline: the document's own references to time, in its order and in its words."""

from __future__ import annotations

from typing import Final

from .. import limits
from ..content import Library, TimelineEvent
from ..text import clip, squash
from .ids import TIMELINE, Viewer, event_target, key_of
from .model import Reply, SelectOption
from .pages import Document, entry, layout, option, page_of, render_document
from .topic import quoted

TITLE: Final = "Timeline"
# Each event carries a quote, so four to a page keeps a page short enough to read on a phone.
EVENTS_PER_PAGE: Final = 4


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


def _event_entry(library: Library, event: TimelineEvent) -> tuple[str, str, tuple[tuple[str, int], ...]]:
    topic = library.by_id.get(event.topic)
    section = event.citation.section or (topic.short if topic else "")
    cite = f"{clip(section, limits.SHORT_NAME)} ¶{event.citation.paragraph}".strip()
    title = clip(event.title, limits.FIELD_VALUE // 4)
    body = quoted(event.text, event.quote, cite, limits.FIELD_VALUE - len(title) - len("****\n"))
    value = f"**{title}**\n{body}" if title else body
    return event.when or event.title, value, ((section, event.citation.paragraph),)


def timeline_document(library: Library) -> Document:
    """Every event as a document, in the document's order (computed once per library)."""
    return library.derived.get("timeline", lambda: _timeline_document(library))


def _timeline_document(library: Library) -> Document:
    count = len(library.timeline)
    description = (
        f"What *{clip(library.source.title or library.pack.source_title, 100)}* says happened, in the "
        f"document's order and in its own words: {count} moment{'s' if count != 1 else ''}. "
        "Open one directly with `/timeline era:`."
        if count
        else "The document names no moments in time."
    )
    return Document(
        key=TIMELINE,
        title=TITLE,
        description=description,
        colour=library.pack.colour,
        source_title=library.source.title or library.pack.source_title,
        entries=tuple(
            entry(name, value, cites, fallback=f"Event {n}")
            for n, (name, value, cites) in enumerate((_event_entry(library, e) for e in library.timeline), 1)
        ),
        author=library.pack.title,
        reading_fields=EVENTS_PER_PAGE,
    )


def timeline_jumps(library: Library, document: Document, page: int) -> tuple[SelectOption, ...]:
    """Events to jump to: all of them, or with more than fit, the ones around the page shown."""
    if len(library.timeline) <= limits.SELECT_OPTIONS:
        # The same menu on every page: made once per library.
        return library.derived.get("timeline-jumps", lambda: _timeline_jumps(library, document, page))
    return _timeline_jumps(library, document, page)


def _timeline_jumps(library: Library, document: Document, page: int) -> tuple[SelectOption, ...]:
    events = library.timeline
    if len(events) > limits.SELECT_OPTIONS:
        pages = layout(document)
        start = sum(len(p) for p in pages[: min(max(page, 0), len(pages) - 1)])
        start = max(0, min(start - limits.SELECT_OPTIONS // 2, len(events) - limits.SELECT_OPTIONS))
        events = events[start : start + limits.SELECT_OPTIONS]
    return tuple(option(e.when or e.title, event_target(e.id), e.title) for e in events)


def render_timeline(library: Library, page: int = 0, *, viewer: Viewer, focus: int | None = None) -> Reply:
    """A page of the timeline; with `focus` (an event index) the page holding that event, the event marked."""
    document = timeline_document(library)
    if focus is not None and 0 <= focus < len(library.timeline):
        page = page_of(document, focus)
    else:
        focus = None
    return render_document(document, page, viewer, jump=timeline_jumps(library, document, page), marked=focus)
