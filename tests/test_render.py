"""Pure rendering of the shipped pack: every page within Discord's limits, citing the right paragraphs."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot import limits
from bot.content import Library, Topic
from bot.render import (
    CONTENTS,
    PICTURE,
    TIMELINE,
    Mentions,
    Reply,
    TimelineImage,
    Viewer,
    command_hint,
    find_event,
    key_of,
    render_about,
    render_contents,
    render_event,
    render_help,
    render_jump,
    render_key,
    render_notice,
    render_picture,
    render_point,
    render_source,
    render_timeline,
    render_topic,
    timeline_pages,
    topic_page_count,
)
from bot.render.ids import JUMP_TEMPLATE, PAGE_TEMPLATE, POSITION_TEMPLATE, event_target, point_target, source_key
from bot.render.source import topic_paragraphs
from bot.render.text import paragraph_ranges
from bot.render.topic import MENU_PLACEHOLDER, point_line, point_sentence, shown_points
from bot.text import clip
from tests.discord_rules import violations

USER = 123456789012345678
IDS = {"search": 11, "timeline": 12, "topics": 13, "about": 14, "help": 15}
OTHERS = [("timeline", "What happened when"), ("search", "Search"), ("topics", "Contents"), ("help", "How to ask")]
TEMPLATES = tuple(re.compile(t) for t in (PAGE_TEMPLATE, POSITION_TEMPLATE, JUMP_TEMPLATE))


def attachment_problems(payload: dict[str, Any]) -> list[str]:
    """What Discord would refuse about a message's files: too many, alt text too long, a picture naming none."""
    out: list[str] = []
    files = payload.get("attachments") or []
    if len(files) > limits.FILES_PER_MESSAGE:
        out.append(f"{len(files)} attachments")
    names = {f.get("filename") for f in files}
    out += [
        f"alt text {len(f['description'])} > 1024"
        for f in files
        if len(f.get("description") or "") > limits.ATTACHMENT_DESCRIPTION
    ]
    for n, embed in enumerate(payload.get("embeds") or []):
        url = (embed.get("image") or {}).get("url")
        if url is not None and not (url.startswith("attachment://") and url[len("attachment://") :] in names):
            out.append(f"embed {n} image {url!r} names no attachment")
    return out


def assert_fits(reply: Reply) -> None:
    problems = violations(reply.payload()) + attachment_problems(reply.payload())
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


def mentions_of(library: Library) -> Mentions:
    return Mentions.of({**{str(t.command): 1000 + n for n, t in enumerate(library.commands)}, **IDS})


def test_every_point_is_listed_once_in_order_with_one_sentence(library: Library) -> None:
    # The shipped pack needs no clipping: each listed point is one line, its heading, one whole sentence (the
    # plain words, never the quote beside them) and its citation.
    for topic in library.topics:
        reply = render_topic(library, topic, viewer=Viewer(USER))
        assert topic_page_count(library, topic) == 1, topic.id
        description = reply.embeds[0].description or ""
        assert "…" not in description and "\n> " not in description
        lines = description.splitlines()
        assert lines[0] == " ".join(topic.summary.split())
        shown = [topic.points[i] for i in shown_points(library, topic)]
        assert lines[1 : 1 + len(shown)] == [point_line(topic, p) for p in shown]
        for line, point in zip(lines[1:], shown, strict=False):
            assert line.startswith(f"**{point.heading}** — {point_sentence(point)} ")
            assert line.endswith(f"¶{point.citation.paragraph}")
            assert point_sentence(point) in " ".join(point.text.split())
        assert not reply.embeds[0].fields


def test_a_point_that_restates_the_summary_is_not_listed_again(library: Library) -> None:
    objectives = library.by_command["objectives"]
    # "In short" says what the summary says: it is folded into it, and its paragraph still cited.
    assert [objectives.points[i].heading for i in shown_points(library, objectives)][-1] != "In short"
    again = dataclasses.replace(objectives, points=(*objectives.points, objectives.points[0]))
    assert shown_points(library, again) == shown_points(library, objectives)


