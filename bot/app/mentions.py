"""The command ids a reply may mention, for the scope an interaction happens in (its guild's, else global)."""

from __future__ import annotations

import discord

from ..render import Mentions
from .sync import CommandIds, scope_name


def command_mentions(interaction: discord.Interaction) -> Mentions:
    """Ids synced to the interaction's guild when the bot synced there (the dev guild), else the global ones."""
    known = getattr(interaction.client, "command_ids", None)
    if not isinstance(known, CommandIds):
        return Mentions()
    guild = discord.Object(interaction.guild_id) if interaction.guild_id is not None else None
    for scope in (scope_name(guild), scope_name(None)) if guild is not None else (scope_name(None),):
        ids = known.get(scope)
        if ids:
            return Mentions.of(ids)
    return Mentions()
