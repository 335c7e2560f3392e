"""The playground as an operator meets it: hostile or odd requests, a page that stops reading, HEALTH_PORT,
simulated users whose ids stay put (so OWNER_IDS can name them), /reload, and quiet logs."""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.playground import Playground
from bot.playground.server import host_allowed, stable_user_id
from bot.settings import Settings
from tests.ops_support import free_port
from tests.test_playground_cli import READY, child_env, cli, read_until


@pytest.fixture
async def playground() -> AsyncIterator[Playground]:
    async with Playground(Settings(), port=0, watch=False) as running:
        yield running


async def request(playground: Playground, method: str, path: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession(base_url=playground.url) as http, http.request(method, path, **kwargs) as answer:
        return answer.status, await answer.json(content_type=None)


# ------------------------------------------------------------------------------------------ odd requests


@pytest.mark.parametrize("host", ["[::1", "[", ":", "127.0.0.1:notaport", "exa mple"])
async def test_an_unparsable_host_is_refused_not_a_server_error(playground: Playground, host: str) -> None:
    status, body = await request(playground, "GET", "/api/state", headers={"Host": host})
    assert status == 403, body
    assert body["ok"] is False


@pytest.mark.parametrize("command", [" ", "\t", "\n "])
async def test_a_blank_command_is_refused_not_a_server_error(playground: Playground, command: str) -> None:
    status, body = await request(playground, "POST", "/api/invoke", json={"command": command})
    assert status == 400, body
    assert body["error"] == "command must be a non-empty string"


def test_which_hosts_may_reach_a_playground() -> None:
    # On loopback: loopback names only (a rebinding name resolving to 127.0.0.1 is someone else's page).
    assert host_allowed("127.0.0.1", "127.0.0.1:8765") and host_allowed("127.0.0.1", "localhost:8765")
    assert host_allowed("::1", "[::1]:8765")
    assert not host_allowed("127.0.0.1", "evil.example:8765")
    # Bound beyond loopback: an IP address, localhost, or the name it was told to bind; no other name.
    assert host_allowed("0.0.0.0", "192.168.1.20:8765") and host_allowed("0.0.0.0", "[fe80::1]:8765")
    assert host_allowed("devbox.lan", "DEVBOX.lan:8765")
    assert not host_allowed("0.0.0.0", "evil.example:8765")
    assert not host_allowed("devbox.lan", "evil.example")
    assert not host_allowed("0.0.0.0", "[::1")


async def test_bound_beyond_loopback_a_foreign_host_name_is_still_refused() -> None:
    async with Playground(Settings(), host="0.0.0.0", port=0, watch=False) as running:
        url = f"http://127.0.0.1:{running.port}"
        async with aiohttp.ClientSession(base_url=url) as http:
            async with http.get("/api/state", headers={"Host": f"rebind.example:{running.port}"}) as answer:
                assert answer.status == 403
                assert "IP address" in (await answer.json())["error"]
            async with http.get("/api/state") as answer:
                assert answer.status == 200


# ------------------------------------------------------------------------------ a page that stops reading


async def _silent_client(port: int) -> socket.socket:
    """A WebSocket client for /api/events that completes the handshake and then never reads again."""
    loop = asyncio.get_running_loop()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await loop.sock_connect(sock, ("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    await loop.sock_sendall(sock, request.encode())
    assert (await loop.sock_recv(sock, 12)) == b"HTTP/1.1 101"
    return sock


async def test_a_page_that_never_reads_does_not_hold_up_the_others(playground: Playground) -> None:
    assert playground.port is not None
    silent = await _silent_client(playground.port)
    try:
        async with aiohttp.ClientSession(base_url=playground.url) as http, http.ws_connect("/api/events") as ws:
            assert (await ws.receive_json(timeout=5))["type"] == "hello"
            await asyncio.wait_for(_until(lambda: len(playground.hub) == 2), 5)
            bulk = {"type": "bulk", "padding": "x" * 256_000}

            async def drain() -> None:
                while (await ws.receive_json())["type"] != "marker":
                    pass

            reading = asyncio.create_task(drain())
            # Far more than the socket buffers of the silent page hold: sending to it would block for good.
            await asyncio.wait_for(_publish_all(playground, bulk, 300), 20)
            await asyncio.wait_for(playground.hub.publish({"type": "marker"}), 5)
            await asyncio.wait_for(reading, 20)
        assert len(playground.hub) == 0, "the silent page should have been dropped"
    finally:
        silent.close()


async def _publish_all(playground: Playground, event: dict[str, Any], times: int) -> None:
    for _ in range(times):
        await playground.hub.publish(event)
        await asyncio.sleep(0)


async def _until(predicate: Any) -> None:
    while not predicate():  # noqa: ASYNC110 - the hub has nothing to wait on
        await asyncio.sleep(0.01)


# ------------------------------------------------------------------------------------------- HEALTH_PORT


async def test_health_port_is_served_in_the_playground_too() -> None:
    port = free_port()
    async with Playground(Settings(health_port=port), port=0, watch=False):  # noqa: SIM117
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/healthz") as answer:
            report = await answer.json()
    assert answer.status == 200, report
    assert report["status"] == "ok"


async def test_a_busy_health_port_in_the_playground_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        env = child_env(PLAYGROUND_PORT=str(free_port()), HEALTH_PORT=str(port))
        async with cli(["playground"], tmp_path, env) as process:
            _, err = await asyncio.wait_for(process.communicate(), 60)
    text = err.decode()
    assert process.returncode == 1, text
    assert "Traceback" not in text
    assert f"HEALTH_PORT={port}" in text.strip().splitlines()[-1]


# ------------------------------------------------------------------------------- users, ids and /reload


async def test_simulated_users_keep_their_ids_from_one_start_to_the_next() -> None:
    seen = []
    for _ in range(2):
        async with Playground(Settings(), port=0, watch=False) as running:
            seen.append([(p.username, p.id) for p in running.people])
    assert seen[0] == seen[1]
    assert [name for name, _ in seen[0]] == ["sim-user", "alex", "sim-owner"]
    assert all(user_id == stable_user_id(name) for name, user_id in seen[0])
    assert len({user_id for _, user_id in seen[0]}) == 3


async def test_the_cli_names_the_users_and_their_ids(tmp_path: Path) -> None:
    async with cli(["playground"], tmp_path, child_env(PLAYGROUND_PORT=str(free_port()))) as process:
        assert process.stderr is not None
        await read_until(process.stderr, READY)
        line = (await asyncio.wait_for(process.stderr.readline(), 10)).decode()
    assert f"Sim Owner {stable_user_id('sim-owner')}" in line, line


async def test_reload_as_a_member_says_who_may_and_as_the_owner_it_reloads(playground: Playground) -> None:
    member, _, owner = playground.people
    status, body = await request(playground, "POST", "/api/invoke", json={"command": "reload", "user": str(member.id)})
    assert status == 403, body
    assert "permissions 8" not in body["error"]
    assert "administrators" in body["error"] and "Sim Owner" in body["error"]
    status, body = await request(playground, "POST", "/api/invoke", json={"command": "reload", "user": str(owner.id)})
    assert status == 200, body
    message = body["message"]
    assert message["ephemeral"] and message["owner_id"] == str(owner.id)
    assert "reloaded" in str(message).lower()
    _, state = await request(playground, "GET", "/api/state")
    assert [u["admin"] for u in state["users"]] == [False, False, True]
    reload_command = next(c for c in state["commands"] if c["name"] == "reload")
    assert reload_command["default_member_permissions"] == "8"


async def test_owner_ids_can_name_a_simulated_user() -> None:
    owner = stable_user_id("sim-owner")
    async with Playground(Settings(owner_ids=frozenset({owner})), port=0, watch=False) as running:
        status, body = await request(running, "POST", "/api/invoke", json={"command": "reload", "user": str(owner)})
    assert status == 200, body
    assert "reloaded" in str(body["message"]).lower()


# ----------------------------------------------------------------------------------------------- logs


async def test_heartbeats_are_acknowledged_after_a_round_trip_so_no_warnings(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """discord.py's heartbeat thread notes the time of a send only after the event loop has sent it. With the
    simulator in the same process answering at once, the loop could read the ACK first, and discord.py then
    took the whole interval (41.25 s) for latency: "Can't keep up, websocket is 41.3s behind" in a quiet session.
    The playground's simulator answers after a network's round trip, as Discord does; the latency shows it."""
    caplog.set_level(logging.WARNING, logger="discord")
    playground = Playground(Settings(), port=0, watch=False)
    playground.sim.heartbeat_interval = 0.5  # short, to see a few heartbeats; the round trip is the same
    async with playground:
        sim = playground.sim
        before = sim.gateway_event_count("heartbeat")
        await sim.wait_until(lambda: sim.gateway_event_count("heartbeat") >= before + 3, within=10)
        await asyncio.sleep(0.2)
        latency = playground.bot.latency
    # At least a round trip of a few tens of milliseconds, as on a network; far below the heartbeat interval.
    assert 0.04 <= latency < 0.5, latency
    assert [r for r in caplog.records if "keep up" in r.getMessage()] == []