def test_footers_cite_the_paragraphs_each_page_quotes(library: Library) -> None:
    title = library.source.title
    for topic in library.topics:
        reply = render_topic(library, topic, viewer=Viewer(USER))
        cited = [p.citation.paragraph for p in topic.points if p.citation.section in ("", topic.short)]
        assert reply.embeds[0].footer == f"Source: {title} › {topic.short} {paragraph_ranges(cited)}"


def test_objectives_footer_matches_the_example(library: Library) -> None:
    reply = render_topic(library, library.by_command["objectives"], viewer=Viewer(USER))
    assert reply.embeds[0].footer == "Source: NATO’s involvement in Iraq › Objectives ¶1–4"


def test_framing_is_quiet_and_typographic(library: Library) -> None:
    top = render_topic(library, library.by_command["history"], viewer=Viewer(USER)).embeds[0]
    assert top.author is None  # not the bot's name again
    part = render_topic(library, library.by_id["united-states"], viewer=Viewer(USER)).embeds[0]
    assert part.author == "Collaboration"
    for reply in (render_topic(library, t, viewer=Viewer(USER)) for t in library.topics):
        embed = reply.embeds[0]
        assert "'" not in f"{embed.title}{embed.description}{embed.footer}", embed.title


def test_related_and_parts_mention_commands_once_their_ids_are_known(library: Library) -> None:
    collaboration = library.by_command["collaboration"]
    plain = render_topic(library, collaboration, viewer=Viewer(USER)).embeds[0].description or ""
    assert "`/collaboration partner:the United States`" in plain
    assert "**Related:** `/contributions`" in plain
    mentions = mentions_of(library)
    clickable = render_topic(library, collaboration, viewer=Viewer(USER, commands=mentions)).embeds[0].description
    contributions = mentions.get("contributions")
    assert f"</collaboration:{mentions.get('collaboration')}> `partner:the United States`" in (clickable or "")
    assert f"**Related:** </contributions:{contributions}>" in (clickable or "")
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
    assert (embed.description or "").startswith(" ".join(topic.summary.split()))


def test_jump_menu_offers_children_parent_and_related(library: Library) -> None:
    reply = render_topic(library, library.by_id["united-states"], viewer=Viewer(USER))
    (menu,) = reply.selects()
    values = [o.value for o in menu.options if "#" not in o.value]
    assert values[0] == "collaboration"  # the parent first: a child has no children of its own
    assert set(values) == {"collaboration", "coalition", "history"}
    parent = render_topic(library, library.by_command["achievements"], viewer=Viewer(USER))
    (jump,) = parent.selects()
    assert [o.value for o in jump.options if "#" not in o.value][:2] == ["training", "regional-stability"]


def test_custom_ids_follow_the_scheme(library: Library) -> None:
    viewer = Viewer(USER, True)
    replies = [r for _t, _p, r in all_topic_pages(library, viewer)]
    replies += [render_timeline(library, viewer=Viewer(USER))]
    replies.append(render_contents(library, viewer=Viewer(USER)))
    replies += [render_source(library, key_of(t.id), 0, viewer) for t in library.topics]  # type: ignore[misc]
    replies += [render_point(library, t, 0, viewer) for t in library.topics]  # type: ignore[misc]
    replies += [render_event(library, i, viewer) for i in range(len(library.timeline))]  # type: ignore[misc]
    for reply in replies:
        assert reply is not None
        assert_fits(reply)
        for row in reply.rows:
            for item in row.items:
                assert any(t.fullmatch(item.custom_id) for t in TEMPLATES), item.custom_id
                assert len(item.custom_id) <= limits.CUSTOM_ID


def test_every_topic_has_a_source_button_and_a_menu_of_its_points(library: Library) -> None:
    for topic in library.topics:
        reply = render_topic(library, topic, viewer=Viewer(USER))
        (source,) = [b for b in reply.buttons() if b.label.startswith("Source")]
        assert source.custom_id == f"nir:page:{source_key(key_of(topic.id))}:0:{USER}:0:f"
        (menu,) = reply.selects()
        assert menu.placeholder == MENU_PLACEHOLDER
        points = [o.value for o in menu.options if "#" in o.value]
        assert points == [point_target(key_of(topic.id), i) for i in shown_points(library, topic)]


