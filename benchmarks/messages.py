"""Message benchmark: the CPU the bot spends on a server message it ignores, and on a question it answers.

    .venv/bin/python -m benchmarks.messages [--n 2000]

With ANSWER_MENTIONS on, the bot asks for the guild-messages intent and Discord sends it every message of
every channel it can see; all but the few that mention it are ignored, so what one ignored message costs is
what the setting costs. Measured in one process against the simulator: the CPU time of posting `n` ordinary
messages to a bare `discord.Client` with the same intents and no listener (what discord.py itself spends,
plus the simulator), then to our bot; the difference is our code. With the setting off (the default) those
messages are not sent to the bot at all. Printed figures only, no pass mark: the 2-core machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from tempfile import TemporaryDirectory

import discord

from bot.app.client import create_bot
from bot.settings import Settings
from bot.simulator import DiscordSimulator
from bot.simulator.messages import post_message
from tests.rig import run_client

log = logging.getLogger(__name__)


async def _last_seen(sim: DiscordSimulator, client: discord.Client, content: str) -> None:
    """Post one more message and return once `client` has received it (so it has received all before it)."""
    after = sim.snowflakes.make()  # ids only grow: any message with a larger one was posted after this
    waiter = asyncio.ensure_future(client.wait_for("message", check=lambda m: m.id > after, timeout=60))
    await asyncio.sleep(0)
    await post_message(sim, content)
    await waiter


async def _cpu_per_message(sim: DiscordSimulator, client: discord.Client, n: int) -> float:
    """Microseconds of process CPU per ordinary message, once the client has seen the last one."""
    for _ in range(50):  # warm caches and regexes up
        await post_message(sim, "warm-up chatter about lunch")
    await _last_seen(sim, client, "warm-up done")
    started = time.process_time()
    for number in range(n):
        await post_message(sim, f"message {number}: nothing to do with the bot")
    await _last_seen(sim, client, "the last one")
    return (time.process_time() - started) / (n + 1) * 1e6


async def measure(n: int) -> tuple[float, float]:
    """(bare client, our bot) CPU per ignored message, both with the guilds and guild-messages intents."""
    intents = discord.Intents.none()
    intents.guilds = intents.guild_messages = intents.dm_messages = True
    async with DiscordSimulator() as sim, run_client(discord.Client(intents=intents), sim) as bare:
        floor = await _cpu_per_message(sim, bare, n)
    with TemporaryDirectory() as data:
        bot = create_bot(Settings(data_dir=Path(data), answer_mentions=True), guild_ready_timeout=0.05)
        async with DiscordSimulator() as sim, run_client(bot, sim) as ours:
            spent = await _cpu_per_message(sim, ours, n)
    return floor, spent


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="ordinary messages posted to each client")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    floor, spent = asyncio.run(measure(args.n))
    print(
        f"{args.n} ignored server messages (ANSWER_MENTIONS=true), process CPU per message, simulator included:\n"
        f"  bare discord.Client, no listener   {floor:7.1f} µs\n"
        f"  our bot                            {spent:7.1f} µs\n"
        f"  our code's share                   {spent - floor:7.1f} µs\n"
        "  with ANSWER_MENTIONS=false (default) the gateway does not send them: 0 µs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
