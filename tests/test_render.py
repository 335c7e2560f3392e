"""Pure rendering of the shipped pack: every page within Discord's limits, citing the right paragraphs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot import limits
from bot.content import Library, Topic
from bot.render import (
    CONTENTS,
    TIMELINE,
    Reply,
    Viewer,
    command_hint,
    find_event,
    key_of,
    layout,
    render_about,
    render_contents,
    render_help,
    render_jump,
    render_key,
    render_notice,
    render_timeline,
    render_topic,
    timeline_document,
    topic_document,
    topic_page_count,
)
from bot.render.ids import JUMP_TEMPLATE, PAGE_TEMPLATE, POSITION_TEMPLATE, event_target
from bot.render.text import paragraph_ranges
from bot.text import clip
from tests.discord_rules import violations

USER = 123456789012345678
TEMPLATES = tuple(re.compile(t) for t in (PAGE_TEMPLATE, POSITION_TEMPLATE, JUMP_TEMPLATE))


def assert_fits(reply: Reply) -> None:
    problems = violations(reply.payload())
    assert not problems, problems


def all_topic_pages(library: Library, viewer: Viewer) -> Iterator[tuple[Topic, int, Reply]]:
    for topic in library.topics:
        for page in range(topic_page_count(library, topic)):
            yield topic, page, render_topic(library, topic, page, viewer=viewer)


@pytest.mark.parametrize("private", [False, True])
def test_every_topic_page_fits_discord(library: Library, private: bool) -> None:
    viewer = Viewer(USER, private)
    seen = 0
    for _topic, _page, reply in all_topic_pages(library, viewer):
        assert_fits(reply)
        assert reply.ephemeral is private
        seen += 1
    assert seen >= len(library.topics)


def test_every_point_is_shown_whole_in_order(library: Library) -> None:
    # Nothing in the shipped pack needs clipping: every text and quote appears verbatim, never cut mid-word.
    for topic in library.topics:
        values = []
        for page in range(topic_page_count(library, topic)):
            reply = render_topic(library, topic, page, viewer=Viewer(USER))
            values += [(f.name, f.value) for f in reply.embeds[0].fields]
            assert "…" not in (reply.embeds[0].description or "")
        assert len(values) == len(topic.points)
        for (name, value), point in zip(values, topic.points, strict=True):
            assert name == point.heading
            assert value.startswith(point.text.strip() + "\n> ")
            assert " ".join(point.quote.split()) in value
            assert value.endswith(f" — ¶{point.citation.paragraph}")
            assert "…" not in value


def test_footers_cite_the_paragraphs_each_page_quotes(library: Library) -> None:
    title = library.pack.source_title
    for topic in library.topics:
        pages = layout_of(library, topic)
        for page, entries in enumerate(pages):
            reply = render_topic(library, topic, page, viewer=Viewer(USER))
            cited = [p.citation.paragraph for p in entries]
            assert reply.embeds[0].footer == f"Source: {title} › {topic.short} {paragraph_ranges(cited)}"


def layout_of(library: Library, topic: Topic) -> list[list[Any]]:
    """The topic's points, grouped the way the renderer pages them."""
    points = iter(topic.points)
    return [[next(points) for _ in page] for page in layout(topic_document(library, topic))]


def test_objectives_footer_matches_the_example(library: Library) -> None:
    reply = render_topic(library, library.by_command["objectives"], viewer=Viewer(USER))
    assert reply.embeds[0].footer == "Source: NATO's involvement in Iraq › Objectives ¶1–4"


def test_related_line_names_commands_and_child_hints(library: Library) -> None:
    collaboration = library.by_command["collaboration"]
    description = render_topic(library, collaboration, viewer=Viewer(USER)).embeds[0].description or ""
    assert "`/collaboration partner:the United States`" in description
    assert "`/collaboration partner:coalition countries`" in description
    assert "**Related:**" in description and "`/contributions`" in description
    assert command_hint(library, library.by_id["training"]) == "/achievements area:training and capacity building"
    overview = render_topic(library, library.by_command["overview"], viewer=Viewer(USER)).embeds[0].description or ""
    related = overview.split("**Related:** ")[1]
    assert "`/achievements area:training and capacity building`" in related
    assert "`/overview part:Introduction`" not in related  # a part is listed once, under Parts


def test_topic_uses_pack_colour_title_and_summary(library: Library) -> None:
    topic = library.by_command["history"]
    embed = render_topic(library, topic, viewer=Viewer(USER)).embeds[0]
    assert embed.colour == library.pack.colour
    assert embed.title == topic.title
    assert (embed.description or "").startswith(topic.summary)


def test_jump_menu_offers_children_parent_and_related(library: Library) -> None:
    reply = render_topic(library, library.by_id["united-states"], viewer=Viewer(USER))
    (select,) = reply.selects()
    values = [o.value for o in select.options]
    assert values[0] == "collaboration"  # the parent first: a child has no children of its own
    assert set(values) == {"collaboration", "coalition", "history"}
    parent = render_topic(library, library.by_command["achievements"], viewer=Viewer(USER))
    assert [o.value for o in parent.selects()[0].options][:2] == ["training", "regional-stability"]


def test_custom_ids_follow_the_scheme(library: Library) -> None:
    replies = [r for _t, _p, r in all_topic_pages(library, Viewer(USER, True))]
    replies += [render_timeline(library, p, viewer=Viewer(USER)) for p in range(3)]
    replies.append(render_contents(library, viewer=Viewer(USER)))
    for reply in replies:
        for row in reply.rows:
            for item in row.items:
                assert any(t.fullmatch(item.custom_id) for t in TEMPLATES), item.custom_id
                assert len(item.custom_id) <= limits.CUSTOM_ID