def test_every_paragraph_is_one_tap_from_its_topic(library: Library) -> None:
    # Command (with its option), then Source: the section's first and only source page holds it verbatim.
    reached: set[tuple[int, int]] = set()
    for topic in library.topics:
        page = render_key(library, source_key(key_of(topic.id)), 0, Viewer(USER))
        assert page is not None and not any(b.label == "▶" for b in page.buttons()), topic.id
        shown = "\n".join(f.value for f in page.embeds[0].fields)
        for paragraph in library.source.blocks[topic.block].paragraphs:
            assert paragraph.text in shown
            reached.add((topic.block, paragraph.number))
    assert len(reached) == library.source.paragraph_count == 57


def test_the_source_shows_the_whole_section_verbatim(library: Library) -> None:
    for topic in library.topics:
        fields: list[Any] = []
        page = 0
        while True:
            reply = render_key(library, source_key(key_of(topic.id)), page, Viewer(USER))
            assert reply is not None
            assert_fits(reply)
            fields += reply.embeds[0].fields
            if not any(b.label == "▶" and not b.disabled for b in reply.buttons()):
                break
            page += 1
        shown = "\n".join(f.value for f in fields)
        for block, number in topic_paragraphs(library, topic):
            paragraph = library.source.blocks[block].paragraphs[number - 1]
            assert paragraph.text in shown, (topic.id, number)
        heading = library.source.blocks[topic.block].heading
        assert reply.embeds[0].title == (heading or topic.title)
        assert [b.label for b in reply.buttons()][-1] == f"Back to {topic.short}"


def test_a_point_in_full_has_both_words_and_says_where_else(library: Library) -> None:
    history = library.by_command["history"]
    key = key_of(history.id)
    reply = render_jump(library, point_target(key, 0), Viewer(USER, commands=mentions_of(library)))
    assert reply is not None
    assert_fits(reply)
    embed = reply.embeds[0]
    point = history.points[0]
    assert embed.title == point.heading
    assert " ".join(point.text.split()) in (embed.description or "")
    assert f"> {' '.join(point.quote.split())}\n— ¶1" in (embed.description or "")
    # The timeline quotes the same paragraph.
    assert embed.fields and f"</timeline:{IDS['timeline']}>" in embed.fields[0].value
    assert [b.label for b in reply.buttons()] == ["Back to Historical context", "Source ¶1–3"]
    assert render_jump(library, point_target(key, 99), Viewer(USER)) is None


def test_the_timeline_is_one_page_one_line_per_moment(library: Library) -> None:
    reply = render_timeline(library, viewer=Viewer(USER))
    assert_fits(reply)
    assert len(timeline_pages(library)) == 1
    lines = (reply.embeds[0].description or "").splitlines()[1:]
    assert len(lines) == len(library.timeline)
    for line, event in zip(lines, library.timeline, strict=True):
        assert line.startswith(f"**{event.when}** · {event.title} · ")
        assert line.endswith(f" ¶{event.citation.paragraph}")
    # The list is the answer; its picture is a page of its own, one tap away.
    assert reply.embeds[0].image is None and not reply.files
    assert [b.label for b in reply.buttons()] == ["Source", "Picture"]
    footer = (
        "Source: NATO’s involvement in Iraq › Historical context ¶1–3 · Overview ¶2–3 · Conclusion ¶1 · The future ¶1"
    )
    assert reply.embeds[0].footer == footer
    picture_id = next(b.custom_id for b in reply.buttons() if b.label == "Picture")
    assert picture_id.startswith(f"nir:page:{PICTURE}:0:")
    menu = reply.selects()[0]
    assert [o.value for o in menu.options] == [event_target(e.id) for e in library.timeline]


