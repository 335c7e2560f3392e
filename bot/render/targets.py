"""From what a button or menu option names (a key, a page, a target) back to a rendered reply."""

from __future__ import annotations

from collections.abc import Sequence

from ..content import Library
from .full import render_event, render_point
from .ids import CONTENTS, EVENT_MARK, PICTURE, POINTS_MARK, SOURCE_MARK, TIMELINE, Viewer, find_by_key
from .meta import render_contents
from .model import Reply
from .source import render_source
from .timeline import event_cite, render_picture, render_timeline, timeline_pages
from .timeline_image import timeline_images
from .topic import render_topic, topic_pages


def render_key(
    library: Library, key: str, page: int, viewer: Viewer, *, others: Sequence[tuple[str, str]] = ()
) -> Reply | None:
    """Page `page` of what `key` names, or None when it names nothing any more (a stale click).

    `others` are the non-topic commands, listed by the table of contents (see `render_contents`).
    """
    if key == TIMELINE:
        return render_timeline(library, page, viewer=viewer)
    if key == PICTURE:
        # Rendering does not wait: the click that asks for the picture draws it first (`draw_picture`).
        return render_picture(library, viewer, timeline_images.ready(library))
    if key == CONTENTS:
        return render_contents(library, page, viewer=viewer, others=others)
    if key.startswith(SOURCE_MARK):
        return render_source(library, key[len(SOURCE_MARK) :], page, viewer)
    topic_id = find_by_key(key, library.by_id)
    if topic_id is None:
        return None
    return render_topic(library, library.by_id[topic_id], page, viewer=viewer)


def render_jump(library: Library, value: str, viewer: Viewer) -> Reply | None:
    """What a menu option opens: a topic's first page, one point in full, or one moment of the timeline."""
    if value.startswith(EVENT_MARK) and value not in (TIMELINE, CONTENTS):
        event_id = find_by_key(value[len(EVENT_MARK) :], (e.id for e in library.timeline))
        if event_id is None:
            return None
        index = next(i for i, e in enumerate(library.timeline) if e.id == event_id)
        return render_event(library, index, viewer)
    key, mark, number = value.partition(POINTS_MARK)
    if mark:
        topic_id = find_by_key(key, library.by_id)
        if topic_id is None or not number.isdigit():
            return None
        return render_point(library, library.by_id[topic_id], int(number), viewer)
    return render_key(library, value, 0, viewer)


def page_cites(library: Library, key: str, page: int) -> set[tuple[str, int]]:
    """The (section, paragraph) pairs that page `page` of what `key` names lists (nothing, when it is gone)."""
    if key == TIMELINE:
        pages = timeline_pages(library)
        events = [library.timeline[i] for i in pages[min(max(page, 0), len(pages) - 1)]]
        return {(event_cite(library, e)[0], e.citation.paragraph) for e in events}
    topic_id = find_by_key(key, library.by_id)
    if topic_id is None:
        return set()
    topic = library.by_id[topic_id]
    pages = topic_pages(library, topic)
    # A one-page topic stands on all its points, those folded into the summary too (its footer cites them).
    listed = pages[min(max(page, 0), len(pages) - 1)]
    points = topic.points if len(pages) == 1 else tuple(topic.points[i] for i in listed)
    return {(p.citation.section or topic.short, p.citation.paragraph) for p in points}
