"""Interaction callbacks and webhooks over plain HTTP: response shapes, deadlines, tokens, defer, components."""

from __future__ import annotations

import json

import aiohttp
import pytest

from bot.simulator import CONTEXT_BOT_DM, CONTEXT_PRIVATE_CHANNEL, DiscordSimulator, InteractionRecord, limits

API = "/api/v10"
COMMANDS = [
    {"name": "ping", "description": "Ping"},
    {
        "name": "echo",
        "description": "Echo",
        "contexts": [0, 1, 2],
        "integration_types": [0, 1],
        "options": [
            {"type": 3, "name": "text", "description": "Text", "required": True, "autocomplete": True},
            {"type": 4, "name": "times", "description": "Times", "min_value": 1, "max_value": 5},
            {"type": 6, "name": "who", "description": "Who"},
        ],
    },
    {
        "name": "tag",
        "description": "Tags",
        "options": [
            {
                "type": 1,
                "name": "show",
                "description": "Show",
                "options": [{"type": 3, "name": "name", "description": "Name", "required": True}],
            }
        ],
    },
    {"name": "admin", "description": "Admins only", "default_member_permissions": "8"},
]
BUTTONS = [{"type": 1, "components": [{"type": 2, "style": 1, "label": "Go", "custom_id": "go"}]}]


@pytest.fixture
async def synced(sim: DiscordSimulator, http: aiohttp.ClientSession) -> DiscordSimulator:
    async with http.put(f"{API}/applications/{sim.application_id}/commands", json=COMMANDS) as resp:
        assert resp.status == 200
    return sim


def callback(record: InteractionRecord, with_response: bool = True) -> str:
    query = "?with_response=true" if with_response else ""
    return f"{API}/interactions/{record.id}/{record.token}/callback{query}"


def webhook(sim: DiscordSimulator, record: InteractionRecord, suffix: str = "") -> str:
    return f"{API}/webhooks/{sim.application_id}/{record.token}{suffix}"


async def test_slash_payload_is_complete(synced: DiscordSimulator) -> None:
    sim = synced
    guild = sim.default_guild
    assert guild is not None
    record = await sim.invoke("echo", {"text": "hi", "times": 2, "who": sim.owner_user}, dispatch=False)
    payload = record.payload
    for key in (
        "id",
        "application_id",
        "type",
        "token",
        "version",
        "locale",
        "guild_locale",
        "entitlements",
        "authorizing_integration_owners",
        "context",
        "attachment_size_limit",
        "app_permissions",
        "channel",
        "channel_id",
        "guild_id",
        "member",
        "data",
    ):
        assert key in payload, key
    assert payload["type"] == 2 and payload["version"] == 1 and payload["context"] == 0
    assert payload["authorizing_integration_owners"] == {"0": str(guild.id)}
    assert payload["attachment_size_limit"] == limits.ATTACHMENT_SIZE
    assert payload["member"]["user"]["id"] == str(sim.default_user.id)
    assert payload["member"]["permissions"].isdigit()
    assert payload["channel"]["id"] == str(sim.default_channel.id)
    assert "user" not in payload
    data = payload["data"]
    assert data["name"] == "echo" and data["type"] == 1
    assert data["id"] == sim.find_command("echo")["id"]
    assert data["options"] == [
        {"type": 3, "name": "text", "value": "hi"},
        {"type": 4, "name": "times", "value": 2},
        {"type": 6, "name": "who", "value": str(sim.owner_user.id)},
    ]
    assert str(sim.owner_user.id) in data["resolved"]["users"]
    assert "guild_id" not in data  # a global command


async def test_dm_and_user_install_payloads(synced: DiscordSimulator) -> None:
    sim = synced
    dm = await sim.invoke("echo", {"text": "x"}, dm=True, dispatch=False)
    assert dm.payload["context"] == CONTEXT_BOT_DM
    assert "guild_id" not in dm.payload and "member" not in dm.payload
    assert dm.payload["user"]["id"] == str(sim.default_user.id)
    assert dm.payload["channel"]["type"] == 1
    assert dm.payload["authorizing_integration_owners"] == {"0": "0"}
    private = await sim.invoke("echo", {"text": "x"}, context=CONTEXT_PRIVATE_CHANNEL, dispatch=False)
    assert private.payload["context"] == CONTEXT_PRIVATE_CHANNEL
    assert private.payload["authorizing_integration_owners"] == {"1": str(sim.default_user.id)}
    foreign = sim.add_guild("Not the bot's", bot_member=False, members=[sim.default_user])
    installed = await sim.invoke("echo", {"text": "x"}, guild=foreign, dispatch=False)
    assert installed.payload["authorizing_integration_owners"] == {"1": str(sim.default_user.id)}
    assert installed.payload["guild"]["id"] == str(foreign.id)
    assert installed.payload["member"]["user"]["id"] == str(sim.default_user.id)