def test_the_timeline_picture_is_a_page_with_its_words(library: Library) -> None:
    image = TimelineImage("timeline.png", b"png", "alt", 1, 1)
    reply = render_picture(library, Viewer(USER), image)
    assert_fits(reply)
    embed = reply.embeds[0]
    assert embed.image == "attachment://timeline.png"
    assert reply.payload()["attachments"] == [{"id": 0, "filename": "timeline.png", "description": "alt"}]
    assert embed.description == "The 9 moments the document names, in its order."
    assert embed.footer == render_timeline(library, viewer=Viewer(USER)).embeds[0].footer
    assert [b.label for b in reply.buttons()] == ["Back to the list", "Source"]
    # Not drawn (it failed, or took too long): the page says so and points back at the list.
    missing = render_picture(library, Viewer(USER), None)
    assert_fits(missing)
    assert missing.embeds[0].image is None and not missing.files
    assert "could not be drawn" in (missing.embeds[0].description or "")


@pytest.mark.parametrize("index", range(9))
def test_each_moment_opens_in_full(library: Library, index: int) -> None:
    event = library.timeline[index]
    assert find_event(library, event.id) == index
    assert find_event(library, event.when.upper()) == index
    reply = render_event(library, index, Viewer(USER))
    assert reply is not None
    assert_fits(reply)
    embed = reply.embeds[0]
    assert embed.title == event.title and event.when in (embed.author or "")
    assert " ".join(event.quote.split()) in (embed.description or "")
    assert render_jump(library, event_target(event.id), Viewer(USER)) == reply


def test_unknown_era_is_not_found(library: Library) -> None:
    assert find_event(library, "the year 3000") is None
    assert find_event(library, "") is None


def test_contents_is_one_line_per_command_with_parts_nested(library: Library) -> None:
    mentions = mentions_of(library)
    reply = render_contents(library, viewer=Viewer(USER, commands=mentions), others=OTHERS)
    assert_fits(reply)
    assert len(reply.embeds) == 1 and not reply.buttons()
    lines = (reply.embeds[0].description or "").splitlines()[1:]
    tops = [line for line in lines if line.startswith("</") and not line.startswith("↳")]
    assert [line.split(">")[0] + ">" for line in tops] == [
        f"</{t.command}:{mentions.get(str(t.command))}>" for t in library.commands
    ]
    achievements = lines.index(next(line for line in lines if line.startswith("</achievements:")))
    assert lines[achievements + 2] == f"↳ </achievements:{mentions.get('achievements')}> `area:regional stability`"
    assert lines[-1] == "**More:** </timeline:12> · </search:11> · </help:15>"  # not /topics itself
    plain = render_contents(library, viewer=Viewer(USER), others=OTHERS)
    assert "`/objectives` Objectives" in (plain.embeds[0].description or "")


def test_help_leads_with_search(library: Library) -> None:
    reply = render_help(library, others=OTHERS)
    assert_fits(reply)
    assert reply.ephemeral
    fields = reply.embeds[0].fields
    assert fields[0].name == "Ask in your own words" and fields[0].value.startswith("`/search`")
    text = " ".join(f.value for f in fields)
    assert "`/overview` Overview" in text and "`/overview part:Introduction`" in text
    assert "`/timeline era:the end of the Cold War`" in text and "private:True" in text


def test_about_counts_the_pack(library: Library) -> None:
    reply = render_about(library)
    assert_fits(reply)
    embed = reply.embeds[0]
    assert embed.title == library.pack.title
    values = {f.name: f.value for f in embed.fields}
    assert values["Source document"] == library.source.title
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
    assert render_key(library, TIMELINE, 0, viewer) == render_timeline(library, viewer=viewer)
    assert render_key(library, CONTENTS, 0, viewer) == render_contents(library, viewer=viewer)
    assert render_key(library, source_key("history"), 0, viewer) == render_source(library, "history", 0, viewer)
    assert render_key(library, "no-such-topic", 0, viewer) is None
    assert render_key(library, source_key("no-such-topic"), 0, viewer) is None
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
