"""One point, or one moment of the timeline, in full: the plain-words statement, the quote, and where else the
document's answers discuss the same paragraph."""

from __future__ import annotations

from typing import Final

from .. import limits
from ..content import Citation, Library, Topic
from ..text import clip, squash
from .ids import TIMELINE, Viewer, key_of
from .model import ActionRow, Embed, Field, Reply
from .pages import Entry, footer
from .source import back_button, source_button, source_label
from .text import source_name
from .topic import citation_text, command_hint, point_page

TEXT_ROOM: Final = 1000
QUOTE_ROOM: Final = 2000
ELSEWHERE_LINES: Final = 8


def _body(text: str, quote: str, cite: str) -> str:
    text, quote = clip(squash(text), TEXT_ROOM), clip(squash(quote), QUOTE_ROOM)
    quoted = f"> {quote}\n— {cite}" if quote else f"— {cite}"
    return f"{text}\n\n{quoted}" if text else quoted


def _elsewhere(
    library: Library, where: Citation, viewer: Viewer, *, skip_topic: str | None, skip_event: str | None
) -> str:
    """Lines naming the other answers that quote the same paragraph."""
    lines: list[str] = []
    for topic in library.topics:
        if topic.id == skip_topic:
            continue
        for point in topic.points:
            if (point.citation.block, point.citation.paragraph) == (where.block, where.paragraph):
                lines.append(f"{command_hint(library, topic, viewer.commands)} — {clip(squash(point.heading), 80)}")
                break
    for event in library.timeline:
        if event.id != skip_event and (event.citation.block, event.citation.paragraph) == (
            where.block,
            where.paragraph,
        ):
            when = clip(squash(event.when or event.title), 80)
            lines.append(viewer.commands.command("timeline", f"era:{when}"))
    kept: list[str] = []
    for line in dict.fromkeys(lines):
        if len(kept) == ELSEWHERE_LINES or sum(len(k) + 1 for k in kept) + len(line) > limits.FIELD_VALUE:
            break
        kept.append(line)
    return "\n".join(kept)


def _reply(embed: Embed, rows: tuple[ActionRow, ...], viewer: Viewer) -> Reply:
    return Reply(embeds=(embed,), rows=rows, ephemeral=viewer.private)


def render_point(library: Library, topic: Topic, index: int, viewer: Viewer) -> Reply | None:
    """Point `index` of `topic` in full, with buttons back to the topic's list and to its source."""
    if not 0 <= index < len(topic.points):
        return None
    point = topic.points[index]
    cite = citation_text(topic, point)
    elsewhere = _elsewhere(library, point.citation, viewer, skip_topic=topic.id, skip_event=None)
    parent = library.by_id.get(topic.parent) if topic.parent else None
    section = point.citation.section or topic.short
    embed = Embed(
        title=clip(squash(point.heading), limits.EMBED_TITLE) or f"Point {index + 1}",
        description=_body(point.text, point.quote, cite),
        colour=library.pack.colour,
        author=clip(" › ".join(s for s in (parent.short if parent else "", topic.short) if s), limits.AUTHOR_NAME)
        or None,
        fields=(Field("Also discussed in", elsewhere),) if elsewhere else (),
        footer=footer(
            source_name(library),
            [Entry(Field("", ""), ((section, point.citation.paragraph),))],
            section,
        ),
    )
    key = key_of(topic.id)
    name = topic.short or topic.title or topic.id
    row = ActionRow(
        (
            back_button(key, name, viewer, point_page(library, topic, index)),
            source_button(key, viewer, source_label(library, key)),
        )
    )
    return _reply(embed, (row,), viewer)


def render_event(library: Library, index: int, viewer: Viewer) -> Reply | None:
    """Moment `index` of the timeline in full: when (the document's words), what, the quote, and where else."""
    if not 0 <= index < len(library.timeline):
        return None
    event = library.timeline[index]
    topic = library.by_id.get(event.topic)
    section = event.citation.section or (topic.short if topic else "")
    cite = f"{clip(section, limits.SHORT_NAME)} ¶{event.citation.paragraph}".strip()
    elsewhere = _elsewhere(library, event.citation, viewer, skip_topic=None, skip_event=event.id)
    embed = Embed(
        title=clip(squash(event.title), limits.EMBED_TITLE) or clip(squash(event.when), limits.EMBED_TITLE) or None,
        description=_body(event.text, event.quote, cite),
        colour=library.pack.colour,
        author=clip(f"Timeline › {squash(event.when)}", limits.AUTHOR_NAME),
        fields=(Field("Also discussed in", elsewhere),) if elsewhere else (),
        footer=footer(
            source_name(library),
            [Entry(Field("", ""), ((section, event.citation.paragraph),))],
            section,
        ),
    )
    row = ActionRow((back_button(TIMELINE, "the timeline", viewer), source_button(TIMELINE, viewer, "Source")))
    return _reply(embed, (row,), viewer)
