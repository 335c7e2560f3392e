"""/healthz and /metrics of a running bot, driven through the simulator; structured logs.

The endpoint is the bot's own (HEALTH_PORT, here an ephemeral port), read over real HTTP. Metrics are read the
way Prometheus reads them: by parsing the text format.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app.sync import SyncState, sync_commands
from bot.content import load_library
from bot.ops.health import HealthServer
from bot.ops.logs import JsonFormatter
from bot.settings import Settings, SettingsError, is_loopback
from bot.simulator import DiscordSimulator
from tests.ops_support import GatedBot, copy_content, edit
from tests.rig import run_client

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@asynccontextmanager
async def serving(sim: DiscordSimulator, settings: Settings) -> AsyncIterator[tuple[GatedBot, str]]:
    """A ready bot with its health endpoint on an ephemeral port; yields the bot and the endpoint's base URL."""
    bot = GatedBot(settings, load_library(settings.content_dir), guild_ready_timeout=0.05)
    async with run_client(bot, sim) as ready:
        await sync_commands(ready.tree, SyncState(settings.data_dir), None, force=True)
        assert ready.health is not None and ready.health.port
        yield ready, f"http://127.0.0.1:{ready.health.port}"
    assert bot.health is not None and bot.health.port is not None
    # Closed with the bot: nothing listens any more.
    with pytest.raises(aiohttp.ClientConnectionError):
        async with aiohttp.ClientSession() as http:
            await http.get(f"http://127.0.0.1:{bot.health.port}/healthz")


