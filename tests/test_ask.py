"""Questions by message, through the simulator: gateway MESSAGE_CREATE with the intents the bot asks for.

A DM is answered by default; a mention only with ANSWER_MENTIONS; the reply is what /search answers, pings no
one, and other bots (and the bot itself) are never answered. What the bot sends is read off the wire
(discord.py's own HTTP requests), so "no ping" is the body Discord would receive.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app.client import ReferenceBot, create_bot
from bot.settings import Settings
from bot.simulator import DiscordSimulator, SimMessage
from bot.simulator.messages import post_message
from tests.rig import run_client

CHANNEL_MESSAGE = 4
UPDATE_MESSAGE = 7
HIT = re.compile(r"nir:hit:")


def _wire(sent: list[dict[str, Any]]) -> aiohttp.TraceConfig:
    """A trace that keeps the JSON body of every message the bot posts to a channel."""
    trace = aiohttp.TraceConfig()

    async def on_chunk(_session: Any, context: Any, params: aiohttp.TraceRequestChunkSentParams) -> None:
        if params.method == "POST" and re.search(r"/channels/[0-9]+/messages$", str(params.url.path)):
            sent.append(json.loads(params.chunk))

    trace.on_request_chunk_sent.append(on_chunk)
    return trace


@asynccontextmanager
async def bot_for(sim: DiscordSimulator, settings: Settings, sent: list[dict[str, Any]]) -> AsyncIterator[ReferenceBot]:
    bot = create_bot(settings, guild_ready_timeout=0.05, http_trace=_wire(sent))
    async with run_client(bot, sim) as ready:
        await ready.tree.sync()
        yield ready


def settings_in(tmp_path: Path, **values: Any) -> Settings:
    return Settings(data_dir=tmp_path / "data", cooldown_rate=10_000, **values)


def bot_replies(sim: DiscordSimulator, channel_id: int) -> list[SimMessage]:
    return [m for m in sim.messages.values() if m.channel_id == channel_id and m.author["id"] == str(sim.bot_user.id)]


async def reply_in(sim: DiscordSimulator, channel_id: int, count: int = 1) -> SimMessage:
    await sim.wait_until(lambda: len(bot_replies(sim, channel_id)) >= count)
    return bot_replies(sim, channel_id)[count - 1]


async def silence(sim: DiscordSimulator, bot: ReferenceBot, channel_id: int) -> None:
    """Prove nothing was answered: a DM sent after the message is answered first, so the bot saw both."""
    await asyncio.sleep(0)
    probe = sim.dm_channel(sim.default_user)
    before = len(bot_replies(sim, probe.id))
    await post_message(sim, "insurgency", channel=probe)
    await reply_in(sim, probe.id, before + 1)


async def test_a_dm_is_answered_as_search_answers_it_with_no_ping(tmp_path: Path) -> None:
    sent: list[dict[str, Any]] = []
    async with DiscordSimulator() as sim, bot_for(sim, settings_in(tmp_path), sent) as bot:
        assert bot.intents.dm_messages and not bot.intents.guild_messages and not bot.intents.message_content
        dm = sim.dm_channel(sim.default_user)
        asked = await post_message(sim, "What did Canada do?", channel=dm)
        reply = await reply_in(sim, dm.id)
        assert reply.embeds[0]["title"] == "Search: “What did Canada do?”"
        assert "Canada" in reply.embeds[0]["description"]
        assert any(HIT.match(b["custom_id"]) for b in reply.buttons())
        (body,) = sent
        assert body["allowed_mentions"] == {"parse": [], "replied_user": False}
        # A reply to the question (the simulator does not keep message references; the wire shows it).
        assert str(body["message_reference"]["message_id"]) == str(asked.id)
    sim.assert_no_rejections()


async def test_a_dm_result_button_opens_its_point(tmp_path: Path) -> None:
    async with DiscordSimulator() as sim, bot_for(sim, settings_in(tmp_path), []):
        dm = sim.dm_channel(sim.default_user)
        await post_message(sim, "when was ntm-i established", channel=dm)
        reply = await reply_in(sim, dm.id)
        first = next(b["custom_id"] for b in reply.buttons() if HIT.match(b["custom_id"]))
        click = await sim.click(reply, first)
        response = await click.wait_response()
        assert response.type == UPDATE_MESSAGE
        opened = await reply.wait_for(lambda m: m.revision >= 1)
        # The overview's list folds that point into its summary, so the result opens the point in full.
        assert opened.embeds[0]["title"] == "NTM-I set up in 2004"
    sim.assert_no_rejections()


async def test_mentions_are_not_even_delivered_by_default(tmp_path: Path) -> None:
    async with DiscordSimulator() as sim, bot_for(sim, settings_in(tmp_path), []) as bot:
        channel = sim.default_channel
        await post_message(sim, f"<@{sim.bot_user.id}> what did canada do?", channel=channel)
        await silence(sim, bot, channel.id)
        assert bot_replies(sim, channel.id) == []


async def test_with_the_setting_a_mention_is_answered_without_the_mention(tmp_path: Path) -> None:
    sent: list[dict[str, Any]] = []
    async with DiscordSimulator() as sim, bot_for(sim, settings_in(tmp_path, answer_mentions=True), sent) as bot:
        assert bot.intents.guild_messages and not bot.intents.message_content
        channel = sim.default_channel
        await post_message(sim, f"<@{sim.bot_user.id}> what did canada do? @everyone", channel=channel)
        reply = await reply_in(sim, channel.id)
        title = reply.embeds[0]["title"]
        assert title.startswith("Search: “what did canada do? @") and "@everyone" not in title and "<@" not in title
        (body,) = sent
        assert body["allowed_mentions"] == {"parse": [], "replied_user": False}
    sim.assert_no_rejections()


async def test_messages_that_do_not_mention_the_bot_are_ignored(tmp_path: Path) -> None:
    async with DiscordSimulator() as sim, bot_for(sim, settings_in(tmp_path, answer_mentions=True), []) as bot:
        channel = sim.default_channel
        other = sim.add_user("someone")
        await post_message(sim, "what did canada do?", channel=channel)
        await post_message(sim, f"<@{other.id}> what did canada do?", channel=channel)
        await silence(sim, bot, channel.id)
        assert bot_replies(sim, channel.id) == []


async def test_other_bots_are_never_answered(tmp_path: Path) -> None:
    async with DiscordSimulator() as sim, bot_for(sim, settings_in(tmp_path, answer_mentions=True), []) as bot:
        robot = sim.add_user("robot")
        robot.bot = True
        channel = sim.default_channel
        await post_message(sim, f"<@{sim.bot_user.id}> what did canada do?", user=robot, channel=channel)
        await post_message(sim, "what did canada do?", user=robot, channel=sim.dm_channel(robot))
        await silence(sim, bot, channel.id)
        assert bot_replies(sim, channel.id) == [] and bot_replies(sim, sim.dm_channel(robot).id) == []


async def test_dms_can_be_turned_off(tmp_path: Path) -> None:
    async with DiscordSimulator() as sim, bot_for(sim, settings_in(tmp_path, answer_dms=False), []) as bot:
        assert not bot.intents.dm_messages and not bot.intents.guild_messages
        dm = sim.dm_channel(sim.default_user)
        await post_message(sim, "what did canada do?", channel=dm)
        # Without the intent the gateway sends nothing: a slash command still answers, the DM does not.
        record = await sim.invoke("search", {"query": "insurgency"})
        await record.wait_response()
        assert bot_replies(sim, dm.id) == []


async def test_messages_share_the_commands_cooldown(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", cooldown_rate=1, cooldown_seconds=600)
    async with DiscordSimulator() as sim, bot_for(sim, settings, []):
        dm = sim.dm_channel(sim.default_user)
        await post_message(sim, "what did canada do?", channel=dm)
        await reply_in(sim, dm.id)
        await post_message(sim, "insurgency", channel=dm)
        record = await sim.invoke("search", {"query": "insurgency"})
        response = await record.wait_response()
        # The same bucket: the command is refused (a private notice, no results) and the second DM, sent
        # before it, was never answered.
        assert response.type == CHANNEL_MESSAGE and not (response.data or {}).get("embeds")
        assert len(bot_replies(sim, dm.id)) == 1


@pytest.mark.parametrize("text", ["", "   ", f"<@{10**18}>", "the and was"])
async def test_empty_or_stop_word_questions_get_a_helpful_answer(tmp_path: Path, text: str) -> None:
    async with DiscordSimulator() as sim, bot_for(sim, settings_in(tmp_path), []):
        dm = sim.dm_channel(sim.default_user)
        await post_message(sim, text or " ", channel=dm)
        reply = await reply_in(sim, dm.id)
        assert reply.buttons(), "never a dead end"
    sim.assert_no_rejections()


def test_the_settings_read_from_the_environment() -> None:
    assert (Settings().answer_dms, Settings().answer_mentions) == (True, False)
    read = Settings.from_mapping({"ANSWER_DMS": "false", "ANSWER_MENTIONS": "true"})
    assert (read.answer_dms, read.answer_mentions) == (False, True)
