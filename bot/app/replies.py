"""The one way the bot answers an interaction: first response or follow-up, whichever is still possible.

A rendered `Reply` becomes discord.py objects here. Its components go out in a `MessageView` that discord.py
never stores: clicks are dispatched by custom_id to the DynamicItems registered at start-up, so nothing is
kept per message. Mentions are off for every send by the bot's `allowed_mentions` (see `bot.app.client`),
which discord.py applies to responses, followups and edits alike.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from .. import limits
from ..render import Reply
from ..render.model import ActionRow, Button, Embed, Select, SelectOption

if TYPE_CHECKING:
    from .client import ReferenceBot

log = logging.getLogger(__name__)


class MessageView(discord.ui.View):
    """A message's components as plain data: serialised with the message, never listened to.

    The wire form is built straight from the reply model rather than from discord.py's UI items: those are made
    to be listened to (callbacks, row weights, a copy of every option), and making one per button and option
    of every reply cost more than rendering the reply. What is sent is the same JSON the items would give.
    """

    def __init__(self, rows: Sequence[ActionRow]) -> None:
        super().__init__(timeout=None)
        self._wire = [{"type": 1, "components": [_component(item) for item in row.items]} for row in rows]

    # DEP-WARN: `View.to_components` and `View.is_dispatchable` are undocumented: discord.py asks a view it sends
    # for nothing else (discord/http.py and discord/webhook/async_.py serialise `to_components()`; the send and
    # edit paths ask `is_finished()` and `is_dispatchable()` whether to store it). On upgrade, check that this is
    # still so, and that `test_discord_objects_carry_the_same_payload` passes: it compares what is sent with
    # what discord.py's own items would send.
    def to_components(self) -> list[dict[str, Any]]:
        return self._wire

    def is_dispatchable(self) -> bool:
        # As the items would say: every button and menu here has a custom_id.
        return bool(self._wire)

    def is_finished(self) -> bool:
        # discord.py keeps every unfinished view it sends in its view store, and one without a timeout for the
        # life of the process: one per message sent would grow without bound. Finished, it is only serialised.
        return True


def _component(spec: Button | Select) -> dict[str, Any]:
    """`spec` as discord.py's `ui.Button` / `ui.Select` serialise it (defaults included)."""
    if isinstance(spec, Button):
        return {
            "type": 2,
            "style": int(spec.style),
            "disabled": spec.disabled,
            "label": spec.label,
            "custom_id": spec.custom_id,
        }
    return {
        "type": 3,
        "custom_id": spec.custom_id,
        "min_values": 1,
        "max_values": 1,
        "disabled": False,
        "required": True,
        "placeholder": spec.placeholder,
        "options": [_option(o) for o in spec.options],
    }


def _option(option: SelectOption) -> dict[str, Any]:
    data: dict[str, Any] = {"label": option.label, "value": option.value, "default": False}
    if option.description:
        data["description"] = option.description
    return data


class WireEmbed(discord.Embed):
    """An embed sent as the model's JSON: discord.py asks an embed it sends for nothing but `to_dict()`, so
    parsing the model's JSON into an `Embed` only for it to be written back out again is skipped."""

    # DEP-WARN: relies on discord.py reading a sent embed through `to_dict()` alone (discord/http.py's
    # `handle_message_parameters`); its attributes here are empty. On upgrade, check that this is still so, and
    # `test_the_components_sent_are_those_discord_pys_own_items_would_send`, which compares with discord.py's
    # own `Embed`.
    def __init__(self, embed: Embed) -> None:
        super().__init__()
        # discord.py's own `Embed.to_dict()` always carries the flags (0 here, Discord's default).
        self._wire = {**embed.to_dict(), "flags": 0}

    def to_dict(self) -> Any:
        return self._wire


