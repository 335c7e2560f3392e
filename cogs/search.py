"""/search: full-text search over the document, with autocomplete, "did you mean", and buttons that open a
result at its page.

Only glue lives here: read the interaction, ask the search index, hand the hits to `bot.render.search`, send
the `Reply` through `bot.app.replies`. "Open" buttons use the page buttons' custom_id, so the navigation handler
answers them; this cog handles only its own `nir:search:…` button (search again with corrected words).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Final, Self

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import ReferenceBot
from bot.app.lookup import complete_search, search_of
from bot.app.navigation import Navigation
from bot.app.replies import send
from bot.app.tree import suggestions
from bot.render import Reply, Viewer
from bot.render.search import SEARCH_TEMPLATE, render_results, render_suggestions
from bot.search import MAX_QUERY_CHARS, SearchIndex

log = logging.getLogger(__name__)

RESULTS: Final = 5
SUGGESTIONS: Final = 5


def search_answer(index: SearchIndex, query: str, viewer: Viewer) -> Reply:
    """Results when something matches; otherwise suggestions, so an answer never ends in nothing."""
    hits = index.search(query, RESULTS)
    if hits:
        return render_results(index.library, query, hits, viewer=viewer, corrected=index.corrected(query))
    return render_suggestions(index.library, query, index.suggest(query, SUGGESTIONS), viewer=viewer)


class SearchAgainButton(
    Navigation,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=SEARCH_TEMPLATE,
):
    """A "did you mean" button: searches again for the corrected words its custom_id carries.

    It answers a click as the page buttons do (the invoker's click replaces the message, anyone else gets a
    private answer, and a failure is answered and logged), by sharing their base class.
    """

    def __init__(self, item: discord.ui.Button[Any], query: str, invoker: int, private: bool) -> None:
        super().__init__(item)
        self.query, self.invoker, self.private = query, invoker, private

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        assert isinstance(item, discord.ui.Button)
        return cls(item, match["query"], int(match["user"]), match["private"] == "1")

    async def answer(self, interaction: discord.Interaction[ReferenceBot]) -> None:
        viewer, editing = self.viewer_for(interaction)
        await self.show(interaction, search_answer(search_of(interaction), self.query, viewer), editing)


class Search(commands.Cog):
    @app_commands.command(name="search", description="Search the document for words or a phrase; typos are fine")
    @app_commands.describe(
        query="Words to look for, e.g. insurgency or training",
        private="Only you see the answer",
    )
    async def search(
        self,
        interaction: discord.Interaction[ReferenceBot],
        query: app_commands.Range[str, 1, MAX_QUERY_CHARS],
        private: bool = False,
    ) -> None:
        viewer = Viewer(interaction.user.id, private)
        await send(interaction, search_answer(search_of(interaction), query, viewer))

    @search.autocomplete("query")
    @suggestions
    async def query_autocomplete(
        self, interaction: discord.Interaction[ReferenceBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return complete_search(interaction, current)


async def setup(bot: ReferenceBot) -> None:
    bot.add_dynamic_items(SearchAgainButton)
    await bot.add_cog(Search())


async def teardown(bot: ReferenceBot) -> None:
    bot.remove_dynamic_items(SearchAgainButton)