async def get(url: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, response.headers.get("Content-Type", ""), await response.text()


async def eventually(check: Callable[[], Any], within: float = 5.0) -> Any:
    """Re-run `check` (an async probe of the bot from outside) until it returns something truthy."""
    async with asyncio.timeout(within):
        while True:
            result = await check()
            if result:
                return result
            # The bot's side of an HTTP exchange lands a moment after the simulator's: look again shortly.
            await asyncio.sleep(0.02)


def samples(text: str) -> Samples:
    out: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def value(found: Samples, name: str, **labels: str) -> float | None:
    return found.get((name, tuple(sorted(labels.items()))))


def settings_for(tmp_path: Path, **extra: Any) -> Settings:
    # Port 0: the endpoint binds whatever is free and reports it (`bot.health.port`).
    return Settings(data_dir=tmp_path / "data", cooldown_rate=10_000, health_port=0, **extra)


# ------------------------------------------------------------------------------------------------ /metrics


async def test_metrics_count_what_was_served(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    async with DiscordSimulator() as sim, serving(sim, settings_for(tmp_path, content_dir=content)) as (_, url):
        guild = sim.default_guild
        assert guild is not None
        admin = sim.add_user("server-admin")
        sim.add_member(guild, admin, admin=True)

        timeline = await (await sim.invoke("timeline")).wait_original()
        await (await sim.invoke("objectives")).wait_response()
        await (await sim.invoke("objectives", {"private": True})).wait_response()
        await (await sim.autocomplete("timeline", "era", "20")).wait_response()
        next_page = next(b["custom_id"] for b in timeline.buttons() if b["custom_id"].startswith("nir:page:"))
        await (await sim.click(timeline, next_page)).wait_response()
        await (await sim.invoke("timeline", {"era": "no-such-moment"})).wait_response()
        edit(content / "pack.yaml", 'version: "1.0.0"', 'version: "1.1.0"')
        reloaded = await sim.invoke("reload", user=admin)
        await reloaded.wait_original(lambda m: not m.loading)

        async def scraped() -> Samples | None:
            status, kind, text = await get(f"{url}/metrics")
            assert status == 200 and kind.startswith("text/plain")
            found = samples(text)
            # The last response (the reload's) is the last one the bot hears back about.
            done = value(found, "refbot_interaction_latency_seconds_count", kind="command") == 5
            return found if done else None

        found = await eventually(scraped)

    assert value(found, "refbot_commands_total", command="objectives") == 2
    assert value(found, "refbot_commands_total", command="timeline") == 1
    assert value(found, "refbot_commands_total", command="reload") == 1
    # The /timeline with an unknown era failed: an error, answered, and not a served command.
    assert value(found, "refbot_errors_total", kind="unknown_value") == 1
    assert value(found, "refbot_errors_total", kind="internal") == 0
    assert value(found, "refbot_interaction_latency_seconds_count", kind="autocomplete") == 1
    assert value(found, "refbot_interaction_latency_seconds_count", kind="component") == 1
    within_3s = value(found, "refbot_interaction_latency_seconds_bucket", kind="command", le="3.0")
    assert within_3s == 5
    assert value(found, "refbot_content_reloads_total", result="ok") == 1
    assert value(found, "refbot_content_reloads_total", result="error") == 0
    assert value(found, "refbot_content_pack_info", title="NATO in Iraq", version="1.1.0") == 1
    assert value(found, "refbot_gateway_connected", shard="0") == 1
    latency = value(found, "refbot_gateway_latency_seconds", shard="0")
    assert latency is not None and 0 <= latency < 1
    assert value(found, "refbot_guilds") == 1


async def test_two_bots_in_one_process_keep_their_own_metrics(tmp_path: Path) -> None:
    # One Discord, two processes' worth of bots: shard 0 here, shard 1 there (discord.py's endpoints are global
    # to the process, so both must talk to the same simulator).
    async with DiscordSimulator() as sim:
        guilds = [sim.default_guild, sim.add_guild("second")]
        first_settings = settings_for(tmp_path / "a", shard_count=2, shard_ids=(0,))
        second_settings = settings_for(tmp_path / "b", shard_count=2, shard_ids=(1,))
        async with serving(sim, first_settings) as (_, first), serving(sim, second_settings) as (_, second):
            guild = next(g for g in guilds if g is not None and sim.gateway.shard_for_guild(g.id) == 0)
            await (await sim.invoke("about", guild=guild)).wait_response()

            async def counted() -> bool:
                found = samples((await get(f"{first}/metrics"))[2])
                return value(found, "refbot_interaction_latency_seconds_count", kind="command") == 1

            await eventually(counted)
            other = samples((await get(f"{second}/metrics"))[2])
            assert value(other, "refbot_commands_total", command="about") is None
            assert value(other, "refbot_interaction_latency_seconds_count", kind="command") == 0
            assert value(other, "refbot_gateway_connected", shard="1") == 1
            assert value(other, "refbot_gateway_connected", shard="0") is None


# ------------------------------------------------------------------------------------------------ /healthz


async def test_healthz_follows_the_gateway_down_and_back(tmp_path: Path) -> None:
    async with DiscordSimulator() as sim, serving(sim, settings_for(tmp_path)) as (bot, url):
        status, kind, text = await get(f"{url}/healthz")
        assert status == 200 and kind.startswith("application/json")
        report = json.loads(text)
        assert report["status"] == "ok" and report["gateway"] is True and report["content"] is True
        assert report["pack_version"] == bot.library.pack.version
        assert [s["id"] for s in report["shards"]] == [0] and report["shards"][0]["connected"] is True

        # Discord ends the session: the bot must IDENTIFY again, which it may not do at once.
        await sim.invalidate_session(resumable=False)

        async def down() -> dict[str, Any] | None:
            status, _, text = await get(f"{url}/healthz")
            return json.loads(text) if status == 503 else None

        report = await eventually(down)
        assert report["status"] != "ok" and report["gateway"] is False and report["content"] is True
        assert report["shards"][0]["connected"] is False
        metrics = samples((await get(f"{url}/metrics"))[2])
        assert value(metrics, "refbot_gateway_connected", shard="0") == 0

        identified = sim.gateway_event_count("identify")
        bot.identify_gate.set()
        await sim.wait_until(lambda: sim.gateway_event_count("identify") > identified)

        async def up() -> bool:
            return (await get(f"{url}/healthz"))[0] == 200

        await eventually(up)
        # Healthy means answering again.
        assert (await (await sim.invoke("about")).wait_response()).type == 4


async def test_the_endpoint_is_off_unless_a_port_is_set(tmp_path: Path) -> None:
    async with DiscordSimulator() as sim:
        bot = GatedBot(Settings(data_dir=tmp_path), load_library(Settings().content_dir), guild_ready_timeout=0.05)
        async with run_client(bot, sim) as ready:
            assert ready.health is None


async def test_binding_beyond_loopback_warns(caplog: pytest.LogCaptureFixture) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("bot.example.org")
    server = HealthServer("0.0.0.0", 0, lambda: {"status": "ok"}, lambda: b"")
    with caplog.at_level(logging.WARNING, logger="bot.ops.health"):
        await server.start()
    try:
        assert any(r.levelno == logging.WARNING and "0.0.0.0" in r.getMessage() for r in caplog.records)
    finally:
        await server.stop()
    quiet = HealthServer("127.0.0.1", 0, lambda: {"status": "starting"}, lambda: b"")
    caplog.clear()
    await quiet.start()
    try:
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert (await get(f"http://127.0.0.1:{quiet.port}/healthz"))[0] == 503
    finally:
        await quiet.stop()


# ------------------------------------------------------------------------------------------------ logs


def test_json_logs_are_one_object_per_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("bot.x", logging.ERROR, __file__, 1, "failed %s", ("once",), sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "bot.x" and entry["message"] == "failed once"
    assert entry["time"].endswith("Z") and "ValueError: boom" in entry["exception"]


def test_log_format_setting() -> None:
    assert Settings.from_mapping({}).log_format == "text"
    assert Settings.from_mapping({"LOG_FORMAT": "JSON"}).log_format == "json"
    with pytest.raises(SettingsError, match="LOG_FORMAT: expected one of text, json, got 'xml'"):
        Settings.from_mapping({"LOG_FORMAT": "xml"})
