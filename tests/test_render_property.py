"""Whatever a pack holds, every rendered payload satisfies every Discord limit and pings no one.

Libraries are built straight from the frozen models, so the renderer meets content the loader would refuse:
huge texts, words with no spaces, unicode, markdown, mass mentions, empty fields, dangling references.
"""

from __future__ import annotations

from typing import Any, TypeVar

import discord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app.replies import message_kwargs
from bot.content import Block, Citation, CommandOption, Library, Pack, Point, SourceDocument, TimelineEvent, Topic
from bot.render import (
    CONTENTS,
    TIMELINE,
    Reply,
    Viewer,
    event_target,
    key_of,
    render_about,
    render_contents,
    render_event,
    render_help,
    render_jump,
    render_key,
    render_notice,
    render_picture,
    render_source,
    render_timeline,
    timeline_pages,
    topic_page_count,
)
from bot.render.ids import point_target, source_key
from bot.render.model import Button, ButtonStyle
from bot.render.timeline_image import TimelineImage
from tests.discord_rules import violations
from tests.test_render import attachment_problems

NASTY = [
    "@everyone",
    "@here",
    "<@123>",
    "<@&456>",
    "**bold** _it_ `code` ```block```",
    "> quote\n# heading",
    "\n\n",
    "   ",
    "x" * 1500,
    "🇮🇶" * 40,
    "e\u0301",
    "\u200b",
    "¶",
    "…",
    "NATO’s involvement",
    "中文文本 ÅÄÖ ß",
    "tab\tsep",
    "word",
]
# Drawn from small pools rather than generated character by character: a thousand examples stay fast.
ID_POOL = [
    "history",
    "a",
    "t-1",
    "t-2",
    "x" * 41,
    "y" * 100,
    "Upper",
    "with space",
    "@timeline",
    "@topics",
    "~abc",
    "ü",
    "",
]


KINDS = st.integers(0, 9)
SHORT_TEXT = st.text(max_size=12)
PIECES = st.sampled_from(NASTY)
SEPARATORS = st.sampled_from(["", " ", "\n"])
REPEATS = {limit: st.sampled_from([2, 30, limit]) for limit in (5, 10, 20, 400)}


@st.composite
def texts(draw: st.DrawFn, max_repeat: int = 400) -> str:
    """Empty, short, or absurdly long text (long by repetition, so examples stay cheap to generate)."""
    kind = draw(KINDS)
    if kind == 0:
        return ""
    if kind <= 2:
        return draw(SHORT_TEXT)
    piece = draw(PIECES)
    if kind <= 6:
        return piece
    return (piece + draw(SEPARATORS)) * draw(REPEATS[max_repeat])


ids = st.one_of(st.sampled_from(ID_POOL), st.text(max_size=6))
paragraphs = st.sampled_from([1, 2, 3, 7, 10_000])
T = TypeVar("T")


SECTIONS = ["", "Elsewhere" * 30, "Objectives"]
PICK = st.integers(0, 1000)
POINT_COUNTS = st.sampled_from([0, 1, 3, 8, 30])
RELATED_COUNTS = st.sampled_from([0, 3, 30])
EVENT_COUNTS = st.sampled_from([0, 2, 9, 30])
URLS = st.sampled_from([None, "https://example.org/" + "p" * 300, "\r", "not a url", "https://example.org"])


def cycle(items: list[T], count: int) -> tuple[T, ...]:
    """`count` items repeating `items`: many points or events from few draws, to keep examples fast."""
    return tuple(items[i % len(items)] for i in range(count)) if items else ()


def pick(draw: st.DrawFn, items: list[T]) -> T:
    """One of `items`, drawn with a shared strategy (building one per call would cost more than the test)."""
    return items[draw(PICK) % len(items)]


@st.composite
def points(draw: st.DrawFn, section: str) -> Point:
    return Point(
        heading=draw(texts(20)),
        text=draw(texts()),
        quote=draw(texts()),
        citation=Citation(block=0, section=pick(draw, [section, *SECTIONS]), paragraph=draw(paragraphs)),
    )


