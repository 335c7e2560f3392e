"""Search relevance and behaviour on the shipped pack: queries worded the way the document words things."""

from __future__ import annotations

import pytest

from bot.content import Library
from bot.search import Hit, Kind, SearchIndex, query_terms


def targets(hits: list[Hit]) -> list[str]:
    return [h.target for h in hits]


# (query, the topic or event id expected, within how many of the first hits)
RELEVANCE = [
    # The document's own words
    ("insurgency", "challenges", 1),
    ("persistent insurgency", "challenges", 1),
    ("sectarian violence", "impact", 1),
    ("political reconciliation", "objectives", 1),
    ("public opinion", "challenges", 1),
    ("humanitarian aid", "contributions", 1),
    ("Poland", "contributions", 1),
    ("Canada and Germany", "contributions", 1),
    ("Australia", "coalition", 1),
    ("rule of law", "achievements", 1),
    ("interoperability", "objectives", 1),
    ("Saddam Hussein", "overview", 1),
    ("peacekeeping", "overview", 1),
    ("non-state actors", "future", 1),
    ("territorial integrity", "future", 1),
    ("skepticism", "history", 1),
    ("judicial processes", "achievements", 1),
    ("intelligence sharing", "future", 1),
    ("NTM-I", "training", 3),
    ("NATO Training Mission", "training", 1),
    ("Cold War", "history", 3),
    ("Cold War", "end-of-cold-war", 3),
    ("2003 invasion", "invasion-2003", 3),
    ("late 1990s", "wider-mission", 1),
    ("two decades", "two-decades", 3),
    ("Iraq War", "role", 1),
    # Typos
    ("chalenges", "challenges", 1),
    ("objectivs", "objectives", 1),
    ("achivments", "achievements", 1),
    ("colaboraton", "collaboration", 1),
    ("insurgancy", "challenges", 1),
    ("traning", "training", 1),
    ("unted staes", "united-states", 1),
    ("regional stabilty", "regional-stability", 1),
    # Plurals and other forms of a word
    ("challenge", "challenges", 1),
    ("objective", "objectives", 1),
    ("achievement", "achievements", 1),
    ("partnership", "coalition", 1),
    ("trainings", "training", 1),
    ("contribution", "contributions", 1),
    # Synonyms the pack's aliases give
    ("goals", "objectives", 1),
    ("aims", "objectives", 1),
    ("America", "united-states", 1),
    ("USA", "united-states", 1),
    ("US", "united-states", 1),
    ("what went wrong", "challenges", 1),
    ("problems", "challenges", 1),
    ("obstacles", "challenges", 1),
    ("outlook", "future", 1),
    ("next steps", "future", 1),
    ("background", "history", 1),
    ("origins", "history", 1),
    ("effects", "impact", 1),
    ("legacy", "impact", 1),
    ("lessons", "conclusion", 1),
    ("tl;dr", "conclusion", 1),
    ("successes", "achievements", 1),
    ("terrorism", "regional-stability", 1),
    ("mentoring", "training", 1),
    ("who contributed", "contributions", 1),
    ("teamwork", "collaboration", 1),
    ("intro", "introduction", 1),
]


@pytest.mark.parametrize(("query", "expected", "within"), RELEVANCE, ids=[f"{q}->{e}" for q, e, _ in RELEVANCE])
def test_relevance(index: SearchIndex, query: str, expected: str, within: int) -> None:
    found = targets(index.search(query, 5))
    assert expected in found[:within], f"{query!r}: {found}"


def test_hit_points_at_the_matching_key_point(index: SearchIndex, library: Library) -> None:
    hit = next(h for h in index.search("Poland") if h.point is not None)
    topic = library.topic(hit.topic)
    assert hit.point is not None
    assert "Poland" in topic.points[hit.point].quote
    assert hit.title == topic.points[hit.point].heading


def test_title_or_alias_match_opens_the_topic_at_its_start(index: SearchIndex) -> None:
    hit = index.search("goals")[0]
    assert (hit.kind, hit.target, hit.point) == (Kind.TOPIC, "objectives", None)
    assert "**goals**" in hit.snippet  # the alias that matched is named, in bold


def test_breadcrumb_names_the_parent(index: SearchIndex) -> None:
    hit = index.search("America")[0]
    assert hit.breadcrumb == "Collaboration › The United States"
    assert index.search("insurgency")[0].breadcrumb == "Challenges"


def test_event_hits_point_into_the_timeline(index: SearchIndex, library: Library) -> None:
    hit = next(h for h in index.search("late 1990s") if h.kind is Kind.EVENT)
    event = next(e for e in library.timeline if e.id == hit.target)
    assert hit.topic == event.topic
    assert hit.breadcrumb == "Timeline"


def test_snippet_bolds_the_matched_words(index: SearchIndex) -> None:
    hit = next(h for h in index.search("sectarian violence") if h.point is not None)
    assert "**sectarian violence**" in hit.snippet or "**sectarian**" in hit.snippet


