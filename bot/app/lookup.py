"""What a handler reads from the interaction: the library the bot serves now, its search index, suggestions.

Autocomplete runs on every keystroke, and people type the same first letters again and again, so the latest
answers are kept with the library they were computed from (`Library.derived`) and go with it on reload.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

import discord
from discord import app_commands

from .. import limits
from ..content import Library
from ..search import index_of
from ..text import clip, squash

if TYPE_CHECKING:
    from ..search import SearchIndex
    from .client import ReferenceBot

# How many autocomplete answers of one kind are kept per library, the most recent ones.
RECENT_ANSWERS: Final = 512


def bot_of(interaction: discord.Interaction[Any]) -> ReferenceBot:
    """The bot an interaction came to: handlers are only ever registered on a `ReferenceBot`."""
    client: ReferenceBot = interaction.client
    return client


def library_of(interaction: discord.Interaction[Any]) -> Library:
    """The library the bot serves right now (it may have been swapped since the message was sent)."""
    return bot_of(interaction).library


def search_of(interaction: discord.Interaction[Any]) -> SearchIndex:
    """The search index of the library the bot serves right now."""
    return index_of(library_of(interaction))


def other_commands(interaction: discord.Interaction[Any]) -> list[tuple[str, str]]:
    """The slash commands that are not topics, as (name, description), for the table of contents.

    Commands restricted to some members by default (/reload) are left out: most readers cannot use them.
    """
    return [
        (c.name, c.description)
        for c in bot_of(interaction).tree.get_commands(type=discord.AppCommandType.chat_input)
        if isinstance(c, app_commands.Command) and "topic" not in c.extras and c.default_permissions is None
    ]


def fit_choices(pairs: Iterable[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    """(name, value) pairs as autocomplete choices Discord accepts: clipped names, at most 25, none refused."""
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


def complete_events(interaction: discord.Interaction[Any], query: str) -> list[app_commands.Choice[str]]:
    """Timeline events for an autocomplete: name "<when> — <title>", value the event id."""
    library = library_of(interaction)
    recent = library.derived.recent("complete_events", RECENT_ANSWERS)
    return recent.get(query, lambda: fit_choices(index_of(library).complete_events(query)))


def complete_search(interaction: discord.Interaction[Any], query: str) -> list[app_commands.Choice[str]]:
    """Suggestions for a search query, best first."""
    library = library_of(interaction)
    recent = library.derived.recent("complete_search", RECENT_ANSWERS)
    return recent.get(query, lambda: fit_choices(index_of(library).complete_search(query)))
