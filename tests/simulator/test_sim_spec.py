"""The simulator against Discord's published OpenAPI spec: what it answers, and what it accepts and refuses.

Every answer the simulator gives anywhere in the suite is already checked against the spec (``tests/conftest.py``);
the tests here pin the answers that once were wrong.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from bot.simulator import DiscordSimulator, InteractionRecord
from tests.discord_spec import ABSENT_REASON, DiscordSpec

API = "/api/v10"
COMMANDS = [
    {"name": "ping", "description": "Ping"},
    {"name": "pick", "description": "Pick"},
]


@pytest.fixture
def spec() -> DiscordSpec:
    loaded = DiscordSpec.load()
    if loaded is None:
        pytest.skip(ABSENT_REASON)
    return loaded


@pytest.fixture
async def synced(sim: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    async with http.put(f"{API}/applications/{sim.application_id}/commands", json=COMMANDS) as resp:
        assert resp.status == 200


def callback_url(record: InteractionRecord, *, with_response: bool = False) -> str:
    query = "?with_response=true" if with_response else ""
    return f"{API}/interactions/{record.id}/{record.token}/callback{query}"


def assert_matches(spec: DiscordSpec, method: str, path: str, status: int, body: Any) -> None:
    raw = None if body is None else json.dumps(body).encode()
    problems = list(spec.check_response(method, path, status, raw))
    assert problems == [], "\n".join(problems)


# ------------------------------------------------------------------------------------------------- answers


@pytest.mark.parametrize("route", ["/applications/@me", "/oauth2/applications/@me"])
async def test_application_info_is_the_specs_private_application(
    sim: DiscordSimulator, http: aiohttp.ClientSession, spec: DiscordSpec, route: str
) -> None:
    async with http.get(API + route) as resp:
        assert resp.status == 200
        body = await resp.json()
    # Optional in the spec, never null: an application without a guild or an install URL leaves them out.
    assert "guild_id" not in body and "custom_install_url" not in body
    assert body["flags_new"] == str(body["flags"])
    assert body["explicit_content_filter"] == 0
    assert set(body["eligible_oauth2_scopes"]) == {"applications.commands", "bot"}
    assert_matches(spec, "GET", route, 200, body)


async def test_a_poll_is_answered_with_its_ids_expiry_defaults_and_results(
    sim: DiscordSimulator, http: aiohttp.ClientSession, spec: DiscordSpec
) -> None:
    poll = {"question": {"text": "Which?"}, "answers": [{"poll_media": {"text": "A"}}, {"poll_media": {"text": "B"}}]}
    path = f"/channels/{sim.default_channel.id}/messages"
    async with http.post(API + path, json={"poll": {**poll, "duration": 2}}) as resp:
        assert resp.status == 200
        body = await resp.json()
    answered = body["poll"]
    assert [a["answer_id"] for a in answered["answers"]] == [1, 2]
    assert [a["poll_media"]["text"] for a in answered["answers"]] == ["A", "B"]
    assert answered["allow_multiselect"] is False and answered["layout_type"] == 1
    assert answered["results"] == {"answer_counts": [], "is_finalized": False}
    assert answered["expiry"] > body["timestamp"]
    assert_matches(spec, "POST", path, 200, body)


async def test_a_rate_limited_answer_carries_a_code(
    sim: DiscordSimulator, http: aiohttp.ClientSession, spec: DiscordSpec
) -> None:
    sim.faults.rate_limit("GET /users/@me", retry_after=0.25)
    async with http.get(f"{API}/users/@me") as resp:
        assert resp.status == 429
        body = await resp.json()
    assert body["code"] == 0
    assert_matches(spec, "GET", "/users/@me", 429, body)


@pytest.mark.usefixtures("synced")
@pytest.mark.parametrize(
    ("callback", "resource"),
    [
        ({"type": 4, "data": {"content": "hi"}}, True),
        ({"type": 5}, False),
        ({"type": 9, "data": {"custom_id": "m", "title": "T", "components": []}}, False),
    ],
    ids=["message", "deferred", "modal"],
)
async def test_a_callback_answer_has_a_resource_only_for_what_it_created(
    sim: DiscordSimulator,
    http: aiohttp.ClientSession,
    spec: DiscordSpec,
    callback: dict[str, Any],
    resource: bool,
) -> None:
    if callback["type"] == 9:
        callback["data"]["components"] = [
            {"type": 1, "components": [{"type": 4, "custom_id": "t", "style": 1, "label": "L"}]}
        ]
    record = await sim.invoke("ping", dispatch=False)
    async with http.post(callback_url(record, with_response=True), json=callback) as resp:
        assert resp.status == 200
        body = await resp.json()
    assert ("resource" in body) is resource
    assert body["interaction"]["id"] == str(record.id)
    assert_matches(spec, "POST", f"/interactions/{record.id}/{record.token}/callback", 200, body)


@pytest.mark.usefixtures("synced")
async def test_a_modal_submits_message_names_the_interaction_that_opened_the_modal(
    sim: DiscordSimulator, http: aiohttp.ClientSession, spec: DiscordSpec
) -> None:
    opener = await sim.invoke("ping", dispatch=False)
    modal = {
        "custom_id": "form",
        "title": "Form",
        "components": [{"type": 1, "components": [{"type": 4, "custom_id": "name", "style": 1, "label": "Name"}]}],
    }
    async with http.post(callback_url(opener), json={"type": 9, "data": modal}) as resp:
        assert resp.status == 204
    submitted = await sim.submit_modal(opener, {"name": "Ada"}, dispatch=False)
    async with http.post(callback_url(submitted, with_response=True), json={"type": 4, "data": {"content": "ok"}}) as r:
        assert r.status == 200
        body = await r.json()
    metadata = body["resource"]["message"]["interaction_metadata"]
    assert metadata["type"] == 5
    assert metadata["triggering_interaction_metadata"]["id"] == str(opener.id)
    assert metadata["triggering_interaction_metadata"]["type"] == 2
    assert_matches(spec, "POST", f"/interactions/{submitted.id}/{submitted.token}/callback", 200, body)


@pytest.mark.usefixtures("synced")
async def test_a_select_is_answered_with_its_default_value_counts(
    sim: DiscordSimulator, http: aiohttp.ClientSession, spec: DiscordSpec
) -> None:
    record = await sim.invoke("pick", dispatch=False)
    select = {"type": 3, "custom_id": "s", "placeholder": None, "options": [{"label": "A", "value": "a"}]}
    data = {"content": "pick", "components": [{"type": 1, "components": [select]}]}
    async with http.post(callback_url(record, with_response=True), json={"type": 4, "data": data}) as resp:
        assert resp.status == 200
        body = await resp.json()
    (answered,) = body["resource"]["message"]["components"][0]["components"]
    assert answered["min_values"] == 1 and answered["max_values"] == 1
    assert "placeholder" not in answered  # Discord keeps no nulls
    assert_matches(spec, "POST", f"/interactions/{record.id}/{record.token}/callback", 200, body)