@st.composite
def events(draw: st.DrawFn, topic_ids: list[str]) -> TimelineEvent:
    return TimelineEvent(
        id=draw(ids),
        when=draw(texts(10)),
        title=draw(texts(10)),
        text=draw(texts()),
        quote=draw(texts()),
        topic=pick(draw, [*topic_ids, *ID_POOL]),
        citation=Citation(block=0, section=draw(texts(5)), paragraph=draw(paragraphs)),
    )


@st.composite
def libraries(draw: st.DrawFn) -> Library:
    topic_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    names = [f"command-{n}" if n else "c" * 32 for n in range(len(topic_ids))]
    # The first topic, when there are several, has the others as parts, as a pack's parent topic would.
    parent = topic_ids[0] if len(topic_ids) > 1 and draw(st.booleans()) else None
    topics = []
    for topic_id, name in zip(topic_ids, names, strict=True):
        short = draw(texts(5))
        is_child = parent is not None and topic_id != parent
        some_points = [draw(points(short)) for _ in range(draw(st.integers(0, 3)))]
        some_related = [pick(draw, topic_ids + ID_POOL) for _ in range(draw(st.integers(0, 3)))] + topic_ids + ID_POOL
        topics.append(
            Topic(
                id=topic_id,
                command=None if is_child else name,
                parent=parent if is_child else None,
                choice=draw(texts(10)) if is_child else None,
                option=CommandOption(name, draw(texts(5))) if topic_id == parent else None,
                title=draw(texts(20)),
                short=short,
                summary=draw(texts()),
                description=draw(texts(5)),
                block=0,
                points=cycle(some_points, draw(POINT_COUNTS)),
                related=cycle(some_related, draw(RELATED_COUNTS)),
                aliases=(),
                children=tuple(t for t in topic_ids if t != parent) if topic_id == parent else (),
            )
        )
    some_events = [draw(events(topic_ids)) for _ in range(draw(st.integers(0, 3)))]
    pack = Pack(
        title=draw(texts(20)),
        description=draw(texts()),
        source_title=draw(texts(20)),
        source_file="source.txt",
        colour=draw(st.integers(0, 0xFFFFFF)),
        version=draw(texts(5)),
        url=draw(URLS),
    )
    source = SourceDocument(title=pack.source_title, path="source.txt", text="", blocks=(Block(0, None, 1, ()),))
    return Library(pack=pack, source=source, topics=tuple(topics), timeline=cycle(some_events, draw(EVENT_COUNTS)))


def check(reply: Reply) -> None:
    payload = reply.payload()
    problems = violations(payload) + attachment_problems(payload)
    assert not problems, problems


