"""A topic as one phone screen: its summary, its key points once each (heading, one sentence, citation), where
to go next; the document's own words behind the "Source" button and each point in full behind its menu.

The points are lines of the description rather than embed fields: a field spends a line on its name, and on a
phone those lines are what pushes an answer past one screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .. import limits
from ..content import Library, Point, Topic
from ..text import clip, squash
from .ids import Viewer, jump_id, key_of, point_target
from .mentions import Mentions
from .model import ActionRow, Embed, Field, Reply, Select, SelectOption
from .pages import MARK, Entry, footer, nav_row, option, pack_lines, unique_options
from .reading import READING_BUDGET, says_again, sentences, shown
from .source import source_button, source_label
from .text import join_fitting, source_name

# Rooms inside the reading budget, so that even a pack of absurd texts keeps a first page within it:
# title + summary + parts + related + one point = 120 + 250 + 150 + 150 + 80 + 300 = 1050 < 1200.
TITLE_ROOM: Final = 120
SUMMARY_ROOM: Final = 250
HINTS_ROOM: Final = 150
HEADING_ROOM: Final = 80
SENTENCE_ROOM: Final = 300
MENU_PLACEHOLDER: Final = "Open a point in full, or a related topic…"
_NO_FIELD: Final = Field("", "")


def command_hint(library: Library, topic: Topic, mentions: Mentions | None = None) -> str:
    """How to reach `topic`: `/history`, or `/collaboration partner:the United States` for a child.

    With `mentions`, the command is a clickable `</name:id>` when its id is known, in code otherwise.
    """
    name, rest = _command_parts(library, topic)
    # One line whatever the pack holds: a hint sits inside a line of the answer.
    name, rest = squash(name), squash(rest)
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
    return f"{clip(squash(section), limits.SHORT_NAME)} ¶{point.citation.paragraph}"


def point_sentence(point: Point) -> str:
    """The one sentence the list shows: the plain-words statement's first, or the quote's when it has none."""
    found = sentences(squash(point.text)) or sentences(squash(point.quote))
    return found[0] if found else ""


def _hints(library: Library, ids: tuple[str, ...], mentions: Mentions) -> list[str]:
    return [command_hint(library, library.by_id[i], mentions) for i in ids if i in library.by_id]


def shown_points(library: Library, topic: Topic) -> tuple[int, ...]:
    """The points the list shows, by index: each said once, none restating the summary or an earlier point
    (those stay reachable in full, through the source)."""
    return library.derived.get(("shown", topic.id), lambda: _shown_points(topic))


def _shown_points(topic: Topic) -> tuple[int, ...]:
    # Compared as the reader sees them: markdown in a summary must not hide that a point's line repeats it.
    said = [shown(squash(topic.summary))]
    kept: list[int] = []
    for index, point in enumerate(topic.points):
        sentence = shown(point_sentence(point))
        line = shown(point_line(topic, point))
        # A point with no words has nothing to list; one that says what is said already (as a sentence, or
        # as the line the reader reads) is not said again.
        if not sentence or says_again(sentence, said) or says_again(line, said):
            continue
        said += [sentence, line]
        kept.append(index)
    return tuple(kept)


def point_line(topic: Topic, point: Point) -> str:
    """`**Heading** — one sentence ¶2`: a point as the list shows it."""
    cite = citation_text(topic, point)
    heading = clip(squash(point.heading), HEADING_ROOM)
    sentence = clip(point_sentence(point), SENTENCE_ROOM - len(cite) - 1)
    body = f"{sentence} {cite}" if sentence else cite
    return f"**{heading}** — {body}" if heading else body


def _header(library: Library, topic: Topic, mentions: Mentions) -> tuple[str, str]:
    """(summary, where next: the parts and related commands) of a topic's answer."""
    children = _hints(library, topic.children, mentions)
    # Parts are already listed on their own line; repeating them under Related would only add noise.
    others = tuple(r for r in topic.related if r != topic.id and r not in topic.children)
    related = _hints(library, others, mentions)
    lines = []
    if children:
        lines.append("**Parts:** " + join_fitting(children, " · ", HINTS_ROOM))
    if related:
        lines.append("**Related:** " + join_fitting(related, " · ", HINTS_ROOM))
    return clip(squash(topic.summary), SUMMARY_ROOM), "\n".join(lines)


def topic_pages(library: Library, topic: Topic, mentions: Mentions | None = None) -> tuple[tuple[int, ...], ...]:
    """The listed points, by index, per page: all on the first, unless they do not fit the reading budget."""
    mentions = mentions or Mentions()
    return library.derived.get(("topic-pages", topic.id, mentions), lambda: _topic_pages(library, topic, mentions))


