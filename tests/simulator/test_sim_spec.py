"""The simulator against Discord's published OpenAPI spec: what it answers, and what it accepts and refuses.

Every answer the simulator gives anywhere in the suite is already checked against the spec (``tests/conftest.py``);
the tests here pin the answers that once were wrong, and hold the simulator's request validation to the spec
both ways: a body the spec allows is accepted, a body it forbids is refused with ``400``/``50035``. Where
Discord's docs (and Discord itself) differ from the spec, the table says so and why, and checks that the spec
really does say otherwise, so the exception cannot outlive its reason.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from bot.simulator import DiscordSimulator, InteractionRecord, ServedResponse, SimUser, limits, payloads
from tests.discord_spec import ABSENT_REASON, DiscordSpec, served_mismatches

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


# ---------------------------------------------------------------------------------------- request bodies


@dataclass(frozen=True)
class Case:
    """One request body; ``accepted`` is what Discord does with it; ``differs`` why the spec says otherwise."""

    name: str
    route: str  # "callback" (type 4 data), "message" (channel message), "command" (global command)
    body: dict[str, Any]
    accepted: bool
    differs: str = ""


def embed(**fields: Any) -> dict[str, Any]:
    return {"embeds": [{"title": "t", **fields}]}


def mentions(**allowed: Any) -> dict[str, Any]:
    return {"content": "x", "allowed_mentions": allowed}


def command(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "description": "d", **fields}


USER_ID = "80351110224678912"


POLL = {"question": {"text": "Q?"}, "answers": [{"poll_media": {"text": "A"}}]}
COERCED = "Discord's form parser reads a numeric string as the number (the spec types the field integer)"

CASES = [
    # Messages: accepted
    Case("plain content", "callback", {"content": "hello"}, True),
    Case("content at the limit", "callback", {"content": "x" * limits.CONTENT}, True),
    Case("ephemeral flags", "callback", {"content": "x", "flags": 64}, True),
    Case("flags as a numeric string", "callback", {"content": "x", "flags": "64"}, True, COERCED),
    Case("embed colour", "callback", embed(color=0xFF0000), True),
    Case("embed colour as a numeric string", "callback", embed(color="16711680"), True, COERCED),
    Case("embed timestamp", "callback", embed(timestamp="2024-05-01T12:00:00.000000+00:00"), True),
    Case("embed timestamp in Z", "callback", embed(timestamp="2024-05-01T12:00:00Z"), True),
    Case("allowed mentions parse", "callback", mentions(parse=["users", "roles"]), True),
    Case("allowed mentions none", "callback", mentions(parse=[]), True),
    Case("allowed mention ids", "message", mentions(users=[USER_ID]), True),
    Case("a poll", "callback", {"poll": {**POLL, "duration": 24, "allow_multiselect": True, "layout_type": 1}}, True),
    Case("a poll in a channel", "message", {"poll": POLL}, True),
    Case(
        "an attachment kept by id",
        "callback",
        {"content": "x", "attachments": [{"id": "0", "filename": "a.txt"}]},
        True,
    ),
    Case("tts", "message", {"content": "x", "tts": True}, True),
    # Messages: refused
    Case("tts that is no boolean", "message", {"content": "x", "tts": "yes"}, False),
    Case("inline that is no boolean", "callback", embed(fields=[{"name": "a", "value": "b", "inline": "x"}]), False),
    Case("an attachment without an id", "callback", {"content": "x", "attachments": [{"filename": "a.txt"}]}, False),
    Case("allowed mentions parse twice", "callback", mentions(parse=["users", "users"]), False),
    Case("replied_user that is no boolean", "callback", mentions(replied_user="yes"), False),
    Case(
        "disabled that is no boolean",
        "callback",
        {
            "components": [
                {"type": 1, "components": [{"type": 2, "style": 1, "label": "l", "custom_id": "c", "disabled": "no"}]}
            ]
        },
        False,
    ),
    Case(
        "a poll answer of 56",
        "callback",
        {"poll": {**POLL, "answers": [{"poll_media": {"text": "a" * (limits.POLL_ANSWER_TEXT + 1)}}]}},
        False,
        "Discord's docs: an answer's text is at most 55 (the spec allows 300, the question's limit, for both)",
    ),
    Case("content past the limit", "callback", {"content": "x" * (limits.CONTENT + 1)}, False),
    Case("flags that are no number", "callback", {"content": "x", "flags": "sixty-four"}, False),
    Case("embed colour that is no number", "callback", embed(color="red"), False),
    Case("embed colour past 0xFFFFFF", "callback", embed(color=0x1000000), False),
    Case("embed timestamp that is no date", "callback", embed(timestamp="yesterday"), False),
    Case("embed timestamp in month 13", "callback", embed(timestamp="2024-13-01T00:00:00Z"), False),
    Case("allowed mentions parse nobody", "callback", mentions(parse=["nobody"]), False),
    Case(
        "allowed mentions: 101 users",
        "message",
        mentions(users=[str(10**17 + i) for i in range(101)]),
        False,
    ),
    Case(
        "allowed mentions: users both parsed and listed",
        "callback",
        mentions(parse=["users"], users=[USER_ID]),
        False,
        "Discord's docs: parse users and a users list are mutually exclusive (the spec does not say)",
    ),
    Case("a poll without answers", "callback", {"poll": {**POLL, "answers": []}}, False),
    Case("a poll of 11 answers", "callback", {"poll": {**POLL, "answers": POLL["answers"] * 11}}, False),
    Case("a poll of 33 days", "callback", {"poll": {**POLL, "duration": 769}}, False),
    Case("a poll of another layout", "callback", {"poll": {**POLL, "layout_type": 2}}, False),
    Case("a poll without a question", "message", {"poll": {"answers": POLL["answers"]}}, False),
    Case("11 embeds", "message", {"embeds": [{"title": "t"}] * 11}, False),
    # Commands: accepted
    Case("command", "command", command("c-plain"), True),
    Case("command in every context", "command", command("c-all", contexts=[0, 1, 2]), True),
    Case(
        "command for both installs",
        "command",
        command("c-inst", integration_types=[0, 1]),
        True,
    ),
    Case("command with null contexts", "command", command("c-null", contexts=None), True),
    Case(
        "command permissions as a number",
        "command",
        command("c-perm", default_member_permissions=8),
        True,
    ),
    Case(
        "command permissions as a string",
        "command",
        command("c-perms", default_member_permissions="8"),
        True,
        "Discord's docs document default_member_permissions as a string bit set (the spec types it integer)",
    ),
    Case(
        "channel option for media channels",
        "command",
        command("c-media", options=[{"type": 7, "name": "where", "description": "d", "channel_types": [16]}]),
        True,
    ),
    # Commands: refused
    Case("command contexts twice", "command", command("c-twice", contexts=[0, 0]), False),
    Case("dm_permission that is no boolean", "command", command("c-dm", dm_permission="x"), False),
    Case(
        "nsfw that is no boolean",
        "command",
        command("c-nsfw", nsfw="x"),
        False,
        "Discord's docs: nsfw is a boolean (the spec's create request has no nsfw field, so allows anything)",
    ),
    Case(
        "chat input command with a null description",
        "command",
        command("c-nodesc", description=None),
        False,
        "Discord's docs: a chat input command's description is 1-100 characters (the spec allows null)",
    ),
    Case(
        "option required that is no boolean",
        "command",
        command("c-req", options=[{"type": 3, "name": "o", "description": "d", "required": "yes"}]),
        False,
    ),
    Case(
        "option min_value that is no number",
        "command",
        command("c-min", options=[{"type": 4, "name": "o", "description": "d", "min_value": "x"}]),
        False,
    ),
    Case(
        "option of an unknown channel type",
        "command",
        command("c-chan", options=[{"type": 7, "name": "o", "description": "d", "channel_types": [99]}]),
        False,
    ),
    Case("command in no context", "command", command("c-none", contexts=[]), False),
    Case("command for no install", "command", command("c-noinst", integration_types=[]), False),
    Case("command in an unknown context", "command", command("c-ctx", contexts=[3]), False),
    Case("command name of 33", "command", command("c" * 33), False),
    Case("command without a name", "command", {"description": "d"}, False),
    Case("command description of 101", "command", {"name": "c-long", "description": "d" * 101}, False),
]

SPEC_ROUTES = {
    "callback": ("POST", "/interactions/1/t/callback"),
    "message": ("POST", "/channels/1/messages"),
    "command": ("POST", "/applications/1/commands"),
}


def spec_body(case: Case) -> dict[str, Any]:
    return {"type": 4, "data": case.body} if case.route == "callback" else case.body


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_table_says_what_the_spec_says(spec: DiscordSpec, case: Case) -> None:
    """Each row's verdict is the spec's, except where the row gives Discord's reason to differ."""
    validator = spec.request_validator(*SPEC_ROUTES[case.route])
    spec_accepts = validator.is_valid(spec_body(case))
    if case.differs:
        assert spec_accepts is not case.accepted, f"the spec now agrees with Discord: drop the reason {case.differs!r}"
    else:
        assert spec_accepts is case.accepted, [e.message for e in validator.iter_errors(spec_body(case))]


