"""Search answers as Discord messages: within every limit, escaped, and with buttons that open the right page."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import limits
from bot.content import Library
from bot.render import Reply, Viewer, key_of
from bot.render.ids import PAGE_TEMPLATE, TIMELINE
from bot.render.search import SEARCH_TEMPLATE, hit_page, render_results, render_suggestions, search_id, shown_query
from bot.render.timeline import event_page
from bot.render.topic import point_page, topic_page_count
from bot.search import Hit, Kind, SearchIndex
from bot.simulator.errors import FormErrors
from bot.simulator.validation import validate_message

# The longest user id Discord can hand out, so every custom_id is measured at its worst.
USER = 10**19 + 12345
VIEWERS = [Viewer(USER, False), Viewer(USER, True), Viewer(1, False)]


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
        assert re.fullmatch(PAGE_TEMPLATE, custom_id) or re.fullmatch(SEARCH_TEMPLATE, custom_id), custom_id
    return payload


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("query", ["insurgency", "NATO", "training", "late 1990s", "goals", "two decades"])
def test_results_are_valid_messages(index: SearchIndex, library: Library, viewer: Viewer, query: str) -> None:
    hits = index.search(query)
    answer = render_results(library, query, hits, viewer=viewer)
    payload = check(answer)
    assert answer.ephemeral is viewer.private
    embed = payload["embeds"][0]
    assert len(embed["fields"]) == len(hits)
    assert query.casefold() in embed["title"].casefold()
    for field, hit in zip(embed["fields"], hits, strict=True):
        assert field["value"] == hit.snippet


def test_result_fields_carry_breadcrumb_and_bold_words(index: SearchIndex, library: Library) -> None:
    payload = check(render_results(library, "America", index.search("America"), viewer=VIEWERS[0]))
    first = payload["embeds"][0]["fields"][0]
    assert first["name"].startswith("1\\. Collaboration › The United States")
    assert "**America**" in first["value"]


def test_results_say_which_words_were_searched_for(index: SearchIndex, library: Library) -> None:
    corrected = index.corrected("objectivs")
    payload = check(
        render_results(library, "objectivs", index.search("objectivs"), viewer=VIEWERS[0], corrected=corrected)
    )
    assert payload["embeds"][0]["description"].startswith("Showing matches for “objectives”")


def test_open_buttons_use_the_page_scheme(index: SearchIndex, library: Library) -> None:
    hits = index.search("insurgency")
    answer = render_results(library, "insurgency", hits, viewer=VIEWERS[0])
    first = re.fullmatch(PAGE_TEMPLATE, answer.buttons()[0].custom_id)
    assert first is not None
    assert first["key"] == key_of(hits[0].topic)
    assert int(first["user"]) == USER and first["private"] == "0"


def test_event_opens_the_timeline_at_its_page(index: SearchIndex, library: Library) -> None:
    hit = next(h for h in index.search("two decades") if h.kind is Kind.EVENT)
    # The whole timeline is one page.
    assert hit_page(library, hit) == (TIMELINE, 0)


def test_every_event_maps_to_the_page_the_timeline_shows_it_on(library: Library) -> None:
    for position, event in enumerate(library.timeline):
        hit = Hit(Kind.EVENT, event.id, event.topic, None, "Timeline", event.title, "…", 1.0)
        assert hit_page(library, hit) == (TIMELINE, event_page(library, position))


def test_point_opens_its_topic_at_the_page_that_shows_it(library: Library) -> None:
    # A topic with many points spans several pages; a match in a late point must open a late page.
    topic = library.topic("challenges")
    # Each filler says something of its own, so none is folded away as a repeat.
    filler = [
        dataclasses.replace(topic.points[0], heading=f"Filler {n}", text=" ".join(f"w{n}x{k}" for k in range(30)) + ".")
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


def test_hits_on_one_page_each_get_a_distinct_button(index: SearchIndex, library: Library) -> None:
    hits = index.search("insurgency")
    pages = [hit_page(library, h) for h in hits]
    assert len(set(pages)) < len(pages)  # "Challenges" and its "Persistent insurgency" share page 0
    answer = render_results(library, "insurgency", hits, viewer=VIEWERS[0])
    assert [b.label.split(".")[0] for b in answer.buttons()] == [str(n) for n in range(1, len(hits) + 1)]
    for button, page in zip(answer.buttons(), pages, strict=True):
        match = re.fullmatch(PAGE_TEMPLATE, button.custom_id)
        assert match is not None and page == (match["key"], int(match["page"]))


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("query", ["chalenges", "zzzzqqqq", "", "   ", "objectivs of nato"])
def test_suggestions_are_valid_messages(index: SearchIndex, library: Library, viewer: Viewer, query: str) -> None:
    answer = render_suggestions(library, query, index.suggest(query), viewer=viewer)
    payload = check(answer)
    assert answer.buttons(), "a search with no hit must never dead-end"
    assert payload["embeds"][0]["description"]


def test_corrected_words_search_again(index: SearchIndex, library: Library) -> None:
    answer = render_suggestions(library, "chalenges", index.suggest("chalenges"), viewer=VIEWERS[1])
    match = re.fullmatch(SEARCH_TEMPLATE, answer.buttons()[0].custom_id)
    assert match is not None
    assert match["query"] == "challenges" and match["private"] == "1"
    assert index.search(match["query"])[0].target == "challenges"


def test_suggested_topics_open_at_their_first_page(index: SearchIndex, library: Library) -> None:
    answer = render_suggestions(library, "zzzzqqqq", index.suggest("zzzzqqqq"), viewer=VIEWERS[0])
    for button in answer.buttons():
        match = re.fullmatch(PAGE_TEMPLATE, button.custom_id)
        assert match is not None and match["page"] == "0"


def test_search_id_keeps_whole_words_within_the_limit() -> None:
    custom_id = search_id("word " * 100, Viewer(USER, True))
    assert custom_id is not None and len(custom_id) <= limits.CUSTOM_ID
    match = re.fullmatch(SEARCH_TEMPLATE, custom_id)
    assert match is not None and set(match["query"].split()) == {"word"}
    assert search_id("🙂 ** ::", VIEWERS[0]) is None


@pytest.mark.parametrize(
    "query", ["**bold** @everyone", "<@123> [x](https://e.com)", "a" * 6000, "\u202e\x00\ud800", "`code`|"]
)
def test_the_query_is_shown_inert(library: Library, query: str) -> None:
    shown = shown_query(query)
    assert len(shown) <= 110
    # What is left of a mention or a link is escaped, so Discord shows it as typed.
    assert "@everyone" not in shown and not re.search(r"(?<!\\)<@|(?<!\\)\]\(", shown)
    assert "\u202e" not in shown and "\x00" not in shown
    check(render_results(library, query, [], viewer=VIEWERS[0]))
    check(render_suggestions(library, query, [], viewer=VIEWERS[0]))


def test_a_hit_for_a_vanished_topic_gets_no_button(library: Library) -> None:
    ghost = Hit(Kind.TOPIC, "gone", "gone", None, "Gone", "Gone", "snippet", 1.0)
    answer = render_results(library, "gone", [ghost], viewer=VIEWERS[0])
    check(answer)
    assert answer.buttons() == ()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=120), private=st.booleans())
def test_any_query_renders_a_valid_answer(index: SearchIndex, library: Library, query: str, private: bool) -> None:
    viewer = Viewer(USER, private)
    hits = index.search(query)
    if hits:
        check(render_results(library, query, hits, viewer=viewer))
    else:
        check(render_suggestions(library, query, index.suggest(query), viewer=viewer))
