"""A topic as one phone screen: its summary, its key points once each (heading, one sentence, citation), where
to go next; the document's own words behind the "Source" button and each point in full behind its menu."""

from __future__ import annotations

from typing import Final

from .. import limits
from ..content import Library, Point, Topic
from ..text import clip, squash
from .ids import Viewer, jump_id, key_of, point_target, points_key
from .mentions import Mentions
from .model import ActionRow, Reply, Select, SelectOption
from .pages import Document, Entry, derived, entry, footer, layout, option, page_of, render_document
from .reading import READING_BUDGET, says_again, sentences, shown
from .source import source_button, source_label
from .text import join_fitting

# Rooms inside the reading budget, so that even a pack of absurd texts keeps a first page within it:
# title + summary + parts + related + one point = 120 + 250 + 150 + 150 + 80 + 300 = 1050 < 1200.
TITLE_ROOM: Final = 120
SUMMARY_ROOM: Final = 250
HINTS_ROOM: Final = 150
HEADING_ROOM: Final = 80
SENTENCE_ROOM: Final = 300
POINTS_PLACEHOLDER: Final = "Open a point in full…"


def command_hint(library: Library, topic: Topic, mentions: Mentions | None = None) -> str:
    """How to reach `topic`: `/history`, or `/collaboration partner:the United States` for a child.

    With `mentions`, the command is a clickable `</name:id>` when its id is known, in code otherwise.
    """
    name, rest = _command_parts(library, topic)
    if mentions is None:
        return f"/{name} {rest}".rstrip() if name else rest
    return mentions.command(name, rest) if name else rest


def _command_parts(library: Library, topic: Topic) -> tuple[str, str]:
    if topic.command:
        return topic.command, ""
    parent = library.by_id.get(topic.parent) if topic.parent else None
    if parent is not None and parent.command:
        if parent.option is not None and topic.choice:
            return parent.command, f"{parent.option.name}:{topic.choice}"
        return parent.command, ""
    return "", topic.short or topic.title or topic.id


def citation_text(topic: Topic, point: Point) -> str:
    """`¶2`, or `Objectives ¶2` when the paragraph belongs to another topic's section."""
    section = point.citation.section
    if not section or section == topic.short:
        return f"¶{point.citation.paragraph}"
    return f"{clip(section, limits.SHORT_NAME)} ¶{point.citation.paragraph}"


def point_sentence(point: Point) -> str:
    """The one sentence the list shows: the plain-words statement's first, or the quote's when it has none."""
    found = sentences(squash(point.text)) or sentences(squash(point.quote))
    return found[0] if found else ""


def _hints(library: Library, ids: tuple[str, ...], mentions: Mentions) -> list[str]:
    return [command_hint(library, library.by_id[i], mentions) for i in ids if i in library.by_id]


def shown_points(library: Library, topic: Topic) -> tuple[int, ...]:
    """The points the list shows, by index: each said once, none restating the summary or an earlier point
    (those stay reachable in full, through the source)."""
    return derived.get(library, ("shown", topic.id), topic, lambda: _shown_points(topic))


def _shown_points(topic: Topic) -> tuple[int, ...]:
    said = [squash(topic.summary)]
    kept: list[int] = []
    for index, point in enumerate(topic.points):
        # Compared as listed, citation included: what must not be read twice is the line itself.
        line = _point_value(topic, point)
        # A point with no words has nothing to list; one that says what is said already is not said again.
        if not point_sentence(point) or says_again(line, said):
            continue
        said.append(line)
        kept.append(index)
    return tuple(kept)


def _point_value(topic: Topic, point: Point) -> str:
    cite = citation_text(topic, point)
    sentence = clip(point_sentence(point), SENTENCE_ROOM - len(cite) - 3)
    return f"{sentence} — {cite}" if sentence else cite


def point_entry(topic: Topic, number: int, point: Point) -> Entry:
    return entry(
        clip(point.heading, HEADING_ROOM),
        _point_value(topic, point),
        ((point.citation.section or topic.short, point.citation.paragraph),),
        fallback=f"Point {number}",
    )


def topic_document(library: Library, topic: Topic, mentions: Mentions | None = None) -> Document:
    """`topic` as a document (computed once per library and set of command ids)."""
    mentions = mentions or Mentions()
    return derived.get(library, ("topic", topic.id, mentions), topic, lambda: _topic_document(library, topic, mentions))