@pytest.mark.usefixtures("synced")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_the_simulator_accepts_and_refuses_as_discord_does(
    sim: DiscordSimulator, http: aiohttp.ClientSession, case: Case
) -> None:
    if case.route == "callback":
        record = await sim.invoke("ping", dispatch=False)
        request = http.post(callback_url(record), json={"type": 4, "data": case.body})
    elif case.route == "message":
        request = http.post(f"{API}/channels/{sim.default_channel.id}/messages", json=case.body)
    else:
        request = http.post(f"{API}/applications/{sim.application_id}/commands", json=case.body)
    async with request as resp:
        status = resp.status
        body = await resp.json() if resp.content_type == "application/json" else None
    if case.accepted:
        assert status in (200, 201, 204), body
        assert sim.rejections == []
    else:
        assert status == 400, body
        assert body is not None and body["code"] == 50035 and body["errors"], body


# ------------------------------------------------------------------------------------------------- limits

# The simulator's limits (its own copy of Discord's rules) where the spec states the same number.
SPEC_LIMITS = [
    ("CONTENT", "IncomingWebhookInteractionRequest", "content", "maxLength"),
    ("EMBEDS_PER_MESSAGE", "IncomingWebhookInteractionRequest", "embeds", "maxItems"),
    ("FILES_PER_MESSAGE", "IncomingWebhookInteractionRequest", "attachments", "maxItems"),
    ("COMPONENTS_V2_TOTAL", "IncomingWebhookInteractionRequest", "components", "maxItems"),
    ("EMBED_TITLE", "RichEmbed", "title", "maxLength"),
    ("EMBED_DESCRIPTION", "RichEmbed", "description", "maxLength"),
    ("EMBED_FIELDS", "RichEmbed", "fields", "maxItems"),
    ("COLOR_MAX", "RichEmbed", "color", "maximum"),
    ("FIELD_NAME", "RichEmbedField", "name", "maxLength"),
    ("FIELD_VALUE", "RichEmbedField", "value", "maxLength"),
    ("FOOTER_TEXT", "RichEmbedFooter", "text", "maxLength"),
    ("AUTHOR_NAME", "RichEmbedAuthor", "name", "maxLength"),
    ("ALLOWED_MENTIONS_IDS", "MessageAllowedMentionsRequest", "users", "maxItems"),
    ("ATTACHMENT_TEXT", "MessageAttachmentRequest", "filename", "maxLength"),
    ("POLL_ANSWERS", "PollCreateRequest", "answers", "maxItems"),
    ("POLL_DURATION_HOURS", "PollCreateRequest", "duration", "maximum"),
    ("POLL_QUESTION", "PollMediaCreateRequest", "text", "maxLength"),
    ("CUSTOM_ID", "ButtonComponentForMessageRequest", "custom_id", "maxLength"),
    ("BUTTON_LABEL", "ButtonComponentForMessageRequest", "label", "maxLength"),
    ("BUTTONS_PER_ROW", "ActionRowComponentForMessageRequest", "components", "maxItems"),
    ("SELECT_OPTIONS", "StringSelectComponentForMessageRequest", "options", "maxItems"),
    ("SELECT_PLACEHOLDER", "StringSelectComponentForMessageRequest", "placeholder", "maxLength"),
    ("SELECT_OPTION_LABEL", "StringSelectOptionForRequest", "label", "maxLength"),
    ("SECTION_TEXT_DISPLAYS", "SectionComponentForMessageRequest", "components", "maxItems"),
    ("MEDIA_GALLERY_ITEMS", "MediaGalleryComponentForMessageRequest", "items", "maxItems"),
    ("TEXT_DISPLAY_TOTAL", "TextDisplayComponentForMessageRequest", "content", "maxLength"),
    ("MODAL_TITLE", "ModalInteractionCallbackRequestData", "title", "maxLength"),
    ("TEXT_INPUT_VALUE", "TextInputComponentForModalRequest", "value", "maxLength"),
    ("TEXT_INPUT_PLACEHOLDER", "TextInputComponentForModalRequest", "placeholder", "maxLength"),
    ("COMMAND_NAME", "ApplicationCommandCreateRequest", "name", "maxLength"),
    ("COMMAND_DESCRIPTION", "ApplicationCommandCreateRequest", "description", "maxLength"),
    ("COMMAND_OPTIONS", "ApplicationCommandCreateRequest", "options", "maxItems"),
    ("OPTION_CHOICES", "ApplicationCommandStringOption", "choices", "maxItems"),
    ("OPTION_STRING_LENGTH", "ApplicationCommandStringOption", "max_length", "maximum"),
    ("CHOICE_NAME", "ApplicationCommandOptionStringChoice", "name", "maxLength"),
]

