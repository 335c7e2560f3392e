"""The gateway over a raw websocket: HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats, RESUME, close codes."""

from __future__ import annotations

import zlib
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.simulator import DiscordSimulator
from bot.simulator.snowflakes import shard_for

Open = Callable[..., Awaitable[Any]]  # returns conftest.RawGateway


async def test_hello_identify_ready_guild_create(sim: DiscordSimulator, open_gateway: Open) -> None:
    gw = await open_gateway(read_hello=False)
    hello = await gw.recv()
    assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] == 1000
    assert hello["s"] is None and hello["t"] is None
    ready = await gw.identify()
    assert ready["op"] == 0 and ready["s"] == 1
    d = ready["d"]
    assert d["v"] == 10
    assert d["user"]["id"] == str(sim.bot_user.id) and d["user"]["bot"] is True
    assert d["application"] == {"id": str(sim.application_id), "flags": sim.application_flags}
    assert d["resume_gateway_url"] == sim.resume_gateway_url
    assert len(d["session_id"]) == 32
    assert "shard" not in d  # not identified with a shard
    guild = sim.default_guild
    assert guild is not None
    assert d["guilds"] == [{"id": str(guild.id), "unavailable": True}]
    create = await gw.recv()
    assert create["t"] == "GUILD_CREATE" and create["s"] == 2
    g = create["d"]
    assert g["id"] == str(guild.id) and g["unavailable"] is False
    assert g["member_count"] == len(guild.members)
    assert [c["name"] for c in g["channels"]] == ["general"]
    assert g["roles"][0]["id"] == str(guild.id)  # @everyone
    assert [m["user"]["id"] for m in g["members"]] == [str(sim.bot_user.id)]
    assert sim.gateway_event_count("identify") == 1


async def test_heartbeat_ack(sim: DiscordSimulator, open_gateway: Open) -> None:
    gw = await open_gateway()
    await gw.send(1, None)  # heartbeats are allowed before IDENTIFY
    assert (await gw.recv())["op"] == 11
    await gw.identify()
    await gw.recv_dispatch("GUILD_CREATE")
    await gw.send(1, 2)
    assert (await gw.recv()) == {"op": 11, "d": None, "s": None, "t": None}
    sim.set_heartbeat_acks(False)
    await gw.send(1, 2)
    await gw.send(1, 2)
    sim.set_heartbeat_acks(True)
    await gw.send(1, 2)
    assert (await gw.recv())["op"] == 11
    assert sim.gateway_event_count("heartbeat") == 5


async def test_zlib_stream(sim: DiscordSimulator, open_gateway: Open) -> None:
    gw = await open_gateway(compress=True, read_hello=False)
    hello = await gw.recv()
    assert hello["op"] == 10
    await gw.identify()
    await gw.recv_dispatch("GUILD_CREATE")
    # Every message is one deflate stream, flushed with Z_SYNC_FLUSH: it ends with 00 00 ff ff.
    assert len(gw.frames) == 3
    assert all(frame.endswith(b"\x00\x00\xff\xff") for frame in gw.frames)
    # The frames only decode in order, with one decompressor: a fresh one cannot read the second.
    with pytest.raises(zlib.error):
        zlib.decompressobj().decompress(gw.frames[1])
    assert sim.gateway_events[0].detail["compress"] == "zlib-stream"


async def test_zlib_stream_split_frames(sim: DiscordSimulator, open_gateway: Open) -> None:
    sim.gateway_split_frames = True
    gw = await open_gateway(compress=True, read_hello=False)
    assert (await gw.recv())["op"] == 10
    ready = await gw.identify()
    assert ready["t"] == "READY"
    assert len(gw.frames) == 4  # HELLO and READY, each in two frames
    assert not gw.frames[0].endswith(b"\x00\x00\xff\xff")


async def test_resume_replays_missed_events(sim: DiscordSimulator, open_gateway: Open) -> None:
    first = await open_gateway()
    ready = await first.identify()
    await first.recv_dispatch("GUILD_CREATE")  # seq 2
    session_id = ready["d"]["session_id"]
    await sim.drop_connection()
    # While disconnected, two more events happen on the session.
    sim.add_guild("Joined later")
    sim.add_guild("Joined even later")
    session = sim.gateway.sessions[session_id]
    await sim.wait_until(lambda: session.seq == 4)
    second = await open_gateway(path="/resume")
    await second.send(6, {"token": "sim-token", "session_id": session_id, "seq": 2})
    replayed = [await second.recv(), await second.recv()]
    assert [(p["t"], p["s"]) for p in replayed] == [("GUILD_CREATE", 3), ("GUILD_CREATE", 4)]
    resumed = await second.recv()
    assert resumed["t"] == "RESUMED" and resumed["s"] == 5
    event = await sim.wait_for_gateway_event("resume")
    assert event.detail["replayed"] == 2 and event.detail["path"] == "/resume"


