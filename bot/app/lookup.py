"""Reading the library and suggestions from an interaction, with or without the search index.

Autocomplete asks `interaction.client.search` (a `bot.search.SearchIndex`) when the bot has one, and otherwise
falls back to a plain case-insensitive substring filter over the library, so suggestions work either way.
The index's recent answers are remembered: autocomplete runs on every keystroke, and people type the same first
letters again and again.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, Final, Protocol

import discord
from discord import app_commands

from .. import limits
from ..content import Library
from ..text import clip, squash

log = logging.getLogger(__name__)

# How many (method, query) answers of the current search index are remembered, the most recent ones.
RECENT_ANSWERS: Final = 512


class _HasLibrary(Protocol):
    @property
    def library(self) -> Library: ...


def library_of(interaction: discord.Interaction) -> Library:
    """The library the bot serves right now (it may have been swapped since the message was sent)."""
    client: _HasLibrary = interaction.client  # type: ignore[assignment]
    return client.library


def other_commands(interaction: discord.Interaction) -> list[tuple[str, str]]:
    """The slash commands that are not topics, as (name, description), for the table of contents.

    Commands restricted to some members by default (/reload) are left out: most readers cannot use them.
    """
    tree: app_commands.CommandTree[Any] | None = getattr(interaction.client, "tree", None)
    if tree is None:
        return []
    return [
        (c.name, c.description)
        for c in tree.get_commands(type=discord.AppCommandType.chat_input)
        if isinstance(c, app_commands.Command) and "topic" not in c.extras and c.default_permissions is None
    ]


class _RecentAnswers:
    """The latest answers of one search index. An index is built from one immutable library and replaced whole
    on reload, so an answer never goes stale: another index starts afresh (and lets the old one go)."""

    def __init__(self) -> None:
        self._index: object = None
        self._answers: OrderedDict[tuple[str, str], tuple[tuple[str, str], ...]] = OrderedDict()

    def get(
        self, index: object, method: str, query: str, compute: Callable[[str], Iterable[tuple[str, str]]]
    ) -> list[tuple[str, str]]:
        if index is not self._index:
            self._index, self._answers = index, OrderedDict()
        key = (method, query)
        found = self._answers.get(key)
        if found is None:
            found = self._answers[key] = tuple(compute(query))
            if len(self._answers) > RECENT_ANSWERS:
                self._answers.popitem(last=False)
        else:
            self._answers.move_to_end(key)
        return list(found)


_recent = _RecentAnswers()


def _from_search(interaction: discord.Interaction, method: str, query: str) -> list[tuple[str, str]] | None:
    search = getattr(interaction.client, "search", None)
    complete = getattr(search, method, None)
    if complete is None:
        return None
    try:
        return _recent.get(search, method, query, complete)
    except Exception:
        # A broken index must not take suggestions down with it: the plain filter still works.
        log.exception("search.%s failed for %r; using the plain filter", method, query)
        return None


def _fit(pairs: Iterable[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    out: list[app_commands.Choice[str]] = []
    for name, value in pairs:
        name = clip(squash(name), limits.CHOICE_NAME)
        # A value Discord would refuse spoils the whole answer, so it is dropped instead.
        if not name or not value or len(value) > limits.CHOICE_VALUE:
            continue
        out.append(app_commands.Choice(name=name, value=value))
        if len(out) == limits.AUTOCOMPLETE_CHOICES:
            break
    return out


def _matches(query: str, *texts: str) -> bool:
    wanted = squash(query).casefold()
    return not wanted or any(wanted in squash(t).casefold() for t in texts)


def complete_events(interaction: discord.Interaction, query: str) -> list[app_commands.Choice[str]]:
    """Timeline events for an autocomplete: name "<when> — <title>", value the event id."""
    found = _from_search(interaction, "complete_events", query)
    if found is None:
        library = library_of(interaction)
        found = [(f"{e.when} — {e.title}", e.id) for e in library.timeline if _matches(query, e.when, e.title, e.id)]
    return _fit(found)


def complete_topics(interaction: discord.Interaction, query: str) -> list[app_commands.Choice[str]]:
    """Topics for an autocomplete: name the topic's short name, value the topic id."""
    found = _from_search(interaction, "complete_topics", query)
    if found is None:
        library = library_of(interaction)
        found = [(t.short, t.id) for t in library.topics if _matches(query, t.short, t.title, t.id, *t.aliases)]
    return _fit(found)
