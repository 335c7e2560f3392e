"""Reading the library and suggestions from an interaction, with or without the search index.

Autocomplete asks `interaction.client.search` (a `bot.search.SearchIndex`) when the bot has one, and otherwise
falls back to a plain case-insensitive substring filter over the library, so suggestions work either way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Protocol

import discord
from discord import app_commands

from . import limits
from .content import Library
from .render.text import clip, squash

log = logging.getLogger(__name__)


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


def _from_search(interaction: discord.Interaction, method: str, query: str) -> list[tuple[str, str]] | None:
    search = getattr(interaction.client, "search", None)
    complete = getattr(search, method, None)
    if complete is None:
        return None
    try:
        return list(complete(query))
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
