"""The REST API over plain HTTP: shapes, headers, auth, command storage, unexpected routes, faults."""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.simulator import DiscordSimulator

API = "/api/v10"

PING = {"name": "ping", "description": "Ping", "type": 1}
ECHO = {
    "name": "echo",
    "description": "Echo",
    "options": [{"type": 3, "name": "text", "description": "Text", "required": True, "autocomplete": True}],
}


def commands_url(sim: DiscordSimulator, guild_id: int | None = None) -> str:
    if guild_id is None:
        return f"{API}/applications/{sim.application_id}/commands"
    return f"{API}/applications/{sim.application_id}/guilds/{guild_id}/commands"


async def test_json_content_type_is_exact(sim: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{API}/users/@me") as resp:
        assert resp.status == 200
        # discord.py compares this header with == 'application/json'
        assert resp.headers["Content-Type"] == "application/json"
        assert resp.headers["Via"]
        body = await resp.json()
    assert body["id"] == str(sim.bot_user.id)
    assert body["bot"] is True
    assert body["username"] == sim.bot_user.username


async def test_rate_limit_headers_are_discords(sim: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{API}/users/@me") as first:
        assert int(first.headers["X-RateLimit-Limit"]) == sim.bucket_limit
        assert int(first.headers["X-RateLimit-Remaining"]) == sim.bucket_limit - 1
        assert float(first.headers["X-RateLimit-Reset-After"]) <= sim.bucket_window
        assert float(first.headers["X-RateLimit-Reset"]) > 1_600_000_000
        bucket = first.headers["X-RateLimit-Bucket"]
    async with http.get(f"{API}/users/@me") as second:
        assert second.headers["X-RateLimit-Bucket"] == bucket
        assert int(second.headers["X-RateLimit-Remaining"]) == sim.bucket_limit - 2


async def test_unauthorized_without_bot_token(sim: DiscordSimulator) -> None:
    async with aiohttp.ClientSession(base_url=sim.base_url) as anon:
        for headers in ({}, {"Authorization": "Bot wrong"}, {"Authorization": f"Bearer {sim.token}"}):
            async with anon.get(f"{API}/users/@me", headers=headers) as resp:
                assert resp.status == 401
                assert await resp.json() == {"message": "401: Unauthorized", "code": 0}
    assert [r.status for r in sim.rejections] == [401, 401, 401]


async def test_application_and_gateway_bot(sim: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{API}/oauth2/applications/@me") as resp:
        app = await resp.json()
    assert app["id"] == str(sim.application_id)
    assert app["bot_public"] is True and app["bot_require_code_grant"] is False
    assert app["owner"]["id"] == str(sim.owner_user.id)
    assert app["interactions_endpoint_url"] is None
    async with http.get(f"{API}/gateway/bot") as resp:
        gateway = await resp.json()
    assert gateway["url"] == sim.gateway_url.rstrip("/")
    assert gateway["shards"] == 1
    assert set(gateway["session_start_limit"]) == {"total", "remaining", "reset_after", "max_concurrency"}


async def test_unexpected_routes_are_404_and_recorded(sim: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{API}/channels/123/pins?limit=5") as resp:
        assert resp.status == 404
        assert resp.headers["Content-Type"] == "application/json"
        assert await resp.json() == {"message": "404: Not Found", "code": 0}
    async with http.delete(f"{API}/users/@me") as resp:  # known path, unknown method
        assert resp.status == 404
    assert [(u.method, u.path) for u in sim.unexpected_routes] == [
        ("GET", "/channels/123/pins"),
        ("DELETE", "/users/@me"),
    ]
    assert sim.unexpected_routes[0].query == "limit=5"
    assert sim.rejections == []


async def test_bulk_overwrite_fills_discords_defaults(sim: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    async with http.put(commands_url(sim), json=[PING, ECHO]) as resp:
        assert resp.status == 200
        stored = await resp.json()
    ping, echo = stored
    for command in stored:
        assert command["id"].isdigit() and command["version"].isdigit()
        assert command["application_id"] == str(sim.application_id)
        assert command["type"] == 1
        assert command["default_member_permissions"] is None
        assert command["dm_permission"] is True
        assert command["nsfw"] is False
        assert command["contexts"] is None  # Discord stores null when none were given
        assert command["integration_types"] == [0]
    assert "options" not in ping
    assert echo["options"][0]["autocomplete"] is True
    async with http.get(commands_url(sim)) as resp:
        assert await resp.json() == stored
    async with http.get(f"{commands_url(sim)}/{ping['id']}") as resp:
        assert await resp.json() == ping


async def test_resync_keeps_ids_and_bumps_versions_of_changed(
    sim: DiscordSimulator, http: aiohttp.ClientSession
) -> None:
    async with http.put(commands_url(sim), json=[PING, ECHO]) as resp:
        before = {c["name"]: c for c in await resp.json()}
    changed_echo = {**ECHO, "description": "Echo, changed"}
    async with http.put(commands_url(sim), json=[PING, changed_echo]) as resp:
        after = {c["name"]: c for c in await resp.json()}
    assert after["ping"] == before["ping"]
    assert after["echo"]["id"] == before["echo"]["id"]
    assert after["echo"]["version"] != before["echo"]["version"]
    async with http.put(commands_url(sim), json=[PING]) as resp:
        assert [c["name"] for c in await resp.json()] == ["ping"]
    assert sim.sync_count() == 3
    assert [c["name"] for c in sim.get_commands()] == ["ping"]


async def test_guild_scope_is_separate_and_counted(sim: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    guild = sim.default_guild
    assert guild is not None
    async with http.put(commands_url(sim, guild.id), json=[ECHO]) as resp:
        (echo,) = await resp.json()
    assert echo["guild_id"] == str(guild.id)
    assert "dm_permission" not in echo
    async with http.put(commands_url(sim), json=[PING]) as resp:
        assert resp.status == 200
    async with http.put(commands_url(sim, guild.id), json=[ECHO]) as resp:
        assert resp.status == 200
    assert sim.sync_count(guild) == 2
    assert sim.sync_count(None) == 1
    assert [c["name"] for c in sim.get_commands(guild)] == ["echo"]
    # A guild the bot is not in answers Missing Access.
    async with http.put(commands_url(sim, 42), json=[PING]) as resp:
        assert resp.status == 403
        assert (await resp.json())["code"] == 50001


async def test_single_command_routes(sim: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    async with http.post(commands_url(sim), json=PING) as resp:
        assert resp.status == 201
        ping = await resp.json()
    async with http.post(commands_url(sim), json={**PING, "description": "again"}) as resp:
        assert resp.status == 200  # same name and type: overwritten, same id
        assert (await resp.json())["id"] == ping["id"]
    async with http.patch(f"{commands_url(sim)}/{ping['id']}", json={"description": "patched"}) as resp:
        patched = await resp.json()
    assert patched["description"] == "patched" and patched["id"] == ping["id"]
    async with http.delete(f"{commands_url(sim)}/{ping['id']}") as resp:
        assert resp.status == 204
    async with http.get(f"{commands_url(sim)}/{ping['id']}") as resp:
        assert resp.status == 404
        assert (await resp.json())["code"] == 10063
    assert [s.kind for s in sim.syncs] == ["create", "create", "edit", "delete"]
    assert sim.sync_count(kind=None) == 4


async def test_command_cap_per_scope(sim: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    hundred = [{"name": f"c{i}", "description": "d"} for i in range(100)]
    async with http.put(commands_url(sim), json=hundred) as resp:
        assert resp.status == 200
    async with http.post(commands_url(sim), json={"name": "one-more", "description": "d"}) as resp:
        assert resp.status == 400
        assert (await resp.json())["code"] == 30032


async def test_rate_limit_fault_shape(sim: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    fault = sim.faults.rate_limit("GET /users/@me", retry_after=0.25, times=1)
    async with http.get(f"{API}/users/@me") as resp:
        assert resp.status == 429
        body: dict[str, Any] = await resp.json()
        assert resp.headers["Content-Type"] == "application/json"
        assert resp.headers["Via"]  # discord.py treats a 429 without Via as a Cloudflare ban
        assert resp.headers["Retry-After"] == "1"
        assert resp.headers["X-RateLimit-Remaining"] == "0"
        assert float(resp.headers["X-RateLimit-Reset-After"]) == 0.25
        assert resp.headers["X-RateLimit-Scope"] == "user"
        assert "X-RateLimit-Bucket" in resp.headers
    assert body["retry_after"] == 0.25 and body["global"] is False and body["message"]
    async with http.get(f"{API}/users/@me") as resp:
        assert resp.status == 200
    assert fault.hits == 1 and fault.exhausted


async def test_global_rate_limit_and_cloudflare(sim: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    sim.faults.rate_limit("/users/*", is_global=True)
    async with http.get(f"{API}/users/@me") as resp:
        assert resp.headers["X-RateLimit-Global"] == "true"
        assert resp.headers["X-RateLimit-Scope"] == "global"
        assert (await resp.json())["global"] is True
    sim.faults.cloudflare_ban("GET /users/@me")
    async with http.get(f"{API}/users/@me") as resp:
        assert resp.status == 429
        assert "Via" not in resp.headers
        assert resp.headers["Content-Type"].startswith("text/html")


async def test_server_error_faults(sim: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    sim.faults.server_error("GET /gateway/bot", status=500, times=1)
    sim.faults.server_error("GET /gateway/bot", status=502, times=1)
    async with http.get(f"{API}/gateway/bot") as resp:
        assert resp.status == 500
        assert await resp.json() == {"message": "500: Internal Server Error", "code": 0}
    async with http.get(f"{API}/gateway/bot") as resp:
        assert resp.status == 502
        assert resp.headers["Content-Type"].startswith("text/html")
    async with http.get(f"{API}/gateway/bot") as resp:
        assert resp.status == 200
    assert [f.kind for f, _, _ in sim.faults.fired] == ["server_error", "server_error"]


async def test_v9_paths_answer_too(sim: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    async with http.get("/api/v9/users/@me") as resp:
        assert resp.status == 200


async def test_channel_messages(sim: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    channel = sim.default_channel
    async with http.post(f"{API}/channels/{channel.id}/messages", json={"content": "hello"}) as resp:
        assert resp.status == 200
        message = await resp.json()
    assert message["author"]["id"] == str(sim.bot_user.id)
    async with http.patch(f"{API}/channels/{channel.id}/messages/{message['id']}", json={"content": "edited"}) as resp:
        assert (await resp.json())["edited_timestamp"] is not None
    assert sim.messages[int(message["id"])].content == "edited"
    async with http.delete(f"{API}/channels/{channel.id}/messages/{message['id']}") as resp:
        assert resp.status == 204
    async with http.get(f"{API}/channels/{channel.id}/messages/{message['id']}") as resp:
        assert (await resp.json())["code"] == 10008
    async with http.post(f"{API}/channels/1/messages", json={"content": "x"}) as resp:
        assert (await resp.json())["code"] == 10003


async def test_enforced_bucket_limit() -> None:
    async with (
        DiscordSimulator(bucket_limit=2, bucket_window=0.3, enforce_rate_limits=True) as sim,
        aiohttp.ClientSession(base_url=sim.base_url, headers={"Authorization": "Bot sim-token"}) as http,
    ):
        statuses = []
        for _ in range(3):
            async with http.get(f"{API}/users/@me") as resp:
                statuses.append(resp.status)
                last = resp
        assert statuses == [200, 200, 429]
        assert last.headers["Via"] and last.headers["X-RateLimit-Scope"] == "user"
        assert 0 < float(last.headers["X-RateLimit-Reset-After"]) <= 0.3
        # Another bucket (another route) is unaffected.
        async with http.get(f"{API}/gateway/bot") as resp:
            assert resp.status == 200