async def test_availability_is_checked_like_discords_client(synced: DiscordSimulator) -> None:
    from bot.simulator import SimulatorUsageError

    sim = synced
    with pytest.raises(SimulatorUsageError, match="context 2"):
        await sim.invoke("ping", context=CONTEXT_PRIVATE_CHANNEL, dispatch=False)  # contexts null: guild + bot DM
    with pytest.raises(SimulatorUsageError, match="lacks the permissions"):
        await sim.invoke("admin", dispatch=False)
    assert await sim.invoke("admin", user=sim.owner_user, dispatch=False)
    with pytest.raises(SimulatorUsageError, match="requires option"):
        await sim.invoke("echo", dispatch=False)
    with pytest.raises(SimulatorUsageError, match="max_value"):
        await sim.invoke("echo", {"text": "x", "times": 9}, dispatch=False)
    with pytest.raises(SimulatorUsageError, match="no synced command"):
        await sim.invoke("nope", dispatch=False)
    with pytest.raises(SimulatorUsageError, match="needs a sub-command"):
        await sim.invoke("tag", dispatch=False)
    record = await sim.invoke("tag show", {"name": "x"}, dispatch=False)
    assert record.payload["data"]["options"] == [
        {"type": 1, "name": "show", "options": [{"type": 3, "name": "name", "value": "x"}]}
    ]