def message_kwargs(answer: Reply, *, editing: bool = False) -> dict[str, Any]:
    """discord.py keyword arguments for `answer`. An edit also clears what the new page does not have."""
    kwargs: dict[str, Any] = {
        "content": answer.content,
        "embeds": [WireEmbed(e) for e in answer.embeds],
    }
    if answer.rows:
        kwargs["view"] = MessageView(answer.rows)
    elif editing:
        kwargs["view"] = None
    files = [discord.File(io.BytesIO(f.data), filename=f.filename, description=f.description) for f in answer.files]
    if editing:
        # An edit keeps only the attachments it lists: a page without a picture drops the previous one.
        kwargs["attachments"] = files
    elif files:
        kwargs["files"] = files
    return kwargs


async def first_response(interaction: discord.Interaction[Any], response: Awaitable[object]) -> None:
    """Await the first response to `interaction`, but never past Discord's deadline for it.

    discord.py retries a callback that fails with a 5xx after 1 s, then 3 s more: two failures in a row would
    send the third try after the interaction has expired, which Discord refuses (10062). Past the deadline
    nobody is waiting for the answer any more, so the retries stop there and the loss is logged once.
    """
    try:
        async with asyncio.timeout(limits.FIRST_RESPONSE_SECONDS):
            await response
    except TimeoutError:
        log.warning(
            "interaction %s: Discord did not take the answer within its %.0f s; given up",
            interaction.id,
            limits.FIRST_RESPONSE_SECONDS,
        )


async def send(interaction: discord.Interaction[ReferenceBot], answer: Reply) -> None:
    """Answer `interaction` with a new message (ephemeral when the reply says so)."""
    await reply(interaction, ephemeral=answer.ephemeral, **message_kwargs(answer))


async def edit(interaction: discord.Interaction[ReferenceBot], answer: Reply) -> None:
    """Answer a click by replacing the message it was on with `answer`."""
    kwargs = message_kwargs(answer, editing=True)
    try:
        if interaction.response.is_done():
            await interaction.edit_original_response(**kwargs)
        else:
            await first_response(interaction, interaction.response.edit_message(**kwargs))
    except discord.NotFound:
        log.warning("interaction %s expired before its message could be edited", interaction.id)


async def reply(interaction: discord.Interaction[ReferenceBot], *, ephemeral: bool = False, **payload: Any) -> None:
    """Send `payload` (embeds, view, content) as the answer to `interaction`."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(ephemeral=ephemeral, **payload)
        else:
            await first_response(interaction, interaction.response.send_message(ephemeral=ephemeral, **payload))
    except discord.NotFound:
        # The interaction expired (3 s / 15 min); there is no one left to answer.
        log.warning("interaction %s expired before it could be answered", interaction.id)


async def defer(interaction: discord.Interaction[ReferenceBot], *, ephemeral: bool = False) -> None:
    """Acknowledge now ("thinking…") and answer later with `send`, for work that may outlast Discord's 3 s."""
    if interaction.response.is_done():
        return
    try:
        await first_response(interaction, interaction.response.defer(ephemeral=ephemeral, thinking=True))
    except discord.NotFound:
        log.warning("interaction %s expired before it could be acknowledged", interaction.id)


async def defer_update(interaction: discord.Interaction[ReferenceBot]) -> None:
    """Acknowledge a click now and replace its message later with `edit`, for work that may outlast 3 s."""
    if interaction.response.is_done():
        return
    try:
        await first_response(interaction, interaction.response.defer())
    except discord.NotFound:
        log.warning("interaction %s expired before it could be acknowledged", interaction.id)


async def reply_error(interaction: discord.Interaction[ReferenceBot], message: str) -> None:
    """A short private answer; the caller logs the details."""
    try:
        await reply(interaction, ephemeral=True, content=message)
    except discord.HTTPException:
        log.exception("could not send an error reply to interaction %s", interaction.id)


async def suggest(interaction: discord.Interaction[ReferenceBot], choices: Sequence[app_commands.Choice[str]]) -> None:
    """Answer an autocomplete interaction; it expires fast, so a late answer is only logged."""
    if interaction.response.is_done():
        return
    try:
        await first_response(interaction, interaction.response.autocomplete(list(choices)))
    except discord.NotFound:
        log.info("autocomplete interaction %s expired before it could be answered", interaction.id)
