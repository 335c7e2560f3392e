"""The command tree: one place where every app-command error becomes a short, private answer."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from .replies import reply_error

log = logging.getLogger(__name__)


class ReferenceTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        if isinstance(error, app_commands.CommandOnCooldown):
            await reply_error(interaction, f"Slow down a little: try again in {error.retry_after:.0f} s.")
        elif isinstance(error, app_commands.CommandNotFound):
            # Discord still lists a command this version no longer has (an old global registration).
            log.info("unknown command %r from %s", error.name, interaction.user.id)
            await reply_error(interaction, "That command no longer exists here. Try `/topics` for what I can answer.")
        elif isinstance(error, app_commands.TransformerError):
            await reply_error(interaction, f"I can't use “{error.value}” there. Pick one of the suggestions.")
        elif isinstance(error, app_commands.CheckFailure):
            await reply_error(interaction, "You can't use this command here.")
        else:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("command /%s failed", command, exc_info=error)
            await reply_error(interaction, "Something went wrong on my side. It has been logged; please try again.")
