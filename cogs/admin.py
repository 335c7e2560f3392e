"""/reload: operators reload the content pack from disk without restarting the bot.

Two gates, because Discord's alone is not enough: `default_permissions(administrator=True)` hides the command
from members who are not administrators, but any server can grant it to other roles in its integration
settings. The bot's own check decides: with OWNER_IDS set, only those users; otherwise administrators of the
server the interaction comes from, and never from a DM or a user install, where no server vouches for anyone.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import replies
from bot.app.client import ReferenceBot
from bot.app.tree import Refused
from bot.render import render_reload

log = logging.getLogger(__name__)

NOT_AN_OWNER = "Only the bot’s operators (OWNER_IDS) can reload its content."
NOT_AN_ADMIN = "Only server administrators can reload the content."
NOT_HERE = "Reload the content from a server where the bot is installed."


def may_reload(interaction: discord.Interaction[ReferenceBot], owner_ids: frozenset[int]) -> None:
    """Return if `interaction`'s user may reload the content; raise `Refused` saying why not otherwise."""
    if owner_ids:
        if interaction.user.id in owner_ids:
            return
        raise Refused(NOT_AN_OWNER)
    if interaction.guild_id is None or not interaction.is_guild_integration():
        raise Refused(NOT_HERE)
    if not interaction.permissions.administrator:
        raise Refused(NOT_AN_ADMIN)


async def operators_only(interaction: discord.Interaction[ReferenceBot]) -> bool:
    bot = interaction.client
    owner_ids = bot.settings.owner_ids if isinstance(bot, ReferenceBot) else frozenset()
    try:
        may_reload(interaction, owner_ids)
    except Refused as refused:
        # Someone was shown the command (a server opened it up) but may not use it: worth an operator's eye.
        log.warning("/reload refused for %s in guild %s: %s", interaction.user.id, interaction.guild_id, refused)
        raise
    return True


class Admin(commands.Cog):
    def __init__(self, bot: ReferenceBot) -> None:
        self.bot = bot

    @app_commands.command(name="reload", description="Reload the content pack from disk (operators only)")
    @app_commands.default_permissions(administrator=True)
    @app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    @app_commands.check(operators_only)
    async def reload(self, interaction: discord.Interaction[ReferenceBot]) -> None:
        # Validating the pack and, when the commands changed, re-syncing them can outlast Discord's 3 s.
        await replies.defer(interaction, ephemeral=True)
        log.info("/reload by %s in guild %s", interaction.user.id, interaction.guild_id)
        result = await self.bot.reloader.reload()
        await replies.send(interaction, render_reload(result))


async def setup(bot: ReferenceBot) -> None:
    await bot.add_cog(Admin(bot))
