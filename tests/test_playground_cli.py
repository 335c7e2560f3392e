"""`python -m bot` without a token starts the playground; with REQUIRE_TOKEN it refuses; signals stop it cleanly.

Each test runs the real command line in a child process, in an empty working directory so that no `.env` of
the developer's (with a real token in it) is ever read.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

REPO = Path(__file__).resolve().parent.parent
READY = re.compile(r"playground ready: open (http://\S+) ")


def child_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "PLAYGROUND_", "REQUIRE_TOKEN", "DEV_GUILD", "CONTENT_DIR", "WATCH_"))
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["LOG_LEVEL"] = "INFO"
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def cli(args: list[str], cwd: Path, env: Mapping[str, str]) -> AsyncIterator[asyncio.subprocess.Process]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=dict(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def read_until(stream: asyncio.StreamReader, pattern: re.Pattern[str], within: float = 60.0) -> list[str]:
    """Lines up to and including the first that matches; the child's log is the only signal it is ready."""
    lines: list[str] = []
    async with asyncio.timeout(within):
        while True:
            raw = await stream.readline()
            if not raw:
                raise AssertionError("the process ended before printing the expected line:\n" + "".join(lines))
            lines.append(raw.decode())
            if pattern.search(lines[-1]):
                return lines


@pytest.mark.parametrize(
    ("args", "token", "stop", "hint"),
    [
        (["run"], None, signal.SIGTERM, "DISCORD_TOKEN is not set"),
        ([], None, signal.SIGINT, "DISCORD_TOKEN is not set"),
        # Asked for by name, the playground never uses a token it is given.
        (["playground"], "not-a-real-token", signal.SIGTERM, "never connects to Discord"),
    ],
)
async def test_the_playground_starts_and_stops_cleanly(
    tmp_path: Path, args: list[str], token: str | None, stop: signal.Signals, hint: str
) -> None:
    port = free_port()
    extra = {"PLAYGROUND_PORT": str(port)} | ({"DISCORD_TOKEN": token} if token else {})
    async with cli(args, tmp_path, child_env(**extra)) as process:
        assert process.stderr is not None
        lines = await read_until(process.stderr, READY)
        ready = lines[-1]
        url = READY.search(ready)
        assert url is not None and url[1] == f"http://127.0.0.1:{port}"
        assert hint in ready and "README.md" in ready
        async with aiohttp.ClientSession(base_url=url[1]) as http:
            async with http.get("/") as response:
                assert response.status == 200
            async with http.get("/api/commands") as response:
                assert "objectives" in [c["name"] for c in (await response.json())["commands"]]
        process.send_signal(stop)
        async with asyncio.timeout(30):
            rest = (await process.stderr.read()).decode()
            code = await process.wait()
        assert code == 0, rest
        assert "Traceback" not in rest
        assert "stopped" in rest


async def test_require_token_makes_a_missing_token_an_error(tmp_path: Path) -> None:
    async with cli(["run"], tmp_path, child_env(REQUIRE_TOKEN="true")) as process:
        async with asyncio.timeout(60):
            out, err = await process.communicate()
    assert process.returncode == 1
    assert "DISCORD_TOKEN is not set" in err.decode()
    assert "playground" not in (out + err).decode()


async def test_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        async with cli(["playground", "--port", str(port)], tmp_path, child_env()) as process:
            async with asyncio.timeout(60):
                _, err = await process.communicate()
    assert process.returncode == 1
    text = err.decode()
    assert f"127.0.0.1:{port}" in text and "PLAYGROUND_PORT" in text
    assert "Traceback" not in text