def test_timeline_lists_every_event_in_document_order(library: Library) -> None:
    pages = layout(timeline_document(library))
    assert len(pages) > 1
    names = []
    for page in range(len(pages)):
        reply = render_timeline(library, page, viewer=Viewer(USER))
        assert_fits(reply)
        names += [f.name for f in reply.embeds[0].fields]
        labels = [b.label for b in reply.buttons()]
        assert labels == ["⏮", "◀", f"{page + 1}/{len(pages)}", "▶", "⏭"]
        flags = [b.disabled for b in reply.buttons()]
        assert flags == [page == 0, page == 0, True, page == len(pages) - 1, page == len(pages) - 1]
    assert names == [e.when for e in library.timeline]


@pytest.mark.parametrize("index", range(9))
def test_timeline_opens_at_the_chosen_event(library: Library, index: int) -> None:
    event = library.timeline[index]
    assert find_event(library, event.id) == index
    assert find_event(library, event.when.upper()) == index
    reply = render_timeline(library, viewer=Viewer(USER), focus=index)
    marked = [f.name for f in reply.embeds[0].fields if f.name.startswith("▶ ")]
    assert marked == [f"▶ {event.when}"]
    assert render_jump(library, event_target(event.id), Viewer(USER)) == reply


def test_timeline_footer_cites_each_section(library: Library) -> None:
    reply = render_timeline(library, 0, viewer=Viewer(USER))
    assert reply.embeds[0].footer == "Source: NATO's involvement in Iraq › Historical context ¶1–2"


def test_unknown_era_is_not_found(library: Library) -> None:
    assert find_event(library, "the year 3000") is None
    assert find_event(library, "") is None


def test_contents_lists_every_command_with_parts_indented(library: Library) -> None:
    others = [("timeline", "What happened when"), ("help", "How to ask")]
    reply = render_contents(library, viewer=Viewer(USER), others=others)
    assert_fits(reply)
    assert len(reply.embeds) == 1 and not reply.buttons()
    fields = reply.embeds[0].fields
    assert [f.name.split(" — ")[0] for f in fields[:-1]] == [f"/{t.command}" for t in library.commands]
    achievements = next(f for f in fields if f.name.startswith("/achievements"))
    assert "↳ `/achievements area:regional stability`" in achievements.value
    assert fields[-1].value.splitlines() == ["`/timeline` — What happened when", "`/help` — How to ask"]


def test_help_is_private_and_has_examples(library: Library) -> None:
    reply = render_help(library)
    assert_fits(reply)
    assert reply.ephemeral
    text = " ".join(f.value for f in reply.embeds[0].fields)
    assert "`/overview`" in text and "`/overview part:Introduction`" in text
    assert "`/timeline era:the end of the Cold War`" in text and "private:True" in text


def test_about_counts_the_pack(library: Library) -> None:
    reply = render_about(library)
    assert_fits(reply)
    embed = reply.embeds[0]
    assert embed.title == library.pack.title
    values = {f.name: f.value for f in embed.fields}
    assert values["Source document"] == library.pack.source_title
    assert values["Pack version"] == library.pack.version
    points = sum(len(t.points) for t in library.topics)
    assert values["Contents"] == (
        f"{len(library.topics)} topics ({len(library.commands)} commands) · {points} key points · "
        f"{len(library.quoted_paragraphs)} of {library.source.paragraph_count} paragraphs quoted · "
        f"{len(library.timeline)} timeline events"
    )


def test_render_key_resolves_and_reports_stale(library: Library) -> None:
    viewer = Viewer(USER)
    assert render_key(library, "history", 0, viewer) == render_topic(library, library.by_id["history"], viewer=viewer)
    assert render_key(library, TIMELINE, 1, viewer) == render_timeline(library, 1, viewer=viewer)
    assert render_key(library, CONTENTS, 0, viewer) == render_contents(library, viewer=viewer)
    assert render_key(library, "no-such-topic", 0, viewer) is None
    assert render_jump(library, "@no-such-event", viewer) is None
    # A page past the end (the pack shrank since) shows the last page rather than failing.
    assert render_key(library, "history", 99, viewer) == render_topic(library, library.by_id["history"], viewer=viewer)


def test_notice_is_short_private_text() -> None:
    reply = render_notice("x" * 5000)
    assert reply.ephemeral and reply.content is not None and len(reply.content) <= limits.CONTENT
    assert_fits(reply)


def test_long_ids_are_hashed_stably() -> None:
    long_id = "a" * 80
    assert key_of(long_id) == key_of(long_id) and key_of(long_id).startswith("~") and len(key_of(long_id)) == 17
    assert key_of("history") == "history"
    assert key_of("Upper") != "Upper"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("the quick brown fox", 12, "the quick…"),
        ("the quick brown fox", 10, "the quick…"),
        ("abcdefghijklmnop", 8, "abcdefg…"),
        ("  padded  ", 6, "padded"),
        ("anything", 1, "…"),
        ("anything", 0, ""),
    ],
)
def test_clip_cuts_at_word_boundaries(text: str, limit: int, expected: str) -> None:
    assert clip(text, limit) == expected


def test_paragraph_ranges() -> None:
    assert paragraph_ranges([3, 1, 2, 2, 5, 7, 8]) == "¶1–3, 5, 7–8"
    assert paragraph_ranges([4]) == "¶4"
    assert paragraph_ranges([]) == ""
