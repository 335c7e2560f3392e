"""/search: answers a question from the document, with autocomplete, and buttons that open a result at its
point (marked) with a way back to the results.

Only glue lives here: read the interaction, ask the search index, hand the answer to `bot.render.search`, send
the `Reply` through `bot.app.replies`. Its two buttons carry their state in their custom_ids: `nir:hit:…`
opens a result, `nir:search:…` runs the search again ("Back to results").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final, Self

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import ReferenceBot
from bot.app.lookup import complete_search, library_of, search_of
from bot.app.navigation import STALE, Navigation
from bot.app.replies import send
from bot.app.tree import suggestions
from bot.render import Reply, Viewer, render_notice
from bot.render.search import HIT_TEMPLATE, NO_POINT, SEARCH_TEMPLATE, render_answer, render_hit, render_pick
from bot.search import MAX_QUERY_CHARS, read_pick

if TYPE_CHECKING:
    from bot.search import SearchIndex

RESULTS: Final = 5


def search_answer(index: SearchIndex, query: str, viewer: Viewer) -> Reply:
    """The reply to `query`: a picked suggestion opens its point; anything else is answered from the index."""
    picked = read_pick(query)
    if picked is not None:
        return render_pick(index.library, *picked, viewer) or render_notice(STALE)
    return render_answer(index.library, index.answer(query, RESULTS), viewer=viewer)


class SearchAgainButton(
    Navigation,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=SEARCH_TEMPLATE,
):
    """ "Back to results": runs the search its custom_id carries again, so nothing is kept per message.

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


class OpenHitButton(
    Navigation,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=HIT_TEMPLATE,
):
    """A result's number: opens its topic at the page of its point, marked, with "Back to results"."""

    def __init__(
        self, item: discord.ui.Button[Any], key: str, point: int | None, query: str, invoker: int, private: bool
    ) -> None:
        super().__init__(item)
        self.key, self.point, self.query, self.invoker, self.private = key, point, query, invoker, private

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        assert isinstance(item, discord.ui.Button)
        point = None if match["point"] == NO_POINT else int(match["point"])
        return cls(item, match["key"], point, match["query"] or "", int(match["user"]), match["private"] == "1")

    async def answer(self, interaction: discord.Interaction[ReferenceBot]) -> None:
        viewer, editing = self.viewer_for(interaction)
        answer = render_hit(library_of(interaction), self.key, self.point, viewer, self.query)
        await self.show(interaction, answer, editing)


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


DYNAMIC_ITEMS: Final = (SearchAgainButton, OpenHitButton)


async def setup(bot: ReferenceBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(Search())


async def teardown(bot: ReferenceBot) -> None:
    bot.remove_dynamic_items(*DYNAMIC_ITEMS)