# Where Discord's docs set a tighter limit than the spec writes, and the simulator keeps the docs' number.
DOCS_TIGHTER = [
    ("CHOICE_VALUE", "ApplicationCommandOptionStringChoice", "value", "maxLength", "docs: a choice value is 1-100"),
    ("POLL_ANSWER_TEXT", "PollMediaCreateRequest", "text", "maxLength", "docs: an answer's text is at most 55"),
    ("MODAL_COMPONENTS", "ModalInteractionCallbackRequestData", "components", "maxItems", "docs: 1-5 components"),
]


@pytest.mark.parametrize(("name", "schema", "field", "key"), SPEC_LIMITS, ids=[c[0] for c in SPEC_LIMITS])
def test_the_simulators_limits_are_the_specs(spec: DiscordSpec, name: str, schema: str, field: str, key: str) -> None:
    assert getattr(limits, name) == spec.document["components"]["schemas"][schema]["properties"][field][key]


@pytest.mark.parametrize(("name", "schema", "field", "key", "why"), DOCS_TIGHTER, ids=[c[0] for c in DOCS_TIGHTER])
def test_where_the_docs_are_tighter_the_simulator_keeps_the_docs_limit(
    spec: DiscordSpec, name: str, schema: str, field: str, key: str, why: str
) -> None:
    assert getattr(limits, name) < spec.document["components"]["schemas"][schema]["properties"][field][key], why