def _topic_pages(library: Library, topic: Topic, mentions: Mentions) -> tuple[tuple[int, ...], ...]:
    summary, where = _header(library, topic, mentions)
    title = clip(topic.title or topic.short or topic.id, TITLE_ROOM)
    room = READING_BUDGET - len(title) - len(shown(summary)) - len(shown(where)) - 2
    lines = ((index, len(shown(point_line(topic, topic.points[index])))) for index in shown_points(library, topic))
    return pack_lines(lines, room)


def point_page(library: Library, topic: Topic, point: int) -> int:
    """The page of the topic's list that shows point `point` (its first page when the list leaves it out)."""
    for number, indices in enumerate(topic_pages(library, topic)):
        if point in indices:
            return number
    return 0


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


def _menu_options(library: Library, topic: Topic, indices: tuple[int, ...]) -> tuple[SelectOption, ...]:
    """One menu: the page's points in full first, then the topics to go to next."""
    key = key_of(topic.id)
    points = [
        option(
            topic.points[i].heading or f"Point {i + 1}",
            point_target(key, i),
            f"In full · {citation_text(topic, topic.points[i])}",
        )
        for i in indices
    ]
    return unique_options([*points, *topic_jumps(library, topic)])


def _cites(topic: Topic, indices: tuple[int, ...], folded: bool) -> list[Entry]:
    # A point left out because the summary says it still stands behind the first page: the footer cites it.
    listed = set(indices)
    chosen = [p for n, p in enumerate(topic.points) if n in listed or folded]
    return [Entry(_NO_FIELD, ((p.citation.section or topic.short, p.citation.paragraph),)) for p in chosen]


@dataclass(frozen=True, slots=True)
class _Body:
    """What a page of a topic shows every viewer alike; only the custom_ids around it name the viewer."""

    page: int
    pages: int
    embed: Embed
    source_label: str
    options: tuple[SelectOption, ...]


def _body(library: Library, topic: Topic, page: int, mentions: Mentions, marked: int | None) -> _Body:
    # Kept with the library, as its pages are: every command answers its first page, so most answers are one
    # of a few dozen bodies, and only the buttons' custom_ids are made per viewer. The page is clamped first,
    # so a click naming page 999999 adds nothing.
    pages = topic_pages(library, topic, mentions)
    page = min(max(page, 0), len(pages) - 1)
    if marked is not None and marked not in pages[page]:
        marked = None
    return library.derived.get(
        ("topic-body", topic.id, page, mentions, marked),
        lambda: _make_body(library, topic, pages, page, mentions, marked),
    )


def _make_body(
    library: Library,
    topic: Topic,
    pages: tuple[tuple[int, ...], ...],
    page: int,
    mentions: Mentions,
    marked: int | None,
) -> _Body:
    indices = pages[page]
    summary, where = _header(library, topic, mentions)
    points = [MARK * (i == marked) + point_line(topic, topic.points[i]) for i in indices]
    lines = [summary, *points, where]
    parent = library.by_id.get(topic.parent) if topic.parent else None
    source_title = source_name(library)
    # The first page stands on every point, the folded ones too; a later page on its own.
    cited = _cites(topic, indices, folded=page == 0 and len(pages) == 1)
    embed = Embed(
        title=clip(topic.title or topic.short or topic.id, TITLE_ROOM),
        description=clip("\n".join(line for line in lines if line), limits.EMBED_DESCRIPTION) or None,
        colour=library.pack.colour,
        # The section path, for a part: the bot's name above it would say nothing.
        author=clip(parent.short, limits.AUTHOR_NAME) or None if parent is not None else None,
        footer=footer(source_title, cited, topic.short),
    )
    key = key_of(topic.id)
    return _Body(page, len(pages), embed, source_label(library, key), _menu_options(library, topic, indices))


def render_topic(library: Library, topic: Topic, page: int = 0, *, viewer: Viewer, marked: int | None = None) -> Reply:
    """Page `page` of `topic` for `viewer`: summary, points, where next; Source, the menu, page buttons.

    `marked` is the index of a point to flag with "▶" (the one a search result opened)."""
    body = _body(library, topic, page, viewer.commands, marked)
    key = key_of(topic.id)
    rows: list[ActionRow] = []
    if body.pages > 1:
        rows.append(nav_row(key, body.page, body.pages, viewer))
    rows.append(ActionRow((source_button(key, viewer, body.source_label),)))
    if body.options:
        rows.append(ActionRow((Select(jump_id(key, viewer), MENU_PLACEHOLDER, body.options),)))
    return Reply(embeds=(body.embed,), rows=tuple(rows), ephemeral=viewer.private)


def topic_page_count(library: Library, topic: Topic) -> int:
    return len(topic_pages(library, topic))
