"""What the operations tests (`tests/test_ops*.py`) share: a writable pack, a running bot, a free port."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.app.client import ReferenceBot, create_bot
from bot.app.sync import SyncState, sync_commands
from bot.settings import SHIPPED_CONTENT_DIR, Settings
from bot.simulator import DiscordSimulator
from tests.rig import run_client

ROOT = Path(__file__).resolve().parent.parent


class GatedBot(ReferenceBot):
    """The real bot, except that a new IDENTIFY after losing the session waits for the test's go-ahead.

    discord.py sleeps 5 s there (Discord's identify rate limit); the gate holds the gateway down exactly as long
    as the test needs to look at it, and no longer.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.identify_gate = asyncio.Event()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if not initial:
            await self.identify_gate.wait()


def copy_content(tmp_path: Path) -> Path:
    """A copy of the shipped pack that a test may edit."""
    target = tmp_path / "content"
    shutil.copytree(SHIPPED_CONTENT_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@asynccontextmanager
async def running(sim: DiscordSimulator, settings: Settings, *, sync: bool = True) -> AsyncIterator[ReferenceBot]:
    """The real bot, ready against `sim`; with `sync`, its commands registered globally as an operator would."""
    # discord.py waits this long for more GUILD_CREATEs before on_ready; the simulator sends them at once.
    bot = create_bot(settings, guild_ready_timeout=0.05)
    async with run_client(bot, sim) as ready:
        if sync:
            # Recorded in DATA_DIR, so a reload that changes the commands re-syncs this scope by itself.
            await sync_commands(ready.tree, SyncState(settings.data_dir), None, force=True)
        yield ready


def free_port() -> int:
    """A port nothing listens on right now (the OS may hand it out again, so use it at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Every variable the bot reads; the test's own environment must not leak into a bot process.
SETTING_PREFIXES = (
    "DISCORD_",
    "DEV_GUILD",
    "LOG_",
    "CONTENT_DIR",
    "DATA_DIR",
    "COOLDOWN_",
    "OWNER_IDS",
    "WATCH_CONTENT",
    "HEALTH_",
    "SHARD_",
    "PLAYGROUND_",
    "REQUIRE_TOKEN",
)


def process_env(sim: DiscordSimulator, data_dir: Path, *, token: str = "sim-token", **extra: str) -> dict[str, str]:
    """The environment of a `python -m bot` process that talks to `sim` and keeps its state in `data_dir`."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(SETTING_PREFIXES)},
        "DISCORD_TOKEN": token,
        "DISCORD_API_BASE": sim.api_base,
        "DISCORD_GATEWAY_URL": sim.gateway_url,
        "DATA_DIR": str(data_dir),
        # The working directory is a temp folder (so no stray .env is read): find the package from here.
        "PYTHONPATH": str(ROOT),
        **extra,
    }


async def spawn(cwd: Path, env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    """`python -m bot ARGS` in `cwd`, its output (stdout and stderr together) piped for the test to read."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
