"""Every command's first answer reads on one phone screen: at most 1,200 characters of reading text (title,
description, field names and values, content; author and footer aside) and no sentence said twice, near-
duplicates included, for the shipped pack and for generated packs."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from hypothesis import HealthCheck, given, settings

from bot.content import Library
from bot.render import Mentions, Reply, Viewer, key_of, render_contents, render_help, render_key, render_timeline
from bot.render.reading import (
    READING_BUDGET,
    near_duplicates,
    reading_chars,
    reading_parts,
    repeats,
    sentence_texts,
    shown,
)
from tests.test_render_property import libraries

OTHERS = [("timeline", "x" * 300), ("search", "Search"), ("topics", "Contents"), ("help", ""), ("about", "About")]


def first_replies(library: Library, viewer: Viewer) -> Iterator[tuple[str, Reply]]:
    """Every command's first answer: each topic command (and each of its parts), /timeline, /topics, /help."""
    for topic in library.by_id.values():
        reply = render_key(library, key_of(topic.id), 0, viewer)
        assert reply is not None
        yield f"/{topic.command or topic.id}", reply
    yield "/timeline", render_timeline(library, viewer=viewer)
    yield "/topics", render_contents(library, viewer=viewer, others=OTHERS)
    yield "/help", render_help(library, mentions=viewer.commands, others=OTHERS)


def assert_reads_on_one_screen(library: Library, viewer: Viewer) -> dict[str, int]:
    measured: dict[str, int] = {}
    for name, reply in first_replies(library, viewer):
        payload = reply.payload()
        measured[name] = reading_chars(payload)
        assert measured[name] <= READING_BUDGET, (name, measured[name], reading_parts(payload))
        assert not repeats(sentence_texts(payload)), (name, repeats(sentence_texts(payload)))
    return measured


def test_the_shipped_packs_first_answers_fit_the_budget(library: Library) -> None:
    ids = Mentions.of({**{str(t.command): 10**18 + n for n, t in enumerate(library.commands)}, "search": 5, "help": 6})
    for viewer in (Viewer(1), Viewer(2**64 - 1, True, ids)):
        measured = assert_reads_on_one_screen(library, viewer)
        assert set(measured) >= {f"/{t.command}" for t in library.commands} | {"/timeline", "/topics", "/help"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(library=libraries())
def test_generated_packs_first_answers_fit_the_budget(library: Library) -> None:
    assert_reads_on_one_screen(library, Viewer(1, False, Mentions.of({"search": 10**19, "command-0": 1})))


def test_what_counts_as_reading_and_as_saying_again() -> None:
    assert shown("**Related:** </history:123> · `/role`") == "Related: /history · /role"
    payload = {"embeds": [{"title": "T", "author": {"name": "A" * 50}, "footer": {"text": "F" * 50}}]}
    assert reading_chars(payload) == 1
    assert near_duplicates(
        "NATO focused on strengthening security capabilities and political reconciliation.",
        "In summary, NATO focused on bolstering security capabilities and political reconciliation.",
    )
    assert not near_duplicates("NATO trained Iraqi forces.", "Coalition partners shared assets and personnel.")
    assert not near_duplicates("— ¶2", "— ¶2")
    assert repeats(["One two three four five.", "One two three four five."])


def test_a_point_repeating_a_summary_written_in_markdown_is_said_once(library: Library) -> None:
    # Found by the property test above: a summary in markdown, and a point whose heading is the same words.
    topic = library.commands[0]
    written = "**Bold** _words_ `about` ```training```**Bold** _words_ `about` ```training```"
    point = dataclasses.replace(topic.points[0], heading=written, text="")
    changed = dataclasses.replace(topic, summary=written, points=(point, *topic.points[1:]))
    library = dataclasses.replace(library, topics=tuple(changed if t.id == topic.id else t for t in library.topics))
    reply = render_key(library, key_of(topic.id), 0, Viewer(1))
    assert reply is not None
    assert not repeats(sentence_texts(reply.payload()))
