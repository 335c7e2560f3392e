"""Search never raises and autocomplete answers always fit Discord, whatever a user types."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import limits
from bot.content import Library
from bot.render import Viewer
from bot.render.search import render_answer
from bot.search import SearchIndex
from bot.text import escape_markdown

NASTY = [
    "",
    " ",
    "\t\n\r ",
    '"',
    '""',
    '"unclosed',
    "*",
    "insur*",
    "^",
    "^insurgency",
    ":",
    "title:insurgency",
    "body : training",
    "-",
    "-training",
    "NTM-I",
    "AND",
    "OR",
    "NOT",
    "training AND",
    "OR training",
    "NOT training",
    "training NOT challenges",
    "NEAR",
    "NEAR(training challenges, 3)",
    "NEAR/3",
    "(",
    ")",
    "((training)",
    "{title body}: x",
    "+",
    "a + b",
    "'; DROP TABLE docs; --",
    "docs MATCH 'x'",
    "\x00",
    "training\x00insurgency",
    "\ud800",
    "lone \udfff surrogate",
    "🙂",
    "🙂 training 🇮🇶",
    "‏שלום עולם‎",
    "العراق الناتو",
    "\u202etraining",
    "ｔｒａｉｎｉｎｇ",
    "Naïve café",
    "ß" * 50,
    "@everyone",
    "<@123456789012345678>",
    "**bold** _it_ `code` ||spoiler|| [link](https://example.com)",
    "a" * 6000,
    "training " * 700,
    "x " * 3000,
    "é" * 6000,
    "\U0010ffff" * 100,
    "\u0301\u0301\u0301",
    "0" * 300,
    "1e309",
    "NULL",
]


def _methods(index: SearchIndex) -> dict[str, Callable[[str], list[object]]]:
    return {
        "search": index.search,
        "answer": lambda query: [*index.answer(query).hits, *index.answer(query).missing],
        "complete_topics": index.complete_topics,  # type: ignore[dict-item]
        "complete_events": index.complete_events,  # type: ignore[dict-item]
        "complete_search": index.complete_search,  # type: ignore[dict-item]
    }


def assert_valid_choices(choices: list[tuple[str, str]]) -> None:
    assert len(choices) <= limits.AUTOCOMPLETE_CHOICES
    for name, value in choices:
        assert 1 <= len(name) <= limits.CHOICE_NAME, name
        assert 1 <= len(value) <= limits.CHOICE_VALUE, value
        # Discord rejects what cannot be encoded, and a name is shown to people as one line.
        name.encode("utf-8")
        value.encode("utf-8")
        assert "\n" not in name


@pytest.mark.parametrize("query", NASTY, ids=[repr(q[:20]) + f"[{len(q)}]" for q in NASTY])
@pytest.mark.parametrize("method", ["search", "answer", "complete_topics", "complete_events", "complete_search"])
def test_nasty_input_never_raises(index: SearchIndex, method: str, query: str) -> None:
    result = _methods(index)[method](query)
    assert isinstance(result, list)
    if method.startswith("complete_"):
        assert_valid_choices(result)  # type: ignore[arg-type]


@pytest.mark.parametrize("query", NASTY, ids=[repr(q[:20]) + f"[{len(q)}]" for q in NASTY])
def test_nasty_input_gives_safe_snippets(index: SearchIndex, query: str) -> None:
    for hit in index.search(query):
        hit.snippet.encode("utf-8")
        assert "<@" not in hit.snippet and "@everyone" not in hit.snippet


def test_fts_syntax_is_taken_literally(index: SearchIndex) -> None:
    # As FTS5 syntax these would exclude, column-filter or group; as words they find what they say.
    assert index.search("NOT training")[0].target == index.search("not training")[0].target
    assert [h.target for h in index.search('"insurgency"')] == [h.target for h in index.search("insurgency")]
    assert [h.target for h in index.search("title:insurgency")] == [h.target for h in index.search("title insurgency")]


def test_nasty_input_is_answered_with_somewhere_to_go(index: SearchIndex, library: Library) -> None:
    # Whatever comes back, the reply has a button: a result to open, or what the document covers.
    for query in NASTY:
        reply = render_answer(library, index.answer(query), viewer=Viewer(1))
        assert reply.rows and reply.rows[0].items, repr(query)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=300))
def test_autocomplete_is_always_valid(index: SearchIndex, query: str) -> None:
    for complete in (index.complete_search, index.complete_topics, index.complete_events):
        assert_valid_choices(complete(query))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    query=st.lists(
        st.sampled_from(
            ["training", "insurgency", "AND", "OR", "NOT", "NEAR", '"', "*", "(", ")", "-", ":", "^", "chal", "🙂"]
        ),
        max_size=12,
    ).map(" ".join)
)
def test_operator_soup_never_raises(index: SearchIndex, query: str) -> None:
    for method in _methods(index).values():
        method(query)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_search_hits_are_well_formed(index: SearchIndex, library: Library, query: str) -> None:
    for hit in index.search(query):
        topic = library.by_id[hit.topic]
        assert hit.point is None or 0 <= hit.point < len(topic.points)
        assert hit.snippet and hit.title and hit.breadcrumb


LIVE_MARKDOWN = re.compile(r"(?<!\\)[*_~`|>\[\]<]")


@given(text=st.text(max_size=200))
def test_escape_markdown_leaves_nothing_live(text: str) -> None:
    escaped = escape_markdown(text)
    escaped.encode("utf-8")
    assert not LIVE_MARKDOWN.search(escaped.replace("\\\\", ""))
    assert "@everyone" not in escaped and "@here" not in escaped


def test_an_empty_library_answers_nothing_without_failing(library: Library) -> None:
    empty = SearchIndex(Library(pack=library.pack, source=library.source, topics=(), timeline=()))
    for name, method in _methods(empty).items():
        for query in ("", "training", "chal", '"'):
            # With nothing in the pack, every meaningful word is one it does not mention.
            assert method(query) == ([] if name != "answer" or query in ("", '"') else [query]), (name, query)
