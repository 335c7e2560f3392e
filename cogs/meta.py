"""/topics, /help and /about: what the bot can answer, how to ask, and where the answers come from."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import replies
from bot.app.client import ReferenceBot
from bot.app.lookup import library_of, other_commands
from bot.app.mentions import command_mentions
from bot.render import Viewer, render_about, render_contents, render_help


class Meta(commands.Cog):
    @app_commands.command(name="topics")
    async def topics(self, interaction: discord.Interaction[ReferenceBot]) -> None:
        """Every command I answer, with a one-line summary of each"""
        viewer = Viewer(interaction.user.id, commands=command_mentions(interaction))
        contents = render_contents(library_of(interaction), viewer=viewer, others=other_commands(interaction))
        await replies.send(interaction, contents)

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction[ReferenceBot]) -> None:
        """How to ask me things: in your own words with /search, or by topic"""
        answer = render_help(
            library_of(interaction), mentions=command_mentions(interaction), others=other_commands(interaction)
        )
        await replies.send(interaction, answer)

    @app_commands.command(name="about")
    async def about(self, interaction: discord.Interaction[ReferenceBot]) -> None:
        """What I am: the source document, the content pack version, and what it covers"""
        await replies.send(interaction, render_about(library_of(interaction)))


async def setup(bot: ReferenceBot) -> None:
    await bot.add_cog(Meta())