# How many examples: the hypothesis profile decides (tests/conftest.py: quick by default, many under CI).
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(library=libraries(), user=st.integers(0, 2**64 - 1), private=st.booleans())
def test_every_payload_fits_every_limit(library: Library, user: int, private: bool) -> None:
    viewer = Viewer(user, private)
    others = [("timeline", "x" * 300), ("help", "")]
    for topic in library.by_id.values():
        pages = topic_page_count(library, topic)
        for page in {0, pages - 1, pages}:
            reply = render_key(library, key_of(topic.id), page, viewer)
            assert reply is not None
            check(reply)
        for index in {0, len(topic.points) - 1}:
            full = render_jump(library, point_target(key_of(topic.id), index), viewer)
            assert (full is None) == (not topic.points)
            if full is not None:
                check(full)
        for page in (0, 99):
            source = render_key(library, source_key(key_of(topic.id)), page, viewer)
            assert source is not None
            check(source)
    image = TimelineImage("timeline.png", b"x", "alt " * 300, 1, 1)
    for page in range(len(timeline_pages(library)) + 1):
        check(render_timeline(library, page, viewer=viewer))
    check(render_picture(library, viewer, image))
    check(render_picture(library, viewer, None))
    check(render_source(library, TIMELINE, 0, viewer))  # type: ignore[arg-type]
    for index in {0, len(library.timeline) // 2, len(library.timeline) - 1}:
        event = render_event(library, index, viewer)
        assert (event is None) == (not library.timeline)
        if event is not None:
            check(event)
    check(render_contents(library, viewer=viewer, others=others))
    check(render_help(library))
    check(render_about(library))
    check(render_notice(library.pack.description))
    assert render_key(library, TIMELINE, 0, viewer) is not None
    assert render_key(library, CONTENTS, 0, viewer) is not None
    for event in library.timeline[:3]:
        jumped = render_jump(library, event_target(event.id), viewer)
        assert jumped is not None
        check(jumped)


def _discord_payload(reply: Reply) -> dict[str, Any]:
    kwargs = message_kwargs(reply)
    return {
        "embeds": [e.to_dict() for e in kwargs["embeds"]],
        "components": kwargs["view"].to_components() if "view" in kwargs else [],
        "content": kwargs["content"],
    }


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(library=libraries())
async def test_discord_objects_carry_the_same_payload(library: Library) -> None:
    # What discord.py serialises from the converted objects is what the model promised, limits and all.
    for topic in list(library.by_id.values())[:2]:
        reply = render_key(library, key_of(topic.id), 0, Viewer(1, False))
        assert reply is not None
        sent = _discord_payload(reply)
        assert not violations(sent), violations(sent)
        promised = reply.payload()
        # discord.py writes an embed's flags out even when they are 0, Discord's default.
        assert [{k: v for k, v in e.items() if (k, v) != ("flags", 0)} for e in sent["embeds"]] == promised["embeds"]
        assert _without_defaults(sent["components"]) == _without_defaults(promised["components"])


def _without_defaults(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Components with the fields discord.py always writes out dropped where they hold Discord's default."""
    # discord.py 2.7 also writes `required` (a modal field's) on a message's select; Discord ignores it there.
    defaults = {"disabled": False, "min_values": 1, "max_values": 1, "default": False, "required": True}

    def bare(item: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in item.items() if defaults.get(k, ...) != v}
        if "options" in out:
            out["options"] = [bare(o) for o in out["options"]]
        return out

    return [{**row, "components": [bare(c) for c in row["components"]]} for row in rows]


def _discord_items_view(reply: Reply) -> discord.ui.View:
    """The reply's rows as discord.py's own UI items, the public way to send components."""
    styles = {ButtonStyle.PRIMARY: discord.ButtonStyle.primary, ButtonStyle.SECONDARY: discord.ButtonStyle.secondary}
    view = discord.ui.View(timeout=None)
    for number, row in enumerate(reply.rows):
        for item in row.items:
            if isinstance(item, Button):
                view.add_item(
                    discord.ui.Button(
                        style=styles[item.style],
                        label=item.label,
                        custom_id=item.custom_id,
                        disabled=item.disabled,
                        row=number,
                    )
                )
            else:
                options = [
                    discord.SelectOption(label=o.label, value=o.value, description=o.description) for o in item.options
                ]
                view.add_item(
                    discord.ui.Select(
                        custom_id=item.custom_id, placeholder=item.placeholder, options=options, row=number
                    )
                )
    return view


async def test_the_components_sent_are_those_discord_pys_own_items_would_send(library: Library) -> None:
    # `MessageView` and `WireEmbed` write their JSON themselves (see their DEP-WARNs); discord.py's own items and
    # embeds are the reference.
    image = TimelineImage("timeline.png", b"x", "alt", 1, 1)
    replies = [
        render_key(library, key_of(t.id), page, Viewer(7, private))
        for t in library.by_id.values()
        for page in (0, 1)
        for private in (False, True)
    ]
    replies += [render_timeline(library, viewer=Viewer(7)), render_picture(library, Viewer(7, True), image)]
    for reply in replies:
        assert reply is not None
        kwargs = message_kwargs(reply)
        sent = kwargs["view"].to_components()
        assert sent == _discord_items_view(reply).to_components()
        assert sent  # every one of these replies has components
        # Embeds too are written by the bot (`WireEmbed`): as discord.py's own `Embed` would write them.
        own = [discord.Embed.from_dict(e.to_dict()).to_dict() for e in reply.embeds]
        assert [e.to_dict() for e in kwargs["embeds"]] == own
