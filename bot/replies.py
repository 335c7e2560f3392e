"""The one way the bot answers an interaction: first response or follow-up, whichever is still possible."""

from __future__ import annotations

import logging
from typing import Any

import discord

log = logging.getLogger(__name__)


async def reply(interaction: discord.Interaction, *, ephemeral: bool = False, **payload: Any) -> None:
    """Send `payload` (embeds, view, content) as the answer to `interaction`, never pinging anyone."""
    payload.setdefault("allowed_mentions", discord.AllowedMentions.none())
    try:
        if interaction.response.is_done():
            await interaction.followup.send(ephemeral=ephemeral, **payload)
        else:
            await interaction.response.send_message(ephemeral=ephemeral, **payload)
    except discord.NotFound:
        # The interaction expired (3 s / 15 min); there is no one left to answer.
        log.warning("interaction %s expired before it could be answered", interaction.id)


async def reply_error(interaction: discord.Interaction, message: str) -> None:
    """A short private answer; the caller logs the details."""
    try:
        await reply(interaction, ephemeral=True, content=message)
    except discord.HTTPException:
        log.exception("could not send an error reply to interaction %s", interaction.id)
