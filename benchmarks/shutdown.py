"""How long the real `python -m bot` takes to exit after SIGTERM, in the situations a supervisor meets.

Prints one row per situation (seconds from SIGTERM to exit, and the exit code), against the local simulator:

    python -m benchmarks.shutdown [--repeat N]

Docker waits 10 s after SIGTERM before SIGKILL, the shipped systemd unit 15 s.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import statistics
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.simulator import DiscordSimulator  # noqa: E402
from tests.ops_support import process_env, spawn  # noqa: E402

Setup = Callable[[DiscordSimulator], Awaitable[None]]


async def _connected(sim: DiscordSimulator) -> None:
    await sim.wait_for_session(0, within=30)


async def _outage(sim: DiscordSimulator) -> None:
    await _connected(sim)
    await sim.gateway_outage("refuse")
    # Long enough for discord.py's back-off to have grown past a few seconds.
    await asyncio.sleep(12)


async def _in_flight(sim: DiscordSimulator) -> None:
    await _connected(sim)
    await asyncio.sleep(0.5)  # the start-up sync
    sim.faults.delay("POST /interactions/*/callback", seconds=1.0, times=None)
    for _ in range(20):
        await sim.invoke("objectives", guild=sim.default_guild)
    await asyncio.sleep(0.2)


async def _down_from_the_start(sim: DiscordSimulator) -> None:
    await asyncio.sleep(3)


SITUATIONS: dict[str, tuple[Setup, bool]] = {
    "connected, idle": (_connected, False),
    "20 commands in flight (1 s callbacks)": (_in_flight, False),
    "gateway down for 12 s": (_outage, False),
    "gateway down from the start": (_down_from_the_start, True),
}


async def measure(setup: Setup, down_first: bool) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        async with DiscordSimulator() as sim:
            assert sim.default_guild is not None
            if down_first:
                await sim.gateway_outage("refuse")
            env = process_env(sim, Path(tmp) / "data", DEV_GUILD_ID=str(sim.default_guild.id))
            proc = await spawn(Path(tmp), env)
            try:
                await setup(sim)
                loop = asyncio.get_running_loop()
                sent = loop.time()
                proc.send_signal(signal.SIGTERM)
                code = await asyncio.wait_for(proc.wait(), 180)
                return loop.time() - sent, code
            finally:
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()


async def main(repeat: int) -> None:
    print(f"{'situation':42} {'median s':>9} {'max s':>7}  exit codes")
    for name, (setup, down_first) in SITUATIONS.items():
        runs = [await measure(setup, down_first) for _ in range(repeat)]
        times = [t for t, _ in runs]
        codes = sorted({c for _, c in runs})
        print(f"{name:42} {statistics.median(times):9.2f} {max(times):7.2f}  {codes}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    asyncio.run(main(parser.parse_args().repeat))
