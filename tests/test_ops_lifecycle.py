"""The real `python -m bot` process starting and stopping: one-line start-up errors that name what to check,
DATA_DIR checked before anything reaches Discord, and SIGTERM honoured within ten seconds whatever the gateway
is doing (down from the start, black-holed, refusing for long enough that discord.py's back-off grows), with
the interactions in flight answered or abandoned, never logged as tracebacks.
"""

from __future__ import annotations

import asyncio
import re
import signal
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.simulator import DiscordSimulator
from tests.ops_support import free_port, process_env, spawn

# Docker's grace period after SIGTERM (systemd's, in the shipped unit, is 15 s).
STOP_WITHIN = 10.0


class Running:
    """A bot process whose output is read as it comes, so a test can wait for a line while it runs."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._changed = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        async for raw in self.proc.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))
            self._changed.set()
        self._changed.set()

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    async def wait_for_line(self, pattern: str, within: float = 30.0) -> re.Match[str]:
        async def find() -> re.Match[str]:
            seen = 0
            while True:
                for line in self.lines[seen:]:
                    if match := re.search(pattern, line):
                        return match
                seen = len(self.lines)
                if self._reader.done():
                    raise AssertionError(f"the bot exited ({self.proc.returncode}) before {pattern!r}:\n{self.output}")
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(find(), within)

    async def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        """Send `sig`; the exit code, which must come within STOP_WITHIN."""
        self.proc.send_signal(sig)
        try:
            code = await asyncio.wait_for(self.proc.wait(), STOP_WITHIN)
        except TimeoutError:
            raise AssertionError(f"still running {STOP_WITHIN:g} s after {sig.name}:\n{self.output}") from None
        await self._reader
        return code

    async def finished(self, within: float = 60.0) -> int:
        code = await asyncio.wait_for(self.proc.wait(), within)
        await self._reader
        return code


@asynccontextmanager
async def bot_process(tmp_path: Path, env: dict[str, str], *args: str) -> AsyncIterator[Running]:
    running = Running(await spawn(tmp_path, env, *args))
    try:
        yield running
    finally:
        if running.proc.returncode is None:
            running.proc.kill()
            await running.proc.wait()
        running._reader.cancel()


def assert_quiet(output: str) -> None:
    assert "Traceback" not in output, output
    assert " ERROR " not in output, output
    assert "sim-token" not in output


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


# ------------------------------------------------------------------------------------------- start-up errors


async def _start_and_fail(tmp_path: Path, env: dict[str, str], *args: str) -> str:
    async with bot_process(tmp_path, env, *args) as running:
        code = await running.finished()
    assert code == 1, running.output
    assert "Traceback" not in running.output, running.output
    return last_line(running.output)


@pytest.mark.parametrize("command", [(), ("sync", "--global")])
async def test_no_network_is_one_line_naming_the_api_base(tmp_path: Path, command: tuple[str, ...]) -> None:
    async with DiscordSimulator() as sim:
        # A name that can never resolve (RFC 2606), as when the machine has no DNS.
        env = process_env(sim, tmp_path / "data", DISCORD_API_BASE="http://discord.invalid/api/v10")
        line = await _start_and_fail(tmp_path, env, *command)
    assert line.startswith("cannot start: cannot resolve discord.invalid"), line
    assert "DISCORD_API_BASE" in line and "DNS" in line


async def test_an_unreachable_api_base_is_one_line(tmp_path: Path) -> None:
    async with DiscordSimulator() as sim:
        port = free_port()
        env = process_env(sim, tmp_path / "data", DISCORD_API_BASE=f"http://127.0.0.1:{port}/api/v10")
        line = await _start_and_fail(tmp_path, env)
    assert line.startswith(f"cannot start: cannot connect to 127.0.0.1:{port}"), line
    assert "DISCORD_API_BASE" in line


@pytest.mark.provokes_rejections  # the 401 is the point
@pytest.mark.parametrize("command", [(), ("sync", "--global")])
async def test_a_rejected_token_is_one_line_naming_the_token(tmp_path: Path, command: tuple[str, ...]) -> None:
    async with DiscordSimulator() as sim:
        env = process_env(sim, tmp_path / "data", token="not-the-token")
        line = await _start_and_fail(tmp_path, env, *command)
    assert line.startswith("cannot start: Discord refused DISCORD_TOKEN"), line
    assert "not-the-token" not in line


async def test_a_health_port_in_use_is_one_line_naming_it(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with DiscordSimulator() as sim:
            env = process_env(sim, tmp_path / "data", HEALTH_PORT=str(port))
            line = await _start_and_fail(tmp_path, env)
    assert line.startswith("cannot start: cannot serve /healthz"), line
    assert f"HEALTH_PORT={port}" in line


@pytest.mark.parametrize("command", [(), ("sync", "--global")])
async def test_an_unwritable_data_dir_stops_before_anything_is_sent(tmp_path: Path, command: tuple[str, ...]) -> None:
    # A file where a folder should be: unwritable for root too (tests may run as root, which ignores modes).
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    async with DiscordSimulator() as sim:
        assert sim.default_guild is not None
        env = process_env(sim, blocker / "data", DEV_GUILD_ID=str(sim.default_guild.id))
        line = await _start_and_fail(tmp_path, env, *command)
        assert sim.requests == [], "something reached Discord before DATA_DIR was checked"
        assert sim.sync_count(sim.default_guild) == 0 and sim.sync_count(None) == 0
    assert line.startswith(f"cannot start: DATA_DIR={blocker / 'data'} is not writable"), line


async def test_a_sync_that_cannot_be_recorded_is_logged_and_the_bot_serves_on(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # DATA_DIR itself is writable, but the state file cannot be replaced: the failure comes after the sync.
    (data / "sync-state.json").mkdir(parents=True)
    async with DiscordSimulator() as sim:
        guild = sim.default_guild
        assert guild is not None
        env = process_env(sim, data, DEV_GUILD_ID=str(guild.id))
        async with bot_process(tmp_path, env) as running:
            await running.wait_for_line(r"could not record the sync in .*sync-state\.json.*check DATA_DIR")
            await sim.wait_for_session(0, within=20)
            record = await sim.invoke("objectives", guild=guild)
            assert (await record.wait_response()).type == 4
            assert await running.stop() == 0
    assert sim.sync_count(guild) == 1
    assert "Traceback" not in running.output
    assert not (data / "sync-state.tmp").exists(), "a half-written state file was left behind"


# ------------------------------------------------------------------------------------------------- shutdown


def _ready_env(sim: DiscordSimulator, tmp_path: Path) -> dict[str, str]:
    assert sim.default_guild is not None
    return process_env(sim, tmp_path / "data", DEV_GUILD_ID=str(sim.default_guild.id))


async def _outage_attempts(sim: DiscordSimulator, more_than: int) -> None:
    await sim.wait_until(lambda: sim.gateway_event_count("outage") > more_than, within=30)


async def test_sigterm_while_discord_is_down_from_the_start(tmp_path: Path) -> None:
    async with DiscordSimulator() as sim:
        await sim.gateway_outage("refuse")
        async with bot_process(tmp_path, _ready_env(sim, tmp_path)) as running:
            # discord.py retries a first connection every 5 s, forever, and close() did not stop that loop.
            await _outage_attempts(sim, 0)
            assert await running.stop() == 0
    assert "Traceback" not in running.output


async def test_sigterm_while_the_gateway_is_black_holed(tmp_path: Path) -> None:
    async with DiscordSimulator() as sim, bot_process(tmp_path, _ready_env(sim, tmp_path)) as running:
        await sim.wait_for_session(0, within=20)
        await sim.gateway_outage("hang")
        # The reconnect is held unanswered: discord.py would wait out its 60 s connection timeout.
        await _outage_attempts(sim, 0)
        assert await running.stop() == 0
    assert "Traceback" not in running.output


async def test_sigterm_during_a_long_outage_does_not_wait_out_the_back_off(tmp_path: Path) -> None:
    async with DiscordSimulator() as sim, bot_process(tmp_path, _ready_env(sim, tmp_path)) as running:
        await sim.wait_for_session(0, within=20)
        await sim.gateway_outage("refuse")
        # discord.py's back-off doubles (at random, up to 2, 4, 8, 16, 32 s ...): wait, as a 30 s outage
        # does, until it announces a sleep longer than the supervisor's grace period.
        await running.wait_for_line(r"reconnect for shard ID 0 in (1[1-9]|[2-9]\d|\d{3,})\.\d+s", within=120)
        assert await running.stop() == 0
    assert "Traceback" not in running.output


async def _in_flight(tmp_path: Path, callback_delay: float) -> tuple[Running, list[bool]]:
    """SIGTERM with 20 commands in flight, their callbacks held `callback_delay` by Discord."""
    async with DiscordSimulator() as sim:
        guild = sim.default_guild
        async with bot_process(tmp_path, _ready_env(sim, tmp_path)) as running:
            await running.wait_for_line(r"synced \d+ commands")
            await sim.wait_for_session(0, within=20)
            sim.faults.delay("POST /interactions/*/callback", seconds=callback_delay, times=None)
            records = [await sim.invoke("objectives", guild=guild) for _ in range(20)]
            # Held requests wake no simulator waiter until they end, so this one polls.
            while len(sim.faults.fired) < len(records):  # noqa: ASYNC110 - nothing to wait on
                await asyncio.sleep(0.05)
            assert await running.stop() == 0
        return running, [any(a.accepted for a in r.attempts) for r in records]


async def test_sigterm_answers_the_interactions_in_flight_first(tmp_path: Path) -> None:
    running, answered = await _in_flight(tmp_path, callback_delay=1.0)
    assert all(answered), "an interaction in flight was dropped although its answer was on its way"
    assert_quiet(running.output)


async def test_sigterm_abandons_interactions_that_outlast_the_grace_quietly(tmp_path: Path) -> None:
    running, answered = await _in_flight(tmp_path, callback_delay=30.0)
    assert not any(answered)
    assert "Session is closed" not in running.output
    assert "Traceback" not in running.output
    # Each one is given up at Discord's 3 s deadline (bot.app.replies.first_response) or, if the shutdown's own
    # grace ends first, by the shutdown: either way it is said, once, in one line.
    given_up = running.output.count("did not take the answer")
    assert given_up == 20 or "interactions unanswered" in running.output
