"""Page buttons and jump menus that keep working across restarts: stateless `DynamicItem`s.

Each component's custom_id (see `bot.render.ids`) carries everything a click needs, so the classes here are
registered once in `setup_hook` and nothing is kept per message. A click by the invoker edits the message; a
click by anyone else on a public message answers them with their own private page.

discord.py leaves some clicks unanswered, so every callback catches its own errors (DynamicItem errors never
reach a View's `on_error`; discord.py only logs them) and `answer_unclaimed` answers a component that none of
the bot's items will take, recognised from their own templates.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Final, Self

import discord

from ..content import Library
from ..ops.instrumentation import metrics_of
from ..render import PICTURE, Reply, Viewer, render_jump, render_key, render_notice, timeline_images
from ..render import ids as custom_ids
from . import replies
from .lookup import bot_of, library_of, other_commands
from .mentions import command_mentions

if TYPE_CHECKING:
    from .client import ReferenceBot

log = logging.getLogger(__name__)

STALE: Final = "That page is no longer in my library (it has been updated). Try `/topics` for what I can answer."
UNCLAIMED: Final = "That button belongs to an older version of me and no longer does anything. Run the command again."
FAILED: Final = "Something went wrong on my side. It has been logged; please try again."
POSITION: Final = "That is just the page number; use the arrows beside it."
# How long a click waits for the timeline's picture, drawn once per library in a worker thread (usually in a
# fraction of a second); the click is acknowledged first, so this is not bound by Discord's 3 s.
PICTURE_WAIT: Final = 10.0


class Navigation:
    """What every navigation item does with a click: answer, whatever happens, within Discord's 3 s.

    A subclass is declared with its `template` (as every `DynamicItem` is); the compiled pattern is kept here
    too, so the bot can tell a click that one of its items will take from one that none will.
    """

    invoker: int
    private: bool
    pattern: ClassVar[re.Pattern[str]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        template = kwargs.get("template")
        if template is not None:
            cls.pattern = re.compile(template)
        super().__init_subclass__(**kwargs)

    @classmethod
    def claims(cls, custom_id: str) -> bool:
        return cls.pattern.fullmatch(custom_id) is not None

    async def answer(self, interaction: discord.Interaction[ReferenceBot]) -> None:
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        _received(interaction)
        try:
            await self.answer(interaction)
        except Exception as error:
            await self.on_error(interaction, error)

    async def on_error(self, interaction: discord.Interaction[ReferenceBot], error: Exception) -> None:
        log.error("component %s failed", _custom_id(interaction), exc_info=error)
        metrics = metrics_of(interaction.client)
        if metrics is not None:
            metrics.error("component")
        await replies.reply_error(interaction, FAILED)

    def viewer_for(self, interaction: discord.Interaction[ReferenceBot]) -> tuple[Viewer, bool]:
        """Who the next page is for, and whether it replaces the message (only the invoker's click does)."""
        commands = command_mentions(interaction)
        if interaction.user.id == self.invoker:
            return Viewer(self.invoker, self.private, commands), True
        return Viewer(interaction.user.id, True, commands), False

    async def show(self, interaction: discord.Interaction[ReferenceBot], answer: Reply | None, editing: bool) -> None:
        if answer is None:
            await replies.send(interaction, render_notice(STALE))
        elif editing:
            await replies.edit(interaction, answer)
        else:
            await replies.send(interaction, answer)


class PageButton(
    Navigation,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=custom_ids.PAGE_TEMPLATE,
):
    """⏮ ◀ ▶ ⏭: open page `page` of `key`."""

    def __init__(self, item: discord.ui.Button[Any], key: str, page: int, invoker: int, private: bool) -> None:
        super().__init__(item)
        self.key, self.page, self.invoker, self.private = key, page, invoker, private

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        assert isinstance(item, discord.ui.Button)
        return cls(item, match["key"], int(match["page"]), int(match["user"]), match["private"] == "1")

    async def answer(self, interaction: discord.Interaction[ReferenceBot]) -> None:
        viewer, editing = self.viewer_for(interaction)
        library = library_of(interaction)
        if self.key == PICTURE:
            await draw_picture(interaction, library, editing)
        answer = render_key(library, self.key, self.page, viewer, others=other_commands(interaction))
        await self.show(interaction, answer, editing)


class PositionLabel(
    Navigation,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=custom_ids.POSITION_TEMPLATE,
):
    """The disabled "n/m" between the arrows; Discord never sends its click, but a modified client might."""

    def __init__(self, item: discord.ui.Button[Any], invoker: int, private: bool) -> None:
        super().__init__(item)
        self.invoker, self.private = invoker, private

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        assert isinstance(item, discord.ui.Button)
        return cls(item, int(match["user"]), match["private"] == "1")

    async def answer(self, interaction: discord.Interaction[ReferenceBot]) -> None:
        await replies.send(interaction, render_notice(POSITION))


class JumpSelect(
    Navigation,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=custom_ids.JUMP_TEMPLATE,
):
    """The "Jump to…" menu: open the topic (or timeline event) the chosen option names."""

    def __init__(self, item: discord.ui.Select[Any], invoker: int, private: bool) -> None:
        super().__init__(item)
        self.invoker, self.private = invoker, private

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        assert isinstance(item, discord.ui.Select)
        return cls(item, int(match["user"]), match["private"] == "1")

    async def answer(self, interaction: discord.Interaction[ReferenceBot]) -> None:
        values = self.item.values
        if not values:
            await replies.send(interaction, render_notice(STALE))
            return
        viewer, editing = self.viewer_for(interaction)
        await self.show(interaction, render_jump(library_of(interaction), str(values[0]), viewer), editing)


DYNAMIC_ITEMS: Final = (PageButton, PositionLabel, JumpSelect)


async def draw_picture(interaction: discord.Interaction[ReferenceBot], library: Library, editing: bool) -> None:
    """Have the timeline's picture drawn for this library, if it is not yet; the page says so when it could not
    be. The first tap after a start or a reload is acknowledged before the drawing, as the answer may then take
    longer than Discord waits for one."""
    if timeline_images.ready(library) is not None:
        return
    if editing:
        await replies.defer_update(interaction)
    else:
        await replies.defer(interaction, ephemeral=True)
    try:
        await asyncio.wait_for(timeline_images.get(library), PICTURE_WAIT)
    except TimeoutError:
        log.warning("the timeline picture took over %.0f s to draw; answered without it", PICTURE_WAIT)


def _received(interaction: discord.Interaction[ReferenceBot]) -> None:
    # A click reaches our code here (or in answer_unclaimed): where its latency starts.
    metrics = metrics_of(interaction.client)
    if metrics is not None:
        metrics.received(interaction)


def _custom_id(interaction: discord.Interaction[ReferenceBot]) -> str:
    data: Any = interaction.data or {}
    return str(data.get("custom_id", ""))


def _message_has(message: discord.Message | None, custom_id: str) -> bool:
    if message is None:
        return False
    for row in message.components:
        for child in getattr(row, "children", (row,)):
            if getattr(child, "custom_id", None) == custom_id:
                return True
    return False


def is_claimed(interaction: discord.Interaction[Any], items: Iterable[type[Navigation]]) -> bool:
    """Whether one of the bot's `items` will take this click: its template matches the custom_id and the message
    carries that component (discord.py drops a click whose component is not on the message). The bot keeps no
    stored views and no modals, so nothing else can take it."""
    if interaction.type is not discord.InteractionType.component:
        return False
    custom_id = _custom_id(interaction)
    return _message_has(interaction.message, custom_id) and any(item.claims(custom_id) for item in items)


async def answer_unclaimed(interaction: discord.Interaction[ReferenceBot]) -> None:
    """`on_interaction` listener: answer a click that nothing else will (a component from an older version)."""
    if interaction.type not in (discord.InteractionType.component, discord.InteractionType.modal_submit):
        return
    if is_claimed(interaction, bot_of(interaction).navigation_items):
        return
    _received(interaction)
    log.info("unclaimed component %r from %s", _custom_id(interaction), interaction.user.id)
    try:
        await replies.send(interaction, render_notice(UNCLAIMED))
    except discord.HTTPException:
        log.exception("could not answer unclaimed interaction %s", interaction.id)
