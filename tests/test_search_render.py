"""Search answers as Discord messages: within every limit, escaped, the answer first, honest when the document
is silent, and with buttons that land on the point and lead back."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import limits
from bot.content import Library
from bot.render import CONTENTS, Reply, Viewer, key_of
from bot.render.ids import PAGE_TEMPLATE, POSITION_TEMPLATE, TIMELINE
from bot.render.pages import MARK
from bot.render.search import (
    BACK_LABEL,
    HIT_TEMPLATE,
    SEARCH_TEMPLATE,
    hit_id,
    hit_page,
    render_answer,
    render_hit,
    render_pick,
    search_id,
    shown_query,
)
from bot.render.timeline import event_page
from bot.render.topic import point_page, topic_page_count
from bot.search import STOPWORDS, Answer, Hit, Kind, SearchIndex
from bot.simulator.errors import FormErrors
from bot.simulator.validation import validate_message

# The longest user id Discord can hand out, so every custom_id is measured at its worst.
USER = 10**19 + 12345
VIEWERS = [Viewer(USER, False), Viewer(USER, True), Viewer(1, False)]
TEMPLATES = (PAGE_TEMPLATE, POSITION_TEMPLATE, SEARCH_TEMPLATE, HIT_TEMPLATE)
QUERIES = [
    "insurgency",
    "who trained the iraqi army",
    "when was ntm-i established",
    "did France take part",
    "pizza recipe",
    "colation partners",
    "the and was",
    "",
    "late 1990s",
    "two decades",
]


def check(answer: Reply) -> dict[str, Any]:
    """The payload, after asserting Discord would take it and that its buttons are distinct and known."""
    payload = answer.payload()
    errors = FormErrors()
    validate_message(payload, errors)
    assert not errors, errors.nested()
    ids = [b.custom_id for b in answer.buttons()]
    assert len(ids) == len(set(ids))
    for custom_id in ids:
        assert len(custom_id) <= limits.CUSTOM_ID
        assert any(re.fullmatch(t, custom_id) for t in TEMPLATES), custom_id
    return payload


def shown_text(payload: dict[str, Any]) -> str:
    embed = payload["embeds"][0]
    return "\n".join([embed.get("description", ""), *(f["name"] + "\n" + f["value"] for f in embed.get("fields", ()))])


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("query", QUERIES)
def test_answers_are_valid_messages(index: SearchIndex, library: Library, viewer: Viewer, query: str) -> None:
    answer = render_answer(library, index.answer(query), viewer=viewer)
    check(answer)
    assert answer.ephemeral is viewer.private
    assert answer.buttons(), "an answer never dead-ends"


def test_the_answer_comes_first(index: SearchIndex, library: Library) -> None:
    answer = index.answer("when was ntm-i established")
    best = answer.hits[0]
    description = check(render_answer(library, answer, viewer=VIEWERS[0]))["embeds"][0]["description"]
    lines = description.splitlines()
    # The heading, then the document's sentence verbatim (markdown aside), then where it is and how to open it.
    assert lines[1].startswith("> ") and "in 2004" in lines[1]
    quote = library.topic(best.topic).points[best.point].quote
    assert lines[1][2:].replace("**", "").replace("\\", "") in quote
    assert lines[2] == "— Overview ¶2 · `/overview`"


def test_other_hits_name_their_section_paragraph_and_command(index: SearchIndex, library: Library) -> None:
    answer = index.answer("coalition partners")
    assert len(answer.hits) > 1
    payload = check(render_answer(library, answer, viewer=VIEWERS[0]))
    for field, hit in zip(payload["embeds"][0]["fields"], answer.hits[1:], strict=True):
        assert f"¶{hit.paragraph}" in field["value"] and "`/" in field["value"]


def test_the_document_s_silence_comes_first_naming_the_words(index: SearchIndex, library: Library) -> None:
    payload = check(render_answer(library, index.answer("did France take part"), viewer=VIEWERS[0]))
    description = payload["embeds"][0]["description"]
    assert description.splitlines()[0] == "The document does not mention “France”."
    assert "Closest in the document" in description
    two = check(render_answer(library, index.answer("pizza recipe"), viewer=VIEWERS[0]))
    assert two["embeds"][0]["description"].startswith("The document does not mention “pizza” or “recipe”.")


def test_with_nothing_close_the_reply_offers_the_topics(index: SearchIndex, library: Library) -> None:
    answer = render_answer(library, index.answer("pizza recipe"), viewer=VIEWERS[0])
    (button,) = answer.buttons()
    match = re.fullmatch(PAGE_TEMPLATE, button.custom_id)
    assert match is not None and match["key"] == CONTENTS


def test_a_corrected_word_is_said(index: SearchIndex, library: Library) -> None:
    payload = check(render_answer(library, index.answer("colation partners"), viewer=VIEWERS[0]))
    assert "Read “colation” as “coalition”." in payload["embeds"][0]["description"]


@pytest.mark.parametrize(
    "query", ["what was the role of the united states", "why did nato go", "and the insurgency was"]
)
def test_no_stop_word_is_highlighted(index: SearchIndex, library: Library, query: str) -> None:
    text = shown_text(check(render_answer(library, index.answer(query), viewer=VIEWERS[0])))
    # The document's sentences are quoted ("> "); the bold in them is what matched.
    quoted = "\n".join(line for line in text.splitlines() if line.startswith("> "))
    bold = {w.casefold() for run in re.findall(r"\*\*(.+?)\*\*", quoted) for w in re.findall(r"\w+", run)}
    assert quoted
    assert not bold & STOPWORDS, bold


@pytest.mark.parametrize("query", ["insurgency", "what did canada do", "late 1990s", "two decades"])
def test_a_result_opens_on_its_point_marked_with_a_way_back(index: SearchIndex, library: Library, query: str) -> None:
    answer = index.answer(query)
    reply = render_answer(library, answer, viewer=VIEWERS[0])
    for hit, button in zip(answer.hits, reply.buttons(), strict=True):
        match = re.fullmatch(HIT_TEMPLATE, button.custom_id)
        assert match is not None and int(match["user"]) == USER
        point = None if match["point"] == "-" else int(match["point"])
        opened = render_hit(library, match["key"], point, VIEWERS[0], match["query"])
        assert opened is not None
        payload = check(opened)
        # Points and moments are lines of the answer; the one the result names carries the mark.
        lines = payload["embeds"][0]["description"].splitlines()
        marked = [line for line in lines if line.startswith(MARK)]
        # A timeline entry is named by its moment.
        title = hit.title if hit.kind is Kind.TOPIC else next(e.when for e in library.timeline if e.id == hit.target)
        assert len(marked) == 1 and title in marked[0]
        back = opened.buttons()[-1]
        assert back.label == BACK_LABEL
        again = re.fullmatch(SEARCH_TEMPLATE, back.custom_id)
        assert again is not None and again["query"] == " ".join(re.findall(r"\w+", query))


def test_a_long_query_is_clipped_to_whole_words_in_the_button(index: SearchIndex, library: Library) -> None:
    query = "which of the nato member states trained the security forces of iraq " * 3
    hit = index.answer(query).hits[0]
    custom_id = hit_id(hit, query, Viewer(USER, True))
    match = re.fullmatch(HIT_TEMPLATE, custom_id)
    assert match is not None and len(custom_id) <= limits.CUSTOM_ID
    assert query.startswith(match["query"])


def test_a_pick_opens_its_point(library: Library) -> None:
    opened = render_pick(library, Kind.TOPIC, "challenges", 3, VIEWERS[0])
    assert opened is not None
    lines = check(opened)["embeds"][0]["description"].splitlines()
    assert [line.split(" — ")[0] for line in lines if line.startswith(MARK)] == [
        f"{MARK}**Public opinion and suspicion**"
    ]
    assert render_pick(library, Kind.TOPIC, "gone", 0, VIEWERS[0]) is None
    assert render_pick(library, Kind.EVENT, "ntm-i-2004", None, VIEWERS[0]) is not None


def test_event_opens_the_timeline_at_its_page(index: SearchIndex, library: Library) -> None:
    hit = next(h for h in index.search("two decades") if h.kind is Kind.EVENT)
    # The whole timeline is one page.
    assert hit_page(library, hit) == (TIMELINE, 0)


def test_every_event_maps_to_the_page_the_timeline_shows_it_on(library: Library) -> None:
    for position, event in enumerate(library.timeline):
        hit = Hit(Kind.EVENT, event.id, event.topic, None, "Timeline", event.title, "…", 1.0)
        assert hit_page(library, hit) == (TIMELINE, event_page(library, position))


def test_search_id_keeps_whole_words_within_the_limit() -> None:
    custom_id = search_id("word " * 100, Viewer(USER, True))
    assert custom_id is not None and len(custom_id) <= limits.CUSTOM_ID
    match = re.fullmatch(SEARCH_TEMPLATE, custom_id)
    assert match is not None and set(match["query"].split()) == {"word"}
    assert search_id("🙂 ** ::", VIEWERS[0]) is None


def test_point_opens_its_topic_at_the_page_that_shows_it(library: Library) -> None:
    # A topic with many points spans several pages; a match in a late point must open a late page, marked.
    topic = library.topic("challenges")
    # Each filler says something of its own, so none is folded away as a repeat.
    filler = [
        dataclasses.replace(
            topic.points[0], heading=f"Filler {n}", asks=(), text=" ".join(f"w{n}x{k}" for k in range(30)) + "."
        )
        for n in range(14)
    ]
    long_topic = dataclasses.replace(topic, points=(*filler, *topic.points))
    topics = tuple(long_topic if t.id == topic.id else t for t in library.topics)
    big = Library(pack=library.pack, source=library.source, topics=topics, timeline=library.timeline)
    assert topic_page_count(big, long_topic) > 1
    hit = next(h for h in SearchIndex(big).search("public opinion suspicion") if h.topic == topic.id)
    assert hit.point is not None and hit.point >= 14
    key, page = hit_page(big, hit) or ("", -1)
    assert key == key_of(topic.id)
    assert page == point_page(big, long_topic, hit.point) > 0
    opened = render_hit(big, key, hit.point, VIEWERS[0], "public opinion")
    assert opened is not None
    description = check(opened)["embeds"][0]["description"]
    assert MARK + "**Public opinion and suspicion**" in description


@pytest.mark.parametrize(
    "query", ["**bold** @everyone", "<@123> [x](https://e.com)", "a" * 6000, "\u202e\x00\ud800", "`code`|"]
)
def test_the_query_is_shown_inert(library: Library, query: str) -> None:
    shown = shown_query(query)
    assert len(shown) <= 110
    # What is left of a mention or a link is escaped, so Discord shows it as typed.
    assert "@everyone" not in shown and not re.search(r"(?<!\\)<@|(?<!\\)\]\(", shown)
    assert "\u202e" not in shown and "\x00" not in shown
    check(render_answer(library, Answer(query), viewer=VIEWERS[0]))
    check(render_answer(library, Answer(query, missing=("x",)), viewer=VIEWERS[0]))


def test_a_hit_for_a_vanished_topic_gets_no_button(library: Library) -> None:
    ghost = Hit(Kind.TOPIC, "gone", "gone", None, "Gone", "Gone", "snippet", 1.0)
    answer = render_answer(library, Answer("gone", (ghost,)), viewer=VIEWERS[0])
    check(answer)
    assert answer.buttons() == ()
    assert render_hit(library, "gone", 0, VIEWERS[0], "gone") is None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=120), private=st.booleans())
def test_any_query_renders_a_valid_answer(index: SearchIndex, library: Library, query: str, private: bool) -> None:
    check(render_answer(library, index.answer(query), viewer=Viewer(USER, private)))
