"""Search relevance and behaviour on the shipped pack: queries worded the way the document words things."""

from __future__ import annotations

import re

import pytest

from bot.content import Library
from bot.search import STOPWORDS, Hit, Kind, SearchIndex, is_english, pick_value, query_terms, read_pick


def targets(hits: list[Hit]) -> list[str]:
    return [h.target for h in hits]


def places(hits: list[Hit]) -> list[set[str]]:
    """What each hit stands for: its target and its topic (an event also stands for its topic's paragraph)."""
    return [{h.target, h.topic} for h in hits]


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
    ("2003 invasion", "history", 1),
    ("late 1990s", "wider-mission", 1),
    ("two decades", "two-decades", 3),
    ("Iraq War", "role", 3),
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
    found = places(index.search(query, 5))
    assert any(expected in place for place in found[:within]), f"{query!r}: {found}"


def test_hit_points_at_the_matching_key_point(index: SearchIndex, library: Library) -> None:
    hit = next(h for h in index.search("Poland") if h.point is not None)
    topic = library.topic(hit.topic)
    assert hit.point is not None
    assert "Poland" in topic.points[hit.point].quote
    assert hit.title == topic.points[hit.point].heading


def test_title_or_alias_match_lands_on_a_point_of_the_topic(index: SearchIndex) -> None:
    hit = index.search("goals")[0]
    assert (hit.kind, hit.target) == (Kind.TOPIC, "objectives")
    assert hit.point is not None and hit.paragraph is not None


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


def test_only_hits_near_the_best_are_listed(index: SearchIndex) -> None:
    hits = index.search("what problems did nato face", 5)
    assert hits and all(h.topic == "challenges" for h in hits)
    assert all(h.score >= hits[0].score * 0.7 for h in hits)


def test_limit_is_respected(index: SearchIndex) -> None:
    assert 1 <= len(index.search("NATO training", 3)) <= 3
    assert index.search("NATO", 0) == []
    assert len(index.search("NATO", 1000)) <= 25


def test_exact_word_ranks_before_longer_words_it_begins(index: SearchIndex) -> None:
    # "peace" also begins "peacekeeping"; the topic aliased "peace" comes first.
    assert index.search("peace")[0].target == "regional-stability"


def test_phrase_ranks_before_scattered_words(index: SearchIndex) -> None:
    # "public" and "opinion" side by side beat a row holding either word alone.
    first = index.search("opinion public suspicion")[0]
    assert (first.topic, first.point) == ("challenges", 3)
    # The words as a phrase in a title: "The Role of NATO in the Iraq War".
    assert index.search("iraq war")[0].topic == "role"


def test_when_questions_prefer_the_document_s_time_words(index: SearchIndex) -> None:
    # Two points say NTM-I was established; only one says when ("in 2004").
    first = index.search("when was ntm-i established")[0]
    assert "2004" in first.snippet and first.paragraph == 2


def test_nothing_found(index: SearchIndex) -> None:
    assert index.search("zzzzqqqq") == []
    assert index.search("") == []


@pytest.mark.parametrize(
    ("query", "missing"),
    [
        ("did france take part", ("france",)),
        ("pizza recipe", ("pizza", "recipe")),
        ("how did iran get involved", ("iran",)),
        ("how much did ntm-i cost", ("cost",)),
        ("zzzzqqqq", ("zzzzqqqq",)),
    ],
)
def test_a_real_word_the_document_lacks_is_named_never_replaced(
    index: SearchIndex, query: str, missing: tuple[str, ...]
) -> None:
    answer = index.answer(query)
    assert answer.missing == missing
    assert answer.corrections == ()
    assert not answer.answered


@pytest.mark.parametrize(
    ("query", "typed", "read"),
    [("colation partners", "colation", "coalition"), ("humanitarin aid", "humanitarin", "humanitarian")],
)
def test_typos_of_the_pack_s_words_are_corrected_and_said(
    index: SearchIndex, query: str, typed: str, read: str
) -> None:
    answer = index.answer(query)
    assert answer.corrections == ((typed, read),)
    assert answer.answered and answer.missing == ()


def test_no_correction_replaces_an_absent_word_by_a_real_english_word(index: SearchIndex, library: Library) -> None:
    # Every word of every quote is in the vocabulary; take real English words one edit from it.
    for typed in ("glance", "france", "iran", "pizza", "regime", "post", "such", "part"):
        for original, used in index.answer(f"what about {typed}").corrections:
            assert not is_english(original), (original, used)