def test_snippet_bolds_the_corrected_word(index: SearchIndex) -> None:
    assert any("**challenges**" in h.snippet.casefold() for h in index.search("chalenges"))


def test_snippets_are_escaped(index: SearchIndex) -> None:
    # "NTM-I" and "self-sufficient" carry markdown characters; only our own ** may be live.
    for hit in index.search("NTM-I") + index.search("self-sufficient"):
        bare = hit.snippet.replace("**", "")
        assert "-" not in bare.replace("\\-", "")
        assert "*" not in bare.replace("\\*", "")


def test_one_topic_does_not_crowd_out_the_others(index: SearchIndex) -> None:
    hits = index.search("challenges", 5)
    topics = [h.topic for h in hits]
    assert len(set(topics)) == len(topics)


def test_limit_is_respected(index: SearchIndex) -> None:
    assert len(index.search("NATO", 3)) == 3
    assert index.search("NATO", 0) == []
    assert len(index.search("NATO", 1000)) <= 25


def test_exact_word_ranks_before_longer_words_it_begins(index: SearchIndex) -> None:
    # "peace" also begins "peacekeeping"; the topic aliased "peace" comes first.
    assert index.search("peace")[0].target == "regional-stability"


def test_phrase_ranks_before_scattered_words(index: SearchIndex) -> None:
    first = index.search("iraq war")[0]
    assert first.target == "role"


def test_nothing_found(index: SearchIndex) -> None:
    assert index.search("zzzzqqqq") == []
    assert index.search("") == []


def test_suggest_corrects_words_and_names_topics(index: SearchIndex) -> None:
    suggestions = index.suggest("chalenges")
    assert suggestions[0].kind is Kind.TERM and suggestions[0].value == "challenges"
    assert any(s.kind is Kind.TOPIC and s.value == "challenges" for s in suggestions)


@pytest.mark.parametrize(
    ("query", "word", "topic"),
    [("colabboratoin", "collaboration", "collaboration"), ("akievments", "achievements", "achievements")],
)
def test_suggest_reaches_past_too_many_typos(index: SearchIndex, query: str, word: str, topic: str) -> None:
    assert index.search(query) == []
    suggestions = index.suggest(query)
    assert (suggestions[0].kind, suggestions[0].value) == (Kind.TERM, word)
    assert (Kind.TOPIC, topic) in [(s.kind, s.value) for s in suggestions]


def test_suggest_never_dead_ends(index: SearchIndex, library: Library) -> None:
    suggestions = index.suggest("zzzzqqqq", 5)
    assert len(suggestions) == 5
    assert all(s.kind is Kind.TOPIC and s.value in library.by_id for s in suggestions)


def test_corrected(index: SearchIndex) -> None:
    assert index.corrected("objectivs of nato") == "objectives of nato"
    assert index.corrected("objectives") is None
    assert index.corrected("trai") is None  # still being typed, not a typo


def test_complete_topics(index: SearchIndex, library: Library) -> None:
    assert index.complete_topics("chal")[0][1] == "challenges"
    assert index.complete_topics("chalenges")[0][1] == "challenges"
    assert index.complete_topics("united st")[0][1] == "united-states"
    name, value = index.complete_topics("goals")[0]
    assert value == "objectives" and "goals" in name
    # Name matches come first, then topics whose text mentions the word.
    assert "impact" in [v for _, v in index.complete_topics("sectarian")]
    assert [v for _, v in index.complete_topics("")] == [t.id for t in library.topics]


def test_complete_topics_shows_the_breadcrumb(index: SearchIndex) -> None:
    name, _ = index.complete_topics("united states")[0]
    assert name.startswith("Collaboration › ")


def test_complete_events(index: SearchIndex, library: Library) -> None:
    assert index.complete_events("2004")[0][1] == "ntm-i-2004"
    assert index.complete_events("cold")[0][1] == "end-of-cold-war"
    assert index.complete_events("invasoin")[0][1] == "invasion-2003"
    assert [v for _, v in index.complete_events("")] == [e.id for e in library.timeline]
    assert all(v in {e.id for e in library.timeline} for _, v in index.complete_events("training"))


def test_complete_search(index: SearchIndex) -> None:
    names = index.complete_search("insur")
    assert names[0][1] == "Challenges Faced by NATO in Iraq"
    assert "Persistent insurgency" in [v for _, v in names]
    # Choosing a suggestion searches for its text, which finds the entry it named first.
    for _, value in names:
        assert index.search(value), value


def test_complete_search_empty_offers_starting_points(index: SearchIndex, library: Library) -> None:
    values = [v for _, v in index.complete_search("   ")]
    assert values[: len(library.topics)] == [t.title for t in library.topics]
    assert len(values) <= 25


def test_query_terms() -> None:
    assert query_terms('"NTM-I" AND (x*) NEAR/3 y:z ^w') == ["ntm", "i", "and", "x", "near", "3", "y", "z", "w"]
    assert query_terms("Naïve café") == ["naive", "cafe"]
    assert query_terms("snake_case") == ["snake", "case"]
    assert query_terms(" \t\n") == []
