"""The baseline: a bare discord.py bot written the plain way, answering with the same shape of reply as ours.

`/ping [topic]` answers with one embed (title, description, four fields, footer, about 2 KB like a page of our
`/timeline`) and one row of five stateless `DynamicItem` buttons (⏮ ◀ n/m ▶ ⏭) that page by editing the
message; `topic` autocompletes from a static list. It follows discord.py's own app-command and dynamic-item
examples (a `Client` with a `CommandTree`, commands copied to one guild and synced in `setup_hook`), with one
deliberate difference: it asks for the `guilds` intent only, as our bot does. `Intents.default()` would
subscribe it to message events, and it would then receive a MESSAGE_CREATE or MESSAGE_UPDATE for each of its
own replies, which would measure the intents rather than the code.
"""

from __future__ import annotations

import re
from typing import Any, Final, Self

import discord
from discord import app_commands

PAGES: Final = 3
TOPICS: Final = (
    "2003 invasion of Iraq",
    "2004 training mission",
    "capacity building",
    "challenges of the mission",
    "coalition partners",
    "cold war and after",
    "collaboration with the United States",
    "conclusion",
    "contributions of member states",
    "divergent objectives",
    "future of the alliance",
    "historical context",
    "humanitarian aid",
    "impact on stability",
    "insurgency",
    "introduction",
    "military education",
    "NTM-I",
    "objectives",
    "overview",
    "political fragmentation",
    "public opinion",
    "regional stability",
    "role in the Iraq War",
    "sectarian violence",
    "training Iraqi forces",
    "wider mission in the 2000s",
)
_SENTENCE: Final = (
    "NATO's involvement in Iraq began in the context of international stability and security, primarily in "
    "response to the 2003 Iraq War, and moved to training Iraq's security forces."
)


def page_embed(page: int, topic: str | None = None) -> discord.Embed:
    embed = discord.Embed(
        title=f"Ping — page {page + 1}",
        description=f"Pong about {topic or 'everything'}. " + _SENTENCE,
        colour=0x1F5AA6,
    )
    for number in range(4):
        embed.add_field(
            name=f"Moment {page * 4 + number + 1}",
            value=f"**Heading {number + 1}**\n{_SENTENCE}\n> {_SENTENCE} {_SENTENCE} — Overview ¶{number + 1}",
            inline=False,
        )
    embed.set_footer(text=f"Source: NATO's involvement in Iraq › Overview ¶{page + 1}–{page + 3}")
    return embed


class PageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"ping:(?P<page>[0-9]+):(?P<slot>[fpcnl])"):
    """One of the five buttons; its custom_id names the page it opens (the slot keeps the five ids distinct)."""

    def __init__(self, page: int, slot: str, *, label: str = "·", disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"ping:{page}:{slot}",
                disabled=disabled,
            )
        )
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["page"]), match["slot"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(embed=page_embed(self.page), view=page_view(self.page))


def page_view(page: int) -> discord.ui.View:
    last = PAGES - 1
    view = discord.ui.View(timeout=None)
    view.add_item(PageButton(0, "f", label="⏮", disabled=page == 0))
    view.add_item(PageButton(max(page - 1, 0), "p", label="◀", disabled=page == 0))
    view.add_item(PageButton(page, "c", label=f"{page + 1}/{PAGES}", disabled=True))
    view.add_item(PageButton(min(page + 1, last), "n", label="▶", disabled=page == last))
    view.add_item(PageButton(last, "l", label="⏭", disabled=page == last))
    return view


class BareBot(discord.Client):
    def __init__(self, guild_id: int, **options: Any) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(intents=intents, **options)
        self.tree = app_commands.CommandTree(self)
        self.guild = discord.Object(guild_id)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(PageButton)
        self.tree.add_command(ping)
        self.tree.copy_global_to(guild=self.guild)
        await self.tree.sync(guild=self.guild)


@app_commands.command()
@app_commands.describe(topic="What to ping about")
async def ping(interaction: discord.Interaction, topic: str | None = None) -> None:
    """Pong, with pages"""
    await interaction.response.send_message(embed=page_embed(0, topic), view=page_view(0))


@ping.autocomplete("topic")
async def topic_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    wanted = current.lower()
    return [app_commands.Choice(name=t, value=t) for t in TOPICS if wanted in t.lower()][:25]