def test_rows_are_worked_out_from_their_rowid_in_document_order(index: SearchIndex, library: Library) -> None:
    # Rows are not stored: each is made from its rowid, so its place must follow the order they were indexed.
    expected: list[tuple[Kind, str, int | None]] = []
    for topic in library.topics:
        expected.append((Kind.TOPIC, topic.id, None))
        expected.extend((Kind.TOPIC, topic.id, i) for i in range(len(topic.points)))
    expected.extend((Kind.EVENT, event.id, None) for event in library.timeline)
    rows = [index._row(rowid) for rowid in range(1, len(expected) + 1)]
    assert [(row.kind, row.target, row.point if row.kind is Kind.TOPIC else None) for row in rows] == expected
    assert index._row_count == len(expected)


def test_the_text_read_back_for_highlighting_is_the_text_indexed(index: SearchIndex) -> None:
    # FTS5 does not store the text: it reads it back from the view `_record` answers, and a highlight is
    # only right if every row reads back exactly as it went in.
    records = list(index._records())
    assert [index._record(rowid) for rowid, *_ in records] == records
    with index._lock:
        read_back = index._db.execute("SELECT rowid, title, body, asks, aliases FROM docs ORDER BY rowid").fetchall()
    assert read_back == records


def test_time_words_read_on_demand_agree_with_the_document(index: SearchIndex, library: Library) -> None:
    from bot.search.query import TIME_WORDS

    expected: list[bool] = []
    for topic in library.topics:
        expected.append(False)
        expected.extend(bool(TIME_WORDS.search(f"{p.heading} {p.quote}")) for p in topic.points)
    expected.extend(True for _event in library.timeline)
    assert [index._is_timed(rowid) for rowid in range(1, len(expected) + 1)] == expected
    assert any(expected) and not all(expected)


def test_the_english_words_read_from_the_file_are_wordfreq_s_own() -> None:
    # The list is read straight from wordfreq's data file, skipping its import: it must be the same set as
    # wordfreq's own reading of that file gives, and wordfreq's API is the fallback should the file move.
    import itertools

    from wordfreq import get_frequency_list

    from bot.search.lexicon import _ENGLISH_BUCKETS, english_words

    buckets = get_frequency_list("en")
    try:
        assert english_words() == frozenset(itertools.chain.from_iterable(buckets[: _ENGLISH_BUCKETS + 1]))
    finally:
        get_frequency_list.cache_clear()
    assert {"glance", "insurgency", "france"} <= english_words()
    assert not {"insurgancy", "goverment"} & english_words()


def test_stop_words_neither_match_nor_highlight(index: SearchIndex) -> None:
    assert index.search("the and was what") == []
    for query in ("what was the role of the united states", "why did nato go", "and the insurgency was"):
        for hit in index.search(query):
            bold = {w.casefold() for w in re.findall(r"\*\*(.+?)\*\*", hit.snippet) for w in w.split()}
            assert not bold & STOPWORDS, (query, hit.snippet)


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


def test_complete_search_offers_picks_that_name_their_point(index: SearchIndex, library: Library) -> None:
    names = index.complete_search("insur")
    assert read_pick(names[0][1]) == (Kind.TOPIC, "challenges", None)
    picks = [read_pick(v) for _, v in names]
    assert (Kind.TOPIC, "challenges", 0) in picks  # "Persistent insurgency"
    for pick in picks:
        assert pick is not None
        kind, item, point = pick
        if kind is Kind.TOPIC:
            assert point is None or 0 <= point < len(library.topic(item).points)
        else:
            assert item in {e.id for e in library.timeline}


def test_a_pick_is_not_a_query() -> None:
    assert read_pick("§topic:challenges#2") == (Kind.TOPIC, "challenges", 2)
    assert read_pick("§event:ntm-i-2004") == (Kind.EVENT, "ntm-i-2004", None)
    for typed in ("challenges", "§", "§topic:", "§topic:Bad Id", "§term:x", "§topic:x#y", "x §topic:challenges"):
        assert read_pick(typed) is None, typed


def test_complete_search_empty_offers_starting_points(index: SearchIndex, library: Library) -> None:
    values = [v for _, v in index.complete_search("   ")]
    assert values[: len(library.topics)] == [pick_value(Kind.TOPIC, t.id) for t in library.topics]
    assert len(values) <= 25


def test_query_terms() -> None:
    assert query_terms('"NTM-I" AND (x*) NEAR/3 y:z ^w') == ["ntm", "i", "and", "x", "near", "3", "y", "z", "w"]
    assert query_terms("Naïve café") == ["naive", "cafe"]
    assert query_terms("snake_case") == ["snake", "case"]
    assert query_terms(" \t\n") == []
