"""A topic as pages: its summary, its key points with their verbatim quotes, and where to go next."""

from __future__ import annotations

from typing import Final

from .. import limits
from ..content import Library, Point, Topic
from ..text import clip, squash
from .ids import Viewer, key_of
from .model import Reply, SelectOption
from .pages import Document, Entry, entry, layout, option, render_document
from .text import join_fitting

QUOTE_MIN: Final = 200
SUMMARY_ROOM: Final = 1000
HINTS_ROOM: Final = 400


def command_hint(library: Library, topic: Topic) -> str:
    """How to reach `topic`: `/history`, or `/collaboration partner:the United States` for a child."""
    if topic.command:
        return f"/{topic.command}"
    parent = library.by_id.get(topic.parent) if topic.parent else None
    if parent is not None and parent.command:
        if parent.option is not None and topic.choice:
            return f"/{parent.command} {parent.option.name}:{topic.choice}"
        return f"/{parent.command}"
    return topic.short or topic.title or topic.id


def quoted(text: str, quote: str, cite: str, limit: int = limits.FIELD_VALUE) -> str:
    """`text`, then `quote` as a block quote ending with its citation, together within `limit`.

    When something must give, the plain-words text is shortened first, but the quote keeps at least a
    sentence's worth of room: the quote is what the answer stands on.
    """
    text = text.strip()
    quote = squash(quote)
    tail = f" — {cite}" if cite else ""
    if not quote:
        return clip(text + tail, limit)
    room_for_quote = min(len(quote), QUOTE_MIN)
    text = clip(text, limit - len(tail) - len("\n> ") - room_for_quote) if text else ""
    prefix = f"{text}\n> " if text else "> "
    return prefix + clip(quote, limit - len(prefix) - len(tail)) + tail


def point_entry(topic: Topic, number: int, point: Point) -> Entry:
    section = point.citation.section
    own = not section or section == topic.short
    cite = f"¶{point.citation.paragraph}" if own else f"{clip(section, limits.SHORT_NAME)} ¶{point.citation.paragraph}"
    return entry(
        point.heading,
        quoted(point.text, point.quote, cite),
        ((section or topic.short, point.citation.paragraph),),
        fallback=f"Point {number}",
    )


def _hints(library: Library, ids: tuple[str, ...]) -> list[str]:
    return [f"`{command_hint(library, library.by_id[i])}`" for i in ids if i in library.by_id]


def topic_document(library: Library, topic: Topic) -> Document:
    """`topic` as a document: its summary, its parts and related topics, its points (computed once per library)."""
    return library.derived.get(("topic", topic.id), lambda: _topic_document(library, topic))


def _topic_document(library: Library, topic: Topic) -> Document:
    lines = [clip(topic.summary, SUMMARY_ROOM)]
    children = _hints(library, topic.children)
    if children:
        lines.append("**Parts:** " + join_fitting(children, " · ", HINTS_ROOM))
    # Parts are already listed on their own line; repeating them under Related would only add noise.
    related = _hints(library, tuple(r for r in topic.related if r != topic.id and r not in topic.children))
    if related:
        lines.append("**Related:** " + join_fitting(related, " · ", HINTS_ROOM))
    parent = library.by_id.get(topic.parent) if topic.parent else None
    crumbs = [library.pack.title] + ([parent.short] if parent is not None else [])
    return Document(
        key=key_of(topic.id),
        title=topic.title or topic.short or topic.id,
        description="\n\n".join(line for line in lines if line),
        colour=library.pack.colour,
        source_title=library.source.title or library.pack.source_title,
        entries=tuple(point_entry(topic, n, p) for n, p in enumerate(topic.points, start=1)),
        author=" › ".join(c for c in crumbs if c),
        section=topic.short,
    )


def topic_jumps(library: Library, topic: Topic) -> tuple[SelectOption, ...]:
    """Where the jump menu leads: the topic's parts, its parent, then its related topics."""
    return library.derived.get(("jumps", topic.id), lambda: _topic_jumps(library, topic))


def _topic_jumps(library: Library, topic: Topic) -> tuple[SelectOption, ...]:
    ids = [*topic.children, *([topic.parent] if topic.parent else []), *topic.related]
    out: list[SelectOption] = []
    for topic_id in ids:
        other = library.by_id.get(topic_id)
        if other is None or other.id == topic.id:
            continue
        label = other.short or other.title or other.id
        out.append(option(label, key_of(other.id), squash(other.summary)))
    return tuple(out)


def render_topic(library: Library, topic: Topic, page: int = 0, *, viewer: Viewer) -> Reply:
    """Page `page` of `topic` for `viewer`: an embed of key points, page buttons, and the jump menu."""
    return render_document(topic_document(library, topic), page, viewer, jump=topic_jumps(library, topic))


def topic_page_count(library: Library, topic: Topic) -> int:
    return len(layout(topic_document(library, topic)))
