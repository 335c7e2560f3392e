"""Sharding across processes: two real `python -m bot` processes split one deployment's shards.

One simulator (in this test process) plays Discord for both. Each process runs one shard of two
(SHARD_COUNT=2, SHARD_IDS=0 or 1), Discord routes each guild's events to the shard `(guild_id >> 22) % 2`, and
every interaction must be answered by exactly one process: the one running that guild's shard. The commands are
registered the way an operator does it, with `python -m bot sync --global`. SIGTERM stops each process cleanly.
"""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.content import load_library
from bot.settings import SHIPPED_CONTENT_DIR, Settings
from bot.simulator import DiscordSimulator
from tests.ops_support import GatedBot, free_port, process_env, spawn
from tests.rig import run_client

TOKEN = "dummy-token-for-the-shard-test"


def environment(sim: DiscordSimulator, data_dir: Path, **extra: str) -> dict[str, str]:
    return process_env(sim, data_dir, token=TOKEN, REQUIRE_TOKEN="true", LOG_LEVEL="INFO", LOG_FORMAT="json", **extra)


async def output_of(proc: asyncio.subprocess.Process) -> str:
    return (await proc.stdout.read()).decode() if proc.stdout else ""


async def wait_healthy(port: int, proc: asyncio.subprocess.Process, within: float = 20.0) -> dict[str, object]:
    """Poll the process's /healthz until it answers 200 (connection refused while it starts)."""
    async with aiohttp.ClientSession() as http, asyncio.timeout(within):
        while True:
            if proc.returncode is not None:
                raise AssertionError(f"the bot exited early with {proc.returncode}:\n{await output_of(proc)}")
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        report: dict[str, object] = await response.json()
                        return report
            except aiohttp.ClientConnectionError:
                pass
            # A process starting up has nothing to signal readiness with but its endpoint: look again shortly.
            await asyncio.sleep(0.05)


async def commands_served(port: int) -> float:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/metrics") as response:
        text = await response.text()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "refbot_commands_total"
    )


async def test_two_processes_split_the_shards_and_stop_cleanly(tmp_path: Path) -> None:
    async with DiscordSimulator(token=TOKEN) as sim:
        # Consecutive guild ids land on consecutive shards: two guilds on each.
        guilds = [sim.default_guild, *(sim.add_guild(f"guild {i}") for i in range(3))]
        ports = [free_port(), free_port()]
        sync = await spawn(tmp_path, environment(sim, tmp_path / "sync"), "sync", "--global")
        procs = [
            await spawn(
                tmp_path,
                environment(
                    sim,
                    tmp_path / f"data-{shard}",
                    SHARD_COUNT="2",
                    SHARD_IDS=str(shard),
                    HEALTH_PORT=str(port),
                ),
            )
            for shard, port in enumerate(ports)
        ]
        outputs: list[str] = []
        try:
            assert await asyncio.wait_for(sync.wait(), 20) == 0, await output_of(sync)
            reports = [await wait_healthy(port, proc) for port, proc in zip(ports, procs, strict=True)]
            assert [r["shard_count"] for r in reports] == [2, 2]
            assert [[s["id"] for s in r["shards"]] for r in reports] == [[0], [1]]  # type: ignore[attr-defined]
            # Each process identified as its own shard of two, once.
            shards = sorted(e.detail["shard"] for e in sim.gateway_events if e.kind == "identify")
            assert shards == [[0, 2], [1, 2]]

            served = [0, 0]
            for guild in guilds:
                assert guild is not None
                record = await sim.invoke("about", guild=guild)
                await record.wait_original()
                shard = (guild.id >> 22) % 2
                assert record.shard_id == shard
                served[shard] += 1
                # One acknowledgement, no second attempt from the other process.
                assert len(record.attempts) == 1 and record.attempts[0].accepted
                session = sim.gateway.session_for_shard(shard)
                assert session is not None and session.connection is not None
                sent = [p["d"]["id"] for p in session.connection.sent if p.get("t") == "INTERACTION_CREATE"]
                assert str(record.id) in sent
            assert served == [2, 2]
            # ... and each process answered exactly its own shard's: its counters say so.
            assert [await commands_served(port) for port in ports] == [2.0, 2.0]

            loop = asyncio.get_running_loop()
            sent_at = loop.time()
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            codes = await asyncio.wait_for(asyncio.gather(*(proc.wait() for proc in procs)), 10)
            assert codes == [0, 0]
            assert loop.time() - sent_at < 10
        finally:
            for proc in (sync, *procs):
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()
            outputs = [await output_of(proc) for proc in procs]
        sim.assert_no_rejections()

    for output in outputs:
        assert TOKEN not in output, "the token leaked into the log"
        lines = [json.loads(line) for line in output.splitlines() if line.strip()]
        assert all({"time", "level", "logger", "message"} <= set(entry) for entry in lines)
        assert not [e for e in lines if e["level"] in ("ERROR", "CRITICAL") or "exception" in e], lines
        assert any(e["message"] == "SIGTERM received; closing the gateway" for e in lines)


async def test_unset_the_bot_asks_discord_how_many_shards_and_runs_them_all(tmp_path: Path) -> None:
    async with DiscordSimulator(recommended_shards=2) as sim:
        guilds = [sim.default_guild, sim.add_guild("second")]
        bot = GatedBot(Settings(data_dir=tmp_path), load_library(SHIPPED_CONTENT_DIR), guild_ready_timeout=0.05)
        # Only a re-IDENTIFY would wait at the gate, and the second shard's first IDENTIFY counts as one: open it.
        bot.identify_gate.set()
        async with run_client(bot, sim) as ready:
            assert any(r.method == "GET" and r.path.endswith("/gateway/bot") for r in sim.requests)
            assert ready.shard_count == 2 and sorted(ready.shards) == [0, 1]
            report = ready.health_report()
            assert report["status"] == "ok" and [s["id"] for s in report["shards"]] == [0, 1]
            await ready.tree.sync()
            for guild in guilds:
                assert guild is not None
                record = await sim.invoke("about", guild=guild)
                await record.wait_original()
                assert record.shard_id == (guild.id >> 22) % 2
            assert {sim.gateway.shard_for_guild(g.id) for g in guilds if g is not None} == {0, 1}
