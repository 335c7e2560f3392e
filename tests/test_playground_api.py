"""The playground's HTTP and WebSocket API, driven without a browser: the real bot behind a simulated Discord."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from bot.app.endpoints import current_endpoints
from bot.playground import NO_RESPONSE, Playground
from bot.playground.server import STATIC_DIR
from bot.playground.wire import message_json as wire_message
from bot.settings import Settings, is_loopback
from bot.simulator.rest import Upload

OBJECTIVES_TITLE = "Objectives of NATO’s Involvement in Iraq"
FIRST_POINT = "A self-sufficient security capacity"


@pytest.fixture
async def playground() -> AsyncIterator[Playground]:
    async with Playground(Settings(), port=0, watch=False) as running:
        yield running


@pytest.fixture
async def http(playground: Playground) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=playground.url) as session:
        yield session


async def post(http: aiohttp.ClientSession, path: str, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    async with http.post(path, json=body) as response:
        data = await response.json()
        assert response.status == status, data
        return data


async def get_message(http: aiohttp.ClientSession, message_id: str) -> dict[str, Any]:
    async with http.get(f"/api/messages/{message_id}") as response:
        assert response.status == 200
        return (await response.json())["message"]


def button(message: dict[str, Any], predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    found = [c for row in message["components"] for c in row["components"] if c["type"] == 2 and predicate(c)]
    assert found, message["components"]
    return found[0]


def labels(message: dict[str, Any]) -> list[str]:
    return [c.get("label", "") for row in message["components"] for c in row["components"]]


async def next_event(ws: aiohttp.ClientWebSocketResponse, kind: str, within: float = 5.0) -> dict[str, Any]:
    async with asyncio.timeout(within):
        while True:
            event = await ws.receive_json()
            if event["type"] == kind:
                return event


async def test_lists_the_commands_the_bot_synced(playground: Playground, http: aiohttp.ClientSession) -> None:
    async with http.get("/api/commands") as response:
        commands = {c["name"]: c for c in (await response.json())["commands"]}
    synced = {c["name"] for c in playground.sim.get_commands()}
    assert set(commands) == synced
    assert {"objectives", "timeline", "search", "help"} <= synced
    assert all(c["description"] for c in commands.values())
    era, private = commands["timeline"]["options"]
    assert (era["name"], era["autocomplete"], era["type"]) == ("era", True, 3)
    assert (private["name"], private["type"]) == ("private", 5)
    part = commands["overview"]["options"][0]
    assert "Introduction" in [c["name"] for c in part["choices"]]


async def test_objectives_answers_with_its_embed(playground: Playground, http: aiohttp.ClientSession) -> None:
    result = await post(http, "/api/invoke", {"command": "objectives"})
    message = result["message"]
    assert result["response_type"] == 4
    embed = message["embeds"][0]
    assert embed["title"] == OBJECTIVES_TITLE
    assert f"**{FIRST_POINT}**" in embed["description"]
    assert embed["footer"]["text"].startswith("Source:")
    assert not message["ephemeral"]
    assert message["interaction"]["name"] == "objectives"
    assert message["interaction"]["user"]["id"] == str(playground.sim.default_user.id)
    async with http.get(f"/api/messages/{message['id']}") as response:
        assert (await response.json())["message"]["embeds"] == message["embeds"]
    async with http.get("/api/state") as response:
        state = await response.json()
    assert [m["id"] for m in state["messages"]] == [message["id"]]
    assert state["app"]["name"] == playground.bot.library.pack.title
    assert [u["name"] for u in state["users"]] == ["Sim User", "Alex", "Sim Owner"]
    playground.sim.assert_no_rejections()


async def test_autocomplete_is_answered_by_the_bots_handler(
    playground: Playground, http: aiohttp.ClientSession
) -> None:
    result = await post(http, "/api/autocomplete", {"command": "timeline", "option": "era", "value": "2004"})
    assert {"name": "in 2004 — NTM-I is set up", "value": "ntm-i-2004"} in result["choices"]
    # It went through Discord's protocol: an autocomplete interaction that the bot answered with type 8.
    record = next(r for r in playground.sim.interactions.values() if r.type == 4)
    assert record.response is not None and record.response.type == 8
    everything = await post(http, "/api/autocomplete", {"command": "timeline", "option": "era", "value": ""})
    assert len(everything["choices"]) == len(playground.bot.library.timeline)


async def test_the_timeline_picture_is_served_by_the_page_itself(
    playground: Playground, http: aiohttp.ClientSession
) -> None:
    listed = (await post(http, "/api/invoke", {"command": "timeline"}))["message"]
    assert listed["attachments"] == []
    tap = button(listed, lambda c: c["label"] == "Picture")
    await post(http, "/api/click", {"message_id": listed["id"], "custom_id": tap["custom_id"]})
    # The first tap is acknowledged while the picture is drawn; the edit with it lands just after.
    await playground.sim.messages[int(listed["id"])].wait_for(lambda m: m.attachments)
    message = await get_message(http, listed["id"])
    (picture,) = message["attachments"]
    # The embed names the file as Discord lets it (attachment://), and the page loads it from its own origin,
    # the only one its policy allows pictures from.
    assert message["embeds"][0]["image"]["url"] == f"attachment://{picture['filename']}"
    assert picture["url"].startswith("/api/attachments/") and picture["content_type"] == "image/png"
    assert picture["description"]
    async with http.get(picture["url"]) as response:
        assert response.status == 200
        assert response.content_type == "image/png"
        assert "Content-Disposition" not in response.headers
        body = await response.read()
    assert body.startswith(b"\x89PNG") and len(body) == picture["size"]
    unknown = picture["url"].replace(picture["id"], "1" + picture["id"])
    async with http.get(unknown) as response:
        assert response.status == 404
    async with http.get("/api/attachments/x/timeline.png") as response:
        assert response.status == 404


async def test_a_file_that_is_no_picture_is_only_downloaded(playground: Playground) -> None:
    channel = playground.sim.default_channel
    sent = playground.sim.new_message(
        channel_id=channel.id,
        guild_id=channel.guild_id,
        body={"content": "notes"},
        uploads=[
            Upload(field="files[0]", filename="notes.html", content_type="text/html", data=b"<script>alert(1)</script>")
        ],
        flags=0,
        message_type=0,
    )
    url = wire_message(sent)["attachments"][0]["url"]
    async with aiohttp.ClientSession(base_url=playground.url) as http, http.get(url) as response:
        assert response.status == 200
        assert response.headers["Content-Disposition"] == "attachment"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_a_click_by_the_invoker_turns_the_page(playground: Playground, http: aiohttp.ClientSession) -> None:
    message = (await post(http, "/api/invoke", {"command": "timeline"}))["message"]
    # The timeline is one page; its Source button is a page button, and the invoker's click edits the message.
    forward = button(message, lambda c: c["label"] == "Source")
    result = await post(http, "/api/click", {"message_id": message["id"], "custom_id": forward["custom_id"]})
    assert result["response_type"] == 7
    edited = result["message"]
    assert edited["id"] == message["id"]
    assert edited["revision"] == 1
    assert "Back to the timeline" in labels(edited)


async def test_a_click_by_someone_else_gets_them_a_private_copy(
    playground: Playground, http: aiohttp.ClientSession
) -> None:
    owner, other, _ = playground.people
    message = (await post(http, "/api/invoke", {"command": "timeline", "user": str(owner.id)}))["message"]
    forward = button(message, lambda c: c["label"] == "Source")
    body = {"message_id": message["id"], "custom_id": forward["custom_id"], "user": str(other.id)}
    result = await post(http, "/api/click", body)
    copy = result["message"]
    assert result["response_type"] == 4
    assert copy["id"] != message["id"]
    assert copy["ephemeral"] and copy["owner_id"] == str(other.id)
    assert "Back to the timeline" in labels(copy)
    assert playground.sim.message(int(message["id"])).revision == 0


async def test_the_jump_menu_opens_a_related_topic(playground: Playground, http: aiohttp.ClientSession) -> None:
    message = (await post(http, "/api/invoke", {"command": "objectives"}))["message"]
    menu = message["components"][-1]["components"][0]
    assert menu["type"] == 3
    body = {"message_id": message["id"], "custom_id": menu["custom_id"], "values": ["role"]}
    edited = (await post(http, "/api/select", body))["message"]
    assert edited["id"] == message["id"]
    assert edited["embeds"][0]["title"] == playground.bot.library.by_id["role"].title


async def test_a_private_answer_is_ephemeral_and_owned(playground: Playground, http: aiohttp.ClientSession) -> None:
    message = (await post(http, "/api/invoke", {"command": "objectives", "options": {"private": True}}))["message"]
    assert message["ephemeral"]
    assert message["owner_id"] == str(playground.sim.default_user.id)


async def test_the_event_stream_sends_a_snapshot_then_changes(
    playground: Playground, http: aiohttp.ClientSession
) -> None:
    async with http.ws_connect("/api/events") as ws:
        hello = await next_event(ws, "hello")
        assert hello["messages"] == []
        assert "objectives" in [c["name"] for c in hello["commands"]]
        assert hello["content"]["serving"] == playground.bot.library.pack.version
        sent = (await post(http, "/api/invoke", {"command": "timeline"}))["message"]
        pushed = (await next_event(ws, "messages"))["messages"]
        assert [m["id"] for m in pushed] == [sent["id"]]
        forward = button(sent, lambda c: c["label"] == "Source")
        await post(http, "/api/click", {"message_id": sent["id"], "custom_id": forward["custom_id"]})
        edited = (await next_event(ws, "messages"))["messages"][0]
        assert (edited["id"], edited["revision"]) == (sent["id"], 1)


async def test_a_command_that_never_answers_is_reported(playground: Playground, http: aiohttp.ClientSession) -> None:
    never = asyncio.Event()

    @app_commands.command(name="stall", description="Never answers")
    async def stall(interaction: discord.Interaction) -> None:
        await never.wait()

    playground.bot.tree.add_command(stall)
    await playground.bot.tree.sync()
    # Discord's 3 s, shortened so the test does not wait for it.
    playground.sim.first_response_deadline = 0.05
    result = await post(http, "/api/invoke", {"command": "stall"}, status=504)
    assert result["error"] == NO_RESPONSE
    never.set()


@pytest.mark.parametrize(
    ("path", "body", "status", "error"),
    [
        ("/api/invoke", {"command": "nope"}, 400, "no synced command 'nope'"),
        ("/api/invoke", {"command": "search"}, 400, "requires option 'query'"),
        ("/api/invoke", {"command": "objectives", "user": "42"}, 400, "unknown user"),
        ("/api/click", {"message_id": "123", "custom_id": "x"}, 404, "no message 123"),
        ("/api/click", {"message_id": "x", "custom_id": "x"}, 400, "message_id"),
        ("/api/autocomplete", {"command": "timeline", "option": "private"}, 400, "does not have autocomplete"),
        ("/api/select", {"message_id": "1", "custom_id": "x", "values": "role"}, 400, "values"),
    ],
)
async def test_bad_requests_are_refused_with_a_reason(
    http: aiohttp.ClientSession, path: str, body: dict[str, Any], status: int, error: str
) -> None:
    result = await post(http, path, body, status=status)
    assert result["ok"] is False
    assert error in result["error"]


async def test_only_same_origin_json_from_loopback_is_accepted(
    playground: Playground, http: aiohttp.ClientSession
) -> None:
    async with http.post("/api/invoke", data="command=objectives") as response:
        assert response.status == 415
    headers = {"Origin": "http://evil.example"}
    async with http.post("/api/invoke", json={"command": "objectives"}, headers=headers) as response:
        assert response.status == 403
    # A DNS-rebinding page reaches the loopback address under its own host name.
    async with http.get("/api/state", headers={"Host": f"evil.example:{playground.port}"}) as response:
        assert response.status == 403
    async with http.get("/api/state", headers={"Origin": playground.url}) as response:
        assert response.status == 200
    assert playground.sim.interactions == {}


async def test_the_page_and_its_assets_are_served_with_a_strict_policy(http: aiohttp.ClientSession) -> None:
    async with http.get("/") as response:
        assert response.status == 200
        assert "/static/app.js" in await response.text()
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    for name in ("app.js", "markdown.js", "style.css", "favicon.svg"):
        assert (STATIC_DIR / name).is_file()
        async with http.get(f"/static/{name}") as response:
            assert response.status == 200, name


async def test_closing_restores_discord_endpoints() -> None:
    before = current_endpoints()
    async with Playground(Settings(), port=0, watch=False) as running:
        assert current_endpoints()[0] == running.sim.api_base
    assert current_endpoints() == before


def test_loopback_detection() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.2", "example.com", "::"))
