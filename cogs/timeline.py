"""/timeline: the moments in time the document names, on one page, their picture a tap away; `era:` opens one
in full."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import replies
from bot.app.client import ReferenceBot
from bot.app.lookup import complete_events, library_of
from bot.app.mentions import command_mentions
from bot.app.tree import UnknownValue, suggestions
from bot.render import Viewer, find_event, render_event, render_timeline


class Timeline(commands.Cog):
    @app_commands.command(name="timeline")
    @app_commands.describe(era="Open this moment in full (start typing to see them)", private="Only you see the answer")
    async def timeline(
        self, interaction: discord.Interaction[ReferenceBot], era: str | None = None, private: bool = False
    ) -> None:
        """What happened when: the moments the document names, in its order and its own words"""
        library = library_of(interaction)
        viewer = Viewer(interaction.user.id, private, command_mentions(interaction))
        if era is not None:
            focus = find_event(library, era)
            answer = render_event(library, focus, viewer) if focus is not None else None
            if answer is None:
                raise UnknownValue("era", era)
            await replies.send(interaction, answer)
            return
        await replies.send(interaction, render_timeline(library, viewer=viewer))

    @timeline.autocomplete("era")
    @suggestions
    async def era_suggestions(
        self, interaction: discord.Interaction[ReferenceBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return complete_events(interaction, current)


async def setup(bot: ReferenceBot) -> None:
    await bot.add_cog(Timeline())
