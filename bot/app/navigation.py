"""Page buttons and jump menus that keep working across restarts: stateless `DynamicItem`s.

Each component's custom_id (see `bot.render.ids`) carries everything a click needs, so the classes here are
registered once in `setup_hook` and nothing is kept per message. A click by the invoker edits the message; a
click by anyone else on a public message answers them with their own private page.

discord.py leaves some clicks unanswered, so every callback catches its own errors (DynamicItem errors never
reach a View's `on_error`; discord.py only logs them) and `answer_unclaimed` answers a component that no
DynamicItem or view will take.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Final, Self

import discord

from ..ops.instrumentation import metrics_of
from ..render import Reply, Viewer, render_jump, render_key, render_notice
from ..render import ids as custom_ids
from . import replies
from .lookup import library_of, other_commands
from .mentions import command_mentions

log = logging.getLogger(__name__)

STALE: Final = "That page is no longer in my library (it has been updated). Try `/topics` for what I can answer."
UNCLAIMED: Final = "That button belongs to an older version of me and no longer does anything. Run the command again."
FAILED: Final = "Something went wrong on my side. It has been logged; please try again."
POSITION: Final = "That is just the page number; use the arrows beside it."


class _Navigation:
    """What every navigation item does with a click: answer, whatever happens, within Discord's 3 s."""

    invoker: int
    private: bool

    async def answer(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction) -> None:
        _received(interaction)
        try:
            await self.answer(interaction)
        except Exception as error:
            await self.on_error(interaction, error)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        log.error("component %s failed", _custom_id(interaction), exc_info=error)
        metrics = metrics_of(interaction.client)
        if metrics is not None:
            metrics.error("component")
        await replies.reply_error(interaction, FAILED)

    def viewer_for(self, interaction: discord.Interaction) -> tuple[Viewer, bool]:
        """Who the next page is for, and whether it replaces the message (only the invoker's click does)."""
        commands = command_mentions(interaction)
        if interaction.user.id == self.invoker:
            return Viewer(self.invoker, self.private, commands), True
        return Viewer(interaction.user.id, True, commands), False

    async def show(self, interaction: discord.Interaction, answer: Reply | None, editing: bool) -> None:
        if answer is None:
            await replies.send(interaction, render_notice(STALE))
        elif editing:
            await replies.edit(interaction, answer)
        else:
            await replies.send(interaction, answer)


class PageButton(
    _Navigation,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=custom_ids.PAGE_TEMPLATE,
):
    """⏮ ◀ ▶ ⏭: open page `page` of `key`."""

    def __init__(self, item: discord.ui.Button[Any], key: str, page: int, invoker: int, private: bool) -> None:
        super().__init__(item)
        self.key, self.page, self.invoker, self.private = key, page, invoker, private

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> Self:
        return cls(item, match["key"], int(match["page"]), int(match["user"]), match["private"] == "1")

    async def answer(self, interaction: discord.Interaction) -> None:
        viewer, editing = self.viewer_for(interaction)
        library = library_of(interaction)
        answer = render_key(library, self.key, self.page, viewer, others=other_commands(interaction))
        await self.show(interaction, answer, editing)


class PositionLabel(
    _Navigation,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=custom_ids.POSITION_TEMPLATE,
):
    """The disabled "n/m" between the arrows; Discord never sends its click, but a modified client might."""

    def __init__(self, item: discord.ui.Button[Any], invoker: int, private: bool) -> None:
        super().__init__(item)
        self.invoker, self.private = invoker, private

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> Self:
        return cls(item, int(match["user"]), match["private"] == "1")

    async def answer(self, interaction: discord.Interaction) -> None:
        await replies.send(interaction, render_notice(POSITION))


class JumpSelect(
    _Navigation,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=custom_ids.JUMP_TEMPLATE,
):
    """The "Jump to…" menu: open the topic (or timeline event) the chosen option names."""

    def __init__(self, item: discord.ui.Select[Any], invoker: int, private: bool) -> None:
        super().__init__(item)
        self.invoker, self.private = invoker, private

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Select[Any], match: re.Match[str], /
    ) -> Self:
        return cls(item, int(match["user"]), match["private"] == "1")

    async def answer(self, interaction: discord.Interaction) -> None:
        data: Any = interaction.data or {}
        values = data.get("values") or []
        if not values:
            await replies.send(interaction, render_notice(STALE))
            return
        viewer, editing = self.viewer_for(interaction)
        await self.show(interaction, render_jump(library_of(interaction), str(values[0]), viewer), editing)


DYNAMIC_ITEMS: Final = (PageButton, PositionLabel, JumpSelect)


def _received(interaction: discord.Interaction) -> None:
    # A click reaches our code here (or in answer_unclaimed): where its latency starts.
    metrics = metrics_of(interaction.client)
    if metrics is not None:
        metrics.received(interaction)


def _custom_id(interaction: discord.Interaction) -> str:
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


def is_claimed(interaction: discord.Interaction) -> bool:
    """Whether discord.py will hand this component or modal interaction to a DynamicItem, a view or a modal.

    It mirrors `ViewStore.dispatch_view`: a DynamicItem takes a custom_id its template matches, provided the
    message carries that component; a stored view takes its own (type, custom_id) on its message or globally.
    The store is private to discord.py, so when it cannot be read the interaction counts as claimed: never
    answering twice matters more than answering a click that should not exist.
    """
    store: Any = getattr(getattr(interaction.client, "_connection", None), "_view_store", None)
    if store is None:
        return True
    data: Any = interaction.data or {}
    custom_id = str(data.get("custom_id", ""))
    try:
        if interaction.type is discord.InteractionType.modal_submit:
            return custom_id in store._modals
        if _message_has(interaction.message, custom_id) and any(
            pattern.fullmatch(custom_id) for pattern in store._dynamic_items
        ):
            return True
        key = (data.get("component_type"), custom_id)
        message_id = interaction.message.id if interaction.message is not None else None
        return key in store._views.get(message_id, {}) or key in store._views.get(None, {})
    except (AttributeError, TypeError):
        log.warning("cannot read discord.py's view store; leaving interaction %s to it", interaction.id)
        return True


async def answer_unclaimed(interaction: discord.Interaction) -> None:
    """`on_interaction` listener: answer a click that nothing else will (a component from an older version)."""
    if interaction.type not in (discord.InteractionType.component, discord.InteractionType.modal_submit):
        return
    if is_claimed(interaction):
        return
    _received(interaction)
    log.info("unclaimed component %r from %s", _custom_id(interaction), interaction.user.id)
    try:
        await replies.send(interaction, render_notice(UNCLAIMED))
    except discord.HTTPException:
        log.exception("could not answer unclaimed interaction %s", interaction.id)
