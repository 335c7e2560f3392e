"""One process of the interaction benchmark (`benchmarks/interactions.py` starts it; not meant to be run by hand).

    python -m benchmarks._worker ours|bare     run a bot against the simulator named by the environment
    python -m benchmarks._worker load --scale 100 [--repeats N]   time loading the shipped pack and a bigger one

A bot worker reads its settings from the environment, as `python -m bot run` does (`DISCORD_TOKEN`,
`DISCORD_API_BASE`, `DISCORD_GATEWAY_URL`, `DEV_GUILD_ID`, `DATA_DIR`, `COOLDOWN_RATE`), starts the bot, and
writes one JSON line when it is READY with its commands synced. It then answers lines on stdin with one JSON
line each: `sample` (CPU seconds this process has used, its resident set and live Python blocks), `gc` (the
same after a full collection and after free heap pages go back to the system, with the resident set found
before), `stop` (close the bot and exit). Everything else it says goes to stderr.

Only what a kind needs is imported, so each process pays for its own bot and nothing more.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import ctypes.util
import gc
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import discord

SHIPPED: Final = Path(__file__).resolve().parent.parent / "content"
# discord.py waits this long after the last GUILD_CREATE before READY (2 s by default, the same for both bots);
# kept short, as in the tests, so the time to READY shows the work each bot does rather than that wait.
GUILD_READY_TIMEOUT: Final = 0.05


def memory_kib() -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (the peak) of this process, in KiB; zeros where /proc is not there."""
    found = {"rss_kib": 0, "hwm_kib": 0}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                found["rss_kib"] = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                found["hwm_kib"] = int(line.split()[1])
    except OSError:
        pass
    return found


def sample() -> dict[str, Any]:
    return {"cpu": time.process_time(), "blocks": sys.getallocatedblocks(), **memory_kib()}


def collected() -> dict[str, Any]:
    """A sample taken after a full collection and malloc_trim (glibc), with the resident set as it was before.

    Trimming hands the C heap's free pages back to the system, so `rss_kib` then counts memory in use rather
    than what the allocator keeps after a busy moment; `raw_rss_kib` is the resident set as found, and
    `blocks` counts Python's live memory blocks.
    """
    raw = memory_kib()["rss_kib"]
    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass
    return {**sample(), "raw_rss_kib": raw}


def say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def build(kind: str) -> tuple[discord.Client, str]:
    """The unstarted bot of `kind` and its token, configured from the environment."""
    if kind == "ours":
        from bot.content import heap

        # As `python -m bot run` starts: collection paused until READY, when the bot ends the pause.
        heap.pause_collection()
        from bot.app.client import create_bot
        from bot.settings import Settings

        settings = Settings.from_env(env_file=None)
        assert settings.discord_token is not None, "DISCORD_TOKEN is not set"
        # The one public way to build our bot; start() points discord.py at DISCORD_API_BASE/GATEWAY_URL.
        return create_bot(settings, guild_ready_timeout=GUILD_READY_TIMEOUT), settings.discord_token.get()

    import yarl
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    from benchmarks._bare_bot import BareBot

    # What a plain bot behind a REST proxy would do: point discord.py's two endpoints elsewhere.
    Route.BASE = os.environ["DISCORD_API_BASE"].rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])
    client = BareBot(int(os.environ["DEV_GUILD_ID"]), guild_ready_timeout=GUILD_READY_TIMEOUT)
    return client, os.environ["DISCORD_TOKEN"]


async def wait_ready(client: discord.Client, running: asyncio.Task[None]) -> None:
    """Until the client is READY (commands sync in setup_hook, before it), or has stopped trying."""
    while not running.done():
        waiter = asyncio.ensure_future(client.wait_until_ready())
        await asyncio.wait({waiter, running}, return_when=asyncio.FIRST_COMPLETED)
        if not waiter.done():
            waiter.cancel()
        elif waiter.exception() is None:
            return
        else:
            # Not logged in yet (RuntimeError): `start` sets the client up at its first step, so a turn or two.
            await asyncio.sleep(0.001)
    running.result()  # raises what stopped the client
    raise RuntimeError("the client stopped before READY")


async def serve(kind: str, started: float) -> int:
    client, token = build(kind)
    built = time.perf_counter()
    running = asyncio.create_task(client.start(token), name=f"{kind}-bot")
    try:
        await wait_ready(client, running)
    except Exception as exc:
        say({"event": "error", "error": repr(exc)})
        await client.close()
        return 1
    ready = {"build_s": built - started, "ready_s": time.perf_counter() - started, **sample()}
    say({"event": "ready", "guild_ready_timeout": GUILD_READY_TIMEOUT, **ready})

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := (await reader.readline()).decode().strip():
        if line == "sample":
            say(sample())
        elif line == "gc":
            say(collected())
        elif line == "stop":
            break
        else:
            say({"event": "error", "error": f"unknown request {line!r}"})
    await client.close()
    try:
        await asyncio.wait_for(running, 10)
    except Exception as exc:
        logging.getLogger(__name__).warning("the %s bot stopped with %r", kind, exc)
    say({"event": "stopped"})
    return 0


def timed(call: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def figures(runs: Sequence[tuple[float, float]]) -> dict[str, float]:
    return {
        "first_ms": runs[0][0] * 1000,
        "median_ms": statistics.median(w for w, _ in runs) * 1000,
        "cpu_median_ms": statistics.median(c for _, c in runs) * 1000,
        "runs": len(runs),
    }


def measure_loads(scale: int, repeats: int) -> dict[str, Any]:
    """Load and validate the shipped pack, then a generated pack `scale` times its size; the first load of each
    is in a process that has loaded nothing yet (the shipped one), as at a bot's start."""
    from benchmarks._packs import generate_pack
    from bot.content import load_library

    shipped = [timed(lambda: load_library(SHIPPED)) for _ in range(max(repeats, 5))]
    with tempfile.TemporaryDirectory(prefix="bench-pack-") as tmp:
        generate_s, _ = timed(lambda: generate_pack(SHIPPED, Path(tmp) / "pack", scale))
        library = load_library(Path(tmp) / "pack")
        counts = {"topics": len(library.topics), "commands": len(library.commands), "events": len(library.timeline)}
        del library
        scaled = [timed(lambda: load_library(Path(tmp) / "pack")) for _ in range(repeats)]
    return {
        "shipped": figures(shipped),
        "scaled": {**figures(scaled), "scale": scale, "generate_ms": generate_s * 1000, **counts},
    }


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    parser = argparse.ArgumentParser(description="a process of benchmarks/interactions.py")
    parser.add_argument("kind", choices=["ours", "bare", "load"])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    if args.kind == "load":
        say(measure_loads(args.scale, args.repeats))
        return 0
    return asyncio.run(serve(args.kind, started))


if __name__ == "__main__":
    raise SystemExit(main())
