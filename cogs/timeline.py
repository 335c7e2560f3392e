"""/timeline: the moments in time the document names, in its order and in its own words."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import replies
from bot.app.client import ReferenceBot
from bot.app.lookup import complete_events, library_of
from bot.app.tree import UnknownValue, suggestions
from bot.render import Viewer, find_event, render_timeline


class Timeline(commands.Cog):
    @app_commands.command(name="timeline")
    @app_commands.describe(
        era="Open the timeline at this moment (start typing to see them)", private="Only you see the answer"
    )
    async def timeline(
        self, interaction: discord.Interaction[ReferenceBot], era: str | None = None, private: bool = False
    ) -> None:
        """What happened when: the moments the document names, in its order and its own words"""
        library = library_of(interaction)
        focus = None
        if era is not None:
            focus = find_event(library, era)
            if focus is None:
                raise UnknownValue("era", era)
        await replies.send(
            interaction, render_timeline(library, viewer=Viewer(interaction.user.id, private), focus=focus)
        )

    @timeline.autocomplete("era")
    @suggestions
    async def era_suggestions(
        self, interaction: discord.Interaction[ReferenceBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return complete_events(interaction, current)


async def setup(bot: ReferenceBot) -> None:
    await bot.add_cog(Timeline())