async def test_resume_unknown_session_is_invalidated(sim: DiscordSimulator, open_gateway: Open) -> None:
    gw = await open_gateway()
    await gw.send(6, {"token": "sim-token", "session_id": "nope", "seq": 1})
    assert await gw.recv() == {"op": 9, "d": False, "s": None, "t": None}


async def test_resume_with_future_seq_is_4007(sim: DiscordSimulator, open_gateway: Open) -> None:
    first = await open_gateway()
    ready = await first.identify()
    second = await open_gateway()
    await second.send(6, {"token": "sim-token", "session_id": ready["d"]["session_id"], "seq": 99})
    assert await second.close_code() == 4007
    assert sim.gateway.sessions[ready["d"]["session_id"]].invalidated


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("not json", 4002),
        ({"op": 99, "d": None}, 4001),
        ({"op": 8, "d": {"guild_id": "1"}}, 4003),
        ({"op": 2, "d": {"token": "wrong", "intents": 0, "properties": {}}}, 4004),
        ({"op": 2, "d": {"token": "sim-token", "intents": 0, "properties": {}, "shard": [2, 2]}}, 4010),
        ({"op": 2, "d": {"token": "sim-token", "intents": 1 << 30, "properties": {}}}, 4013),
        ({"op": 2, "d": {"token": "sim-token", "properties": {}}}, 4013),
    ],
    ids=["decode", "unknown-op", "not-authenticated", "bad-token", "bad-shard", "bad-intents", "no-intents"],
)
async def test_close_codes(sim: DiscordSimulator, open_gateway: Open, payload: Any, code: int) -> None:
    gw = await open_gateway()
    if isinstance(payload, str):
        await gw.ws.send_str(payload)
    else:
        await gw.send(payload["op"], payload["d"])
    assert await gw.close_code() == code


async def test_already_authenticated(sim: DiscordSimulator, open_gateway: Open) -> None:
    gw = await open_gateway()
    await gw.identify()
    await gw.send(2, {"token": "sim-token", "intents": 0, "properties": {}})
    assert await gw.close_code() == 4005


async def test_disallowed_intents(open_gateway: Open, sim: DiscordSimulator) -> None:
    sim.privileged_intents = 0
    gw = await open_gateway()
    await gw.send(2, {"token": "sim-token", "intents": 1 << 15, "properties": {}})
    assert await gw.close_code() == 4014


async def test_invalid_api_version(open_gateway: Open) -> None:
    gw = await open_gateway(version="6", read_hello=False)
    assert await gw.close_code() == 4012


async def test_sharding(sim: DiscordSimulator, open_gateway: Open) -> None:
    guilds = [sim.default_guild] + [sim.add_guild(f"g{i}") for i in range(3)]
    shard0 = await open_gateway()
    shard1 = await open_gateway()
    ready0 = await shard0.identify(shard=[0, 2])
    ready1 = await shard1.identify(shard=[1, 2])
    assert ready0["d"]["shard"] == [0, 2] and ready1["d"]["shard"] == [1, 2]
    ids0 = {int(g["id"]) for g in ready0["d"]["guilds"]}
    ids1 = {int(g["id"]) for g in ready1["d"]["guilds"]}
    assert ids0 | ids1 == {g.id for g in guilds if g is not None}
    assert ids0 and ids1 and not ids0 & ids1
    assert all(shard_for(i, 2) == 0 for i in ids0) and all(shard_for(i, 2) == 1 for i in ids1)


async def test_sharding_required(sim: DiscordSimulator, open_gateway: Open) -> None:
    sim.max_guilds_per_shard = 1
    sim.add_guild("second")
    gw = await open_gateway()
    await gw.send(2, {"token": "sim-token", "intents": 1, "properties": {}})
    assert await gw.close_code() == 4011


async def test_request_guild_members(sim: DiscordSimulator, open_gateway: Open) -> None:
    gw = await open_gateway()
    await gw.identify(intents=1 | 1 << 1)
    guild = sim.default_guild
    assert guild is not None
    await gw.send(8, {"guild_id": str(guild.id), "query": "", "limit": 0, "nonce": "n1"})
    chunk = await gw.recv_dispatch("GUILD_MEMBERS_CHUNK")
    assert chunk["d"]["nonce"] == "n1"
    assert len(chunk["d"]["members"]) == len(guild.members)


async def test_rate_limited_after_120_events(open_gateway: Open) -> None:
    gw = await open_gateway()
    await gw.identify()
    for _ in range(120):
        await gw.send(3, {"status": "online", "since": 0, "activities": [], "afk": False})
    assert await gw.close_code() == 4008