async def test_with_response_returns_callback_object(synced: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    sim = synced
    record = await sim.invoke("ping", dispatch=False)
    async with http.post(callback(record), json={"type": 4, "data": {"content": "pong", "flags": 64}}) as resp:
        assert resp.status == 200
        body = await resp.json()
    message = record.original
    assert message is not None and message.ephemeral and message.content == "pong"
    assert body["interaction"] == {
        "id": str(record.id),
        "type": 2,
        "response_message_id": str(message.id),
        "response_message_loading": False,
        "response_message_ephemeral": True,
    }
    assert body["resource"]["type"] == 4
    resource = body["resource"]["message"]
    assert resource["id"] == str(message.id)
    assert resource["type"] == 20  # CHAT_INPUT_COMMAND
    assert resource["author"]["id"] == str(sim.bot_user.id)
    assert resource["webhook_id"] == str(sim.application_id)
    assert resource["interaction_metadata"]["id"] == str(record.id)
    assert resource["flags"] == 64
    assert record.response is not None and record.response.type == 4


async def test_without_with_response_is_204(synced: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    record = await synced.invoke("ping", dispatch=False)
    async with http.post(callback(record, with_response=False), json={"type": 4, "data": {"content": "x"}}) as resp:
        assert resp.status == 204
        assert await resp.read() == b""


async def test_multipart_payload_json_with_file(synced: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    sim = synced
    record = await sim.invoke("ping", dispatch=False)
    form = aiohttp.FormData(quote_fields=False)
    payload = {"type": 4, "data": {"content": "see file", "attachments": [{"id": 0, "filename": "a.txt"}]}}
    form.add_field("payload_json", json.dumps(payload), content_type="application/json")
    form.add_field("files[0]", b"hello file", filename="a.txt", content_type="text/plain")
    async with http.post(callback(record), data=form) as resp:
        assert resp.status == 200
        body = await resp.json()
    (attachment,) = body["resource"]["message"]["attachments"]
    assert attachment["filename"] == "a.txt" and attachment["size"] == 10
    assert record.response is not None and record.response.files == ["a.txt"]
    async with http.get(attachment["url"].removeprefix(sim.base_url)) as resp:
        assert await resp.read() == b"hello file"
    big = await sim.invoke("ping", dispatch=False)
    form = aiohttp.FormData(quote_fields=False)
    form.add_field("payload_json", json.dumps({"type": 4, "data": {"content": "big"}}))
    form.add_field("files[0]", b"x" * (limits.ATTACHMENT_SIZE + 1), filename="big.bin")
    async with http.post(callback(big), data=form) as resp:
        assert resp.status == 413
        assert (await resp.json())["code"] == 40005


async def test_first_response_deadline(synced: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    sim = synced
    record = await sim.invoke("ping", dispatch=False)
    sim.clock.advance(limits.FIRST_RESPONSE_SECONDS + 0.01)
    async with http.post(callback(record), json={"type": 4, "data": {"content": "late"}}) as resp:
        assert resp.status == 404
        assert await resp.json() == {"message": "Unknown interaction", "code": 10062}
    assert not record.acknowledged
    (attempt,) = record.attempts
    assert attempt.error_code == 10062 and attempt.elapsed > 3.0
    assert [r.code for r in sim.rejections] == [10062]


async def test_second_acknowledgement_is_40060(synced: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    sim = synced
    record = await sim.invoke("ping", dispatch=False)
    async with http.post(callback(record), json={"type": 5}) as resp:
        assert resp.status == 200
    async with http.post(callback(record), json={"type": 4, "data": {"content": "again"}}) as resp:
        assert resp.status == 400
        assert await resp.json() == {"message": "Interaction has already been acknowledged.", "code": 40060}
    assert [a.status for a in record.attempts] == [200, 400]
    assert record.response is not None and record.response.type == 5


async def test_unknown_interaction(synced: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    record = await synced.invoke("ping", dispatch=False)
    async with http.post(f"{API}/interactions/{record.id}/wrong-token/callback", json={"type": 5}) as resp:
        assert (await resp.json())["code"] == 10062
    async with http.post(f"{API}/interactions/1/{record.token}/callback", json={"type": 5}) as resp:
        assert (await resp.json())["code"] == 10062


async def test_defer_then_followups(synced: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    sim = synced
    record = await sim.invoke("ping", dispatch=False)
    async with http.post(callback(record), json={"type": 5, "data": {"flags": 64}}) as resp:
        body = await resp.json()
    assert body["interaction"]["response_message_loading"] is True
    assert body["interaction"]["response_message_ephemeral"] is True
    async with http.get(webhook(sim, record, "/messages/@original")) as resp:
        loading = await resp.json()
    assert loading["flags"] & 128 and loading["flags"] & 64
    # The first followup after a deferral edits the "thinking" message, keeping its ephemeral flag.
    async with http.post(webhook(sim, record, "?wait=true"), json={"content": "done"}) as resp:
        first = await resp.json()
    assert first["id"] == loading["id"]
    assert first["flags"] == 64 and first["content"] == "done"
    async with http.post(webhook(sim, record, "?wait=true"), json={"content": "more"}) as resp:
        second = await resp.json()
    assert second["id"] != first["id"]
    assert second["flags"] == 0
    assert second["message_reference"]["message_id"] == first["id"]
    assert second["interaction_metadata"]["original_response_message_id"] == first["id"]
    async with http.post(webhook(sim, record), json={"content": "no wait"}) as resp:
        assert resp.status == 204
    assert [m.content for m in record.followups] == ["more", "no wait"]
    async with http.patch(webhook(sim, record, f"/messages/{second['id']}"), json={"content": "edited"}) as resp:
        assert (await resp.json())["content"] == "edited"
    async with http.delete(webhook(sim, record, "/messages/@original")) as resp:
        assert resp.status == 204
    async with http.get(webhook(sim, record, "/messages/@original")) as resp:
        assert (await resp.json())["code"] == 10008
    assert [c.method for c in record.webhook_calls] == ["GET", "POST", "POST", "POST", "PATCH", "DELETE", "GET"]


async def test_webhooks_need_an_acknowledged_live_token(synced: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    sim = synced
    record = await sim.invoke("ping", dispatch=False)
    async with http.post(webhook(sim, record, "?wait=true"), json={"content": "too early"}) as resp:
        assert resp.status == 404
        assert (await resp.json())["code"] == 10015
    async with http.post(callback(record), json={"type": 4, "data": {"content": "now"}}) as resp:
        assert resp.status == 200
    sim.clock.advance(limits.TOKEN_LIFETIME_SECONDS + 1)
    async with http.patch(webhook(sim, record, "/messages/@original"), json={"content": "x"}) as resp:
        assert resp.status == 401
        assert await resp.json() == {"message": "Invalid Webhook Token", "code": 50027}
    async with http.post(webhook(sim, record, "?wait=true"), json={"content": "x"}) as resp:
        assert (await resp.json())["code"] == 50027
    async with http.post(webhook(sim, record).replace(str(sim.application_id), "1"), json={"content": "x"}) as resp:
        assert (await resp.json())["code"] == 10015


async def test_component_interactions(synced: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    sim = synced
    command = await sim.invoke("ping", dispatch=False)
    async with http.post(callback(command), json={"type": 4, "data": {"content": "v1", "components": BUTTONS}}):
        pass
    message = command.original
    assert message is not None
    # Discord numbers components that have no id.
    assert message.components[0]["id"] == 1 and message.components[0]["components"][0]["id"] == 2
    click = await sim.click(message, "go", dispatch=False)
    payload = click.payload
    assert payload["type"] == 3
    assert payload["data"] == {"custom_id": "go", "component_type": 2, "id": 2}
    assert payload["message"]["id"] == str(message.id)
    assert payload["message"]["components"] == message.components
    async with http.post(callback(click), json={"type": 7, "data": {"content": "v2"}}) as resp:
        body = await resp.json()
    assert body["resource"]["message"]["id"] == str(message.id)
    assert message.content == "v2" and message.revision == 1
    assert message.components == BUTTONS_WITH_IDS  # untouched: not in the update
    assert message.history[0].content == "v1"
    click2 = await sim.click(message, "go", dispatch=False)
    async with http.post(callback(click2), json={"type": 6}) as resp:
        assert resp.status == 200
    async with http.patch(webhook(sim, click2, "/messages/@original"), json={"components": []}) as resp:
        assert (await resp.json())["id"] == str(message.id)
    assert message.components == [] and message.content == "v2"
    reply = await sim.invoke("ping", dispatch=False)
    async with http.post(callback(reply), json={"type": 4, "data": {"content": "r", "components": BUTTONS}}):
        pass
    assert reply.original is not None
    click3 = await sim.click(reply.original, "go", dispatch=False)
    async with http.post(callback(click3), json={"type": 4, "data": {"content": "a reply"}}) as resp:
        created = (await resp.json())["resource"]["message"]
    assert created["type"] == 19
    assert created["message_reference"]["message_id"] == str(reply.original.id)
    assert created["interaction_metadata"]["interacted_message_id"] == str(reply.original.id)


BUTTONS_WITH_IDS = [
    {"type": 1, "id": 1, "components": [{"type": 2, "style": 1, "label": "Go", "custom_id": "go", "id": 2}]}
]


async def test_select_values_are_checked(synced: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    from bot.simulator import SimulatorUsageError

    sim = synced
    record = await sim.invoke("ping", dispatch=False)
    menu = {"type": 3, "custom_id": "m", "max_values": 2, "options": [{"label": x, "value": x} for x in "abc"]}
    async with http.post(
        callback(record), json={"type": 4, "data": {"components": [{"type": 1, "components": [menu]}]}}
    ):
        pass
    assert record.original is not None
    chosen = await sim.select(record.original, "m", ["a", "c"], dispatch=False)
    assert chosen.payload["data"]["values"] == ["a", "c"]
    assert chosen.payload["data"]["component_type"] == 3
    with pytest.raises(SimulatorUsageError, match="not an option"):
        await sim.select(record.original, "m", ["z"], dispatch=False)
    with pytest.raises(SimulatorUsageError, match=r"takes 1\.\.2 values"):
        await sim.select(record.original, "m", ["a", "b", "c"], dispatch=False)
    with pytest.raises(SimulatorUsageError, match="no component"):
        await sim.click(record.original, "missing", dispatch=False)


async def test_autocomplete_tokens_cannot_follow_up(synced: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    sim = synced
    record = await sim.autocomplete("echo", "text", "he", dispatch=False)
    async with http.post(
        callback(record), json={"type": 8, "data": {"choices": [{"name": "hello", "value": "hello"}]}}
    ):
        pass
    assert record.choices == [{"name": "hello", "value": "hello"}]
    async with http.post(webhook(sim, record, "?wait=true"), json={"content": "x"}) as resp:
        assert (await resp.json())["code"] == 10015


async def test_wait_helpers_wake_on_changes(synced: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    import asyncio

    sim = synced
    record = await sim.invoke("ping", dispatch=False)
    waiter = asyncio.create_task(record.wait_original(lambda m: m.content == "late edit", within=2))
    async with http.post(callback(record), json={"type": 4, "data": {"content": "first"}}):
        pass
    assert not waiter.done()
    async with http.patch(webhook(sim, record, "/messages/@original"), json={"content": "late edit"}):
        pass
    message = await waiter
    assert message.revision == 1
    with pytest.raises(TimeoutError):
        await record.wait_followups(1, within=0.05)


async def test_clicks_a_user_could_not_make(synced: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    from bot.simulator import SimulatorUsageError

    sim = synced
    record = await sim.invoke("ping", dispatch=False)
    components = [
        {
            "type": 1,
            "components": [
                {"type": 2, "style": 5, "label": "Docs", "url": "https://example.test"},
                {"type": 2, "style": 2, "label": "Off", "custom_id": "off", "disabled": True},
                {"type": 2, "style": 1, "label": "On", "custom_id": "on"},
            ],
        }
    ]
    data = {"content": "only you", "flags": 64, "components": components}
    async with http.post(callback(record), json={"type": 4, "data": data}) as resp:
        assert resp.status == 200
    message = record.original
    assert message is not None and message.ephemeral
    assert message.custom_ids() == ["off", "on"]
    with pytest.raises(SimulatorUsageError, match="disabled"):
        await sim.click(message, "off", dispatch=False)
    with pytest.raises(SimulatorUsageError, match="ephemeral"):
        await sim.click(message, "on", user=sim.owner_user, dispatch=False)
    click = await sim.click(message, "on", dispatch=False)
    assert click.payload["message"]["flags"] == 64
