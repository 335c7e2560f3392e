"""/search through discord.py and the simulator: a result opens on its point, marked; "Back to results" returns;
an autocomplete pick opens its point; and all of it still works for a bot started after the message was sent."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from bot.settings import Settings
from bot.simulator import DiscordSimulator, SimMessage
from tests.ops_support import running

CHANNEL_MESSAGE = 4
UPDATE_MESSAGE = 7
MARK = "▶ "


def settings_in(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", cooldown_rate=10_000)


def button(message: SimMessage, prefix: str, number: int = 0) -> str:
    return [b["custom_id"] for b in message.buttons() if b["custom_id"].startswith(prefix)][number]


def marked(message: SimMessage) -> list[str]:
    """The marked line's name (a point's heading, a moment's words): points and moments are lines now."""
    lines = (message.embeds[0].get("description") or "").splitlines()
    found = (re.match(r"\*\*(.+?)\*\*", line[len(MARK) :]) for line in lines if line.startswith(MARK))
    return [MARK + m[1] for m in found if m]


def looks(message: SimMessage) -> tuple[Any, ...]:
    """What a member sees of the results, frozen (the simulator edits its messages in place). The title is
    left out: it shows the query as the button carried it, in words only ("ntm i" for "ntm-i")."""
    embed = {k: v for k, v in message.embeds[0].items() if k != "title"}
    return copy.deepcopy(embed), [(b["label"], b["custom_id"]) for b in message.buttons()]


async def ask(sim: DiscordSimulator, query: str) -> SimMessage:
    record = await sim.invoke("search", {"query": query})
    response = await record.wait_response()
    assert response.type == CHANNEL_MESSAGE
    return await record.wait_original()


async def press(sim: DiscordSimulator, message: SimMessage, custom_id: str) -> SimMessage:
    revision = message.revision
    click = await sim.click(message, custom_id)
    assert (await click.wait_response()).type == UPDATE_MESSAGE
    return await message.wait_for(lambda m: m.revision > revision)


async def test_a_result_lands_on_its_point_and_leads_back(tmp_path: Path) -> None:
    async with DiscordSimulator() as sim, running(sim, settings_in(tmp_path)):
        message = await ask(sim, "what did canada do")
        results = looks(message)
        await press(sim, message, button(message, "nir:hit:"))
        assert message.embeds[0]["title"] == "Contributions of NATO Member States"
        assert marked(message) == [MARK + "Training from Canada and Germany"]
        await press(sim, message, button(message, "nir:search:"))
        assert looks(message) == results
    sim.assert_no_rejections()


async def test_result_and_back_buttons_survive_a_restart(tmp_path: Path) -> None:
    async with DiscordSimulator() as sim:
        async with running(sim, settings_in(tmp_path)):
            message = await ask(sim, "when was ntm-i established")
            results = looks(message)
        # A new process: nothing carried over but what the message itself holds.
        async with running(sim, settings_in(tmp_path), sync=False):
            await press(sim, message, button(message, "nir:hit:"))
            # The overview's list folds that point into its summary, so the result opens the point in full.
            assert message.embeds[0]["title"] == "NTM-I set up in 2004"
        async with running(sim, settings_in(tmp_path), sync=False):
            await press(sim, message, button(message, "nir:search:"))
            assert looks(message) == results
    sim.assert_no_rejections()


async def test_an_exact_autocomplete_pick_opens_its_point(tmp_path: Path) -> None:
    async with DiscordSimulator() as sim:
        async with running(sim, settings_in(tmp_path)):
            typed = await sim.autocomplete("search", "query", "public opin")
            await typed.wait_response()
            choices = typed.choices or []
            pick = next(c for c in choices if c["name"].endswith("Public opinion and suspicion"))
        async with running(sim, settings_in(tmp_path), sync=False):
            message = await ask(sim, pick["value"])
            assert message.embeds[0]["title"] == "Challenges Faced by NATO in Iraq"
            assert marked(message) == [MARK + "Public opinion and suspicion"]
    sim.assert_no_rejections()


async def test_another_member_opening_a_result_gets_a_private_copy(tmp_path: Path) -> None:
    async with DiscordSimulator() as sim, running(sim, settings_in(tmp_path)):
        message = await ask(sim, "what did canada do")
        results = looks(message)
        other = sim.add_user("other")
        guild = sim.default_guild
        assert guild is not None
        sim.add_member(guild, other)
        click = await sim.click(message, button(message, "nir:hit:"), user=other)
        response = await click.wait_response()
        assert response.type == CHANNEL_MESSAGE and (response.data or {}).get("flags", 0) & 64
        assert looks(message) == results
    sim.assert_no_rejections()
