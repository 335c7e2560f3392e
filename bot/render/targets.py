"""From what a button or menu option names (a key, a page, a target) back to a rendered reply."""

from __future__ import annotations

from collections.abc import Sequence

from ..content import Library
from .ids import CONTENTS, EVENT_MARK, TIMELINE, Viewer, find_by_key
from .meta import render_contents
from .model import Reply
from .timeline import render_timeline
from .topic import render_topic


def render_key(
    library: Library, key: str, page: int, viewer: Viewer, *, others: Sequence[tuple[str, str]] = ()
) -> Reply | None:
    """Page `page` of what `key` names, or None when it names nothing any more (a stale click).

    `others` are the non-topic commands, listed by the table of contents (see `render_contents`).
    """
    if key == TIMELINE:
        return render_timeline(library, page, viewer=viewer)
    if key == CONTENTS:
        return render_contents(library, page, viewer=viewer, others=others)
    topic_id = find_by_key(key, library.by_id)
    if topic_id is None:
        return None
    return render_topic(library, library.by_id[topic_id], page, viewer=viewer)


def render_jump(library: Library, value: str, viewer: Viewer) -> Reply | None:
    """What a jump-menu option opens: a topic's first page, or the timeline at one event."""
    if value.startswith(EVENT_MARK) and value not in (TIMELINE, CONTENTS):
        event_id = find_by_key(value[len(EVENT_MARK) :], (e.id for e in library.timeline))
        if event_id is None:
            return None
        index = next(i for i, e in enumerate(library.timeline) if e.id == event_id)
        return render_timeline(library, viewer=viewer, focus=index)
    return render_key(library, value, 0, viewer)