def _topic_document(library: Library, topic: Topic, mentions: Mentions) -> Document:
    lines = [clip(squash(topic.summary), SUMMARY_ROOM)]
    children = _hints(library, topic.children, mentions)
    if children:
        lines.append("**Parts:** " + join_fitting(children, " · ", HINTS_ROOM))
    # Parts are already listed on their own line; repeating them under Related would only add noise.
    related = _hints(library, tuple(r for r in topic.related if r != topic.id and r not in topic.children), mentions)
    if related:
        lines.append("**Related:** " + join_fitting(related, " · ", HINTS_ROOM))
    parent = library.by_id.get(topic.parent) if topic.parent else None
    description = "\n".join(line for line in lines if line)
    listed = shown_points(library, topic)
    entries = tuple(point_entry(topic, n + 1, topic.points[n]) for n in listed)
    if entries:
        # A point left out because the summary says it still stands behind the page: the footer cites it.
        folded = tuple(
            (p.citation.section or topic.short, p.citation.paragraph)
            for n, p in enumerate(topic.points)
            if n not in listed
        )
        entries = (Entry(entries[0].field, entries[0].cites + folded), *entries[1:])
    author = parent.short if parent is not None else None
    source_title = library.source.title or library.pack.source_title
    # Pages are cut by raw size; what a reader reads leaves the footer, the author and the mentions' ids
    # aside, so the cut is moved by that much (the footer citing every point is the longest any page has).
    # The room kept for a "▶" on each field stays counted: pages hold a few characters less, never more.
    framing = (
        len(footer(source_title, entries, topic.short))
        + len(clip(author or "", limits.AUTHOR_NAME))
        + len(description)
        - len(shown(description))
    )
    return Document(
        key=key_of(topic.id),
        title=clip(topic.title or topic.short or topic.id, TITLE_ROOM),
        description=description,
        colour=library.pack.colour,
        source_title=source_title,
        entries=entries,
        # The section path, for a part: the bot's name above it would say nothing.
        author=author,
        section=topic.short,
        reading_chars=READING_BUDGET + framing,
        reading_fields=limits.EMBED_FIELDS,
    )


def point_page(library: Library, topic: Topic, point: int) -> int:
    """The page of the topic's list that shows point `point` (its first page when the list leaves it out)."""
    shown = shown_points(library, topic)
    return page_of(topic_document(library, topic), shown.index(point)) if point in shown else 0


def topic_jumps(library: Library, topic: Topic) -> tuple[SelectOption, ...]:
    """Where the jump menu leads: the topic's parts, its parent, then its related topics."""
    return derived.get(library, ("jumps", topic.id), topic, lambda: _topic_jumps(library, topic))


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


def _points_menu(library: Library, topic: Topic, page: int, viewer: Viewer) -> ActionRow | None:
    document = topic_document(library, topic, viewer.commands)
    pages = layout(document)
    page = min(max(page, 0), len(pages) - 1)
    first = sum(len(p) for p in pages[:page])
    shown = shown_points(library, topic)[first : first + len(pages[page])]
    key = key_of(topic.id)
    options = tuple(
        option(topic.points[i].heading or f"Point {i + 1}", point_target(key, i), citation_text(topic, topic.points[i]))
        for i in shown[: limits.SELECT_OPTIONS]
    )
    if not options:
        return None
    return ActionRow((Select(_points_id(key, viewer), POINTS_PLACEHOLDER, options),))


def _points_id(key: str, viewer: Viewer) -> str:
    return jump_id(points_key(key), viewer)


def render_topic(library: Library, topic: Topic, page: int = 0, *, viewer: Viewer) -> Reply:
    """Page `page` of `topic` for `viewer`: the list of points, then Source, the points menu and the jump menu."""
    document = topic_document(library, topic, viewer.commands)
    shown = render_document(document, page, viewer, jump=topic_jumps(library, topic))
    key = key_of(topic.id)
    rows = [r for r in shown.rows if not isinstance(r.items[0], Select)]
    rows.append(ActionRow((source_button(key, viewer, source_label(library, key)),)))
    menu = _points_menu(library, topic, page, viewer)
    if menu is not None:
        rows.append(menu)
    rows += [r for r in shown.rows if isinstance(r.items[0], Select)]
    return Reply(embeds=shown.embeds, rows=tuple(rows[: limits.ACTION_ROWS]), ephemeral=viewer.private)


def topic_page_count(library: Library, topic: Topic) -> int:
    return len(layout(topic_document(library, topic)))