# -------------------------------------------------------------------------------------------- every route


async def test_every_route_answers_as_the_spec_says(
    sim: DiscordSimulator, http: aiohttp.ClientSession, spec: DiscordSpec
) -> None:
    """One successful call to each route the simulator serves, each answer checked against the spec."""
    assert sim.default_guild is not None
    app, guild, channel = sim.application_id, sim.default_guild.id, sim.default_channel.id
    calls: list[tuple[str, str, Any]] = []

    async def call(method: str, path: str, body: Any = None, *, status: int = 200) -> Any:
        async with http.request(method, API + path, json=body) as resp:
            raw = await resp.read()
        assert resp.status == status, raw
        problems = list(spec.check_response(method, path.split("?")[0], resp.status, raw or None))
        assert problems == [], "\n".join(problems)
        calls.append((method, path, resp.status))
        return json.loads(raw) if raw else None

    await call("GET", "/users/@me")
    await call("GET", "/gateway")
    await call("GET", "/gateway/bot")
    for scope in (f"/applications/{app}", f"/applications/{app}/guilds/{guild}"):
        await call("PUT", f"{scope}/commands", COMMANDS)
        created = await call("POST", f"{scope}/commands", command("extra"), status=201)
        await call("GET", f"{scope}/commands")
        await call("GET", f"{scope}/commands/{created['id']}")
        await call("PATCH", f"{scope}/commands/{created['id']}", {"description": "changed"})
        await call("DELETE", f"{scope}/commands/{created['id']}", status=204)
    posted = await call("POST", f"/channels/{channel}/messages", {"content": "hi", "embeds": [{"title": "t"}]})
    await call("GET", f"/channels/{channel}/messages/{posted['id']}")
    await call("PATCH", f"/channels/{channel}/messages/{posted['id']}", {"content": "edited"})
    await call("DELETE", f"/channels/{channel}/messages/{posted['id']}", status=204)
    record = await sim.invoke("ping", dispatch=False)
    await call("POST", f"/interactions/{record.id}/{record.token}/callback?with_response=true", {"type": 5})
    hook = f"/webhooks/{app}/{record.token}"
    await call("PATCH", f"{hook}/messages/@original", {"content": "done"})
    await call("GET", f"{hook}/messages/@original")
    followup = await call("POST", f"{hook}?wait=true", {"content": "more"})
    await call("POST", hook, {"content": "and more"}, status=204)
    await call("GET", f"{hook}/messages/{followup['id']}")
    await call("PATCH", f"{hook}/messages/{followup['id']}", {"content": "more, edited"})
    await call("DELETE", f"{hook}/messages/{followup['id']}", status=204)
    await call("DELETE", f"{hook}/messages/@original", status=204)
    assert len(calls) == 28
    assert sim.rejections == [] and sim.unexpected_routes == []


# ------------------------------------------------------------------------------------------------ the guard


def test_the_suite_wide_guard_tells_a_wrong_answer_from_a_right_one(spec: DiscordSpec) -> None:
    """What tests/conftest.py runs on every answer: a wrong one is reported, a right one and a 5xx are not."""
    user = payloads.current_user_payload(SimUser(1, "u", bot=True))
    right = ServedResponse("GET", "/users/@me", 200, "application/json", json.dumps(user).encode())
    wrong = ServedResponse("GET", "/users/@me", 200, "application/json", json.dumps({**user, "id": 1}).encode())
    undescribed = ServedResponse("GET", "/users/@me", 302, None, None)
    unknown = ServedResponse("GET", "/nowhere", 404, "application/json", b'{"message": "404: Not Found", "code": 0}')
    outage = ServedResponse("GET", "/users/@me", 502, "text/html", b"<html>Bad Gateway</html>", fault="server_error")
    tally: Counter[str] = Counter()
    assert served_mismatches(spec, [right, unknown, outage], tally) == []
    assert tally == Counter(validated=2, exempt=1)
    (problem,) = served_mismatches(spec, [wrong], tally)
    assert problem.startswith("GET /users/@me -> 200:") and "at id" in problem
    (problem,) = served_mismatches(spec, [undescribed], tally)
    assert "describes no 302 answer" in problem
