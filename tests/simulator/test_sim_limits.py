"""Every Discord limit the simulator enforces, over plain HTTP: 400 / 50035 with the offending path."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from bot.simulator import DiscordSimulator, InteractionRecord, limits

API = "/api/v10"
COMMANDS = [
    {"name": "ping", "description": "Ping"},
    {
        "name": "echo",
        "description": "Echo",
        "options": [{"type": 3, "name": "text", "description": "Text", "required": True, "autocomplete": True}],
    },
    {
        "name": "count",
        "description": "Count",
        "options": [{"type": 4, "name": "n", "description": "N", "required": True, "autocomplete": True}],
    },
]

Factory = Callable[..., Awaitable[InteractionRecord]]


@pytest.fixture
async def interaction(sim: DiscordSimulator, http: aiohttp.ClientSession) -> Factory:
    async with http.put(f"{API}/applications/{sim.application_id}/commands", json=COMMANDS) as resp:
        assert resp.status == 200

    async def make(name: str = "ping", **kwargs: Any) -> InteractionRecord:
        return await sim.invoke(name, dispatch=False, **kwargs)

    return make


def callback_url(record: InteractionRecord) -> str:
    return f"{API}/interactions/{record.id}/{record.token}/callback"


def error_paths(errors: dict[str, Any], prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """The paths in a Discord ``errors`` object that carry ``_errors``."""
    found: set[tuple[str, ...]] = set()
    for key, value in errors.items():
        if key == "_errors":
            found.add(prefix)
        elif isinstance(value, dict):
            found |= error_paths(value, (*prefix, key))
    return found


def button(custom_id: str, label: str = "b", **extra: Any) -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": label, "custom_id": custom_id, **extra}


def row(*components: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(components)}


def select(custom_id: str = "s", n: int = 3, **extra: Any) -> dict[str, Any]:
    options = [{"label": f"o{i}", "value": f"v{i}"} for i in range(n)]
    return {"type": 3, "custom_id": custom_id, "options": options, **extra}


def embed(**fields: Any) -> dict[str, Any]:
    return {"type": "rich", **fields}


MESSAGE_CASES: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
    ("content", {"content": "x" * (limits.CONTENT + 1)}, ("data", "content")),
    ("embed count", {"embeds": [embed(title="t")] * (limits.EMBEDS_PER_MESSAGE + 1)}, ("data", "embeds")),
    ("title", {"embeds": [embed(title="x" * (limits.EMBED_TITLE + 1))]}, ("data", "embeds", "0", "title")),
    (
        "description",
        {"embeds": [embed(description="x" * (limits.EMBED_DESCRIPTION + 1))]},
        ("data", "embeds", "0", "description"),
    ),
    (
        "field count",
        {"embeds": [embed(fields=[{"name": "n", "value": "v"}] * (limits.EMBED_FIELDS + 1))]},
        ("data", "embeds", "0", "fields"),
    ),
    (
        "empty field name",
        {"embeds": [embed(fields=[{"name": "", "value": "v"}])]},
        ("data", "embeds", "0", "fields", "0", "name"),
    ),
    (
        "empty field value",
        {"embeds": [embed(fields=[{"name": "n", "value": ""}])]},
        ("data", "embeds", "0", "fields", "0", "value"),
    ),
    (
        "field name length",
        {"embeds": [embed(fields=[{"name": "x" * (limits.FIELD_NAME + 1), "value": "v"}])]},
        ("data", "embeds", "0", "fields", "0", "name"),
    ),
    (
        "field value length",
        {"embeds": [embed(fields=[{"name": "n", "value": "x" * (limits.FIELD_VALUE + 1)}])]},
        ("data", "embeds", "0", "fields", "0", "value"),
    ),
    (
        "footer",
        {"embeds": [embed(footer={"text": "x" * (limits.FOOTER_TEXT + 1)})]},
        ("data", "embeds", "0", "footer", "text"),
    ),
    (
        "author name",
        {"embeds": [embed(author={"name": "x" * (limits.AUTHOR_NAME + 1)})]},
        ("data", "embeds", "0", "author", "name"),
    ),
    (
        "embed total",
        {"embeds": [embed(description="x" * 4000), embed(description="y" * 2001)]},
        ("data", "embeds"),
    ),
    ("embed url", {"embeds": [embed(title="t", url="not a url")]}, ("data", "embeds", "0", "url")),
    (
        "action rows",
        {"components": [row(button(f"b{i}")) for i in range(limits.ACTION_ROWS + 1)]},
        ("data", "components"),
    ),
    (
        "buttons per row",
        {"components": [row(*[button(f"b{i}") for i in range(limits.BUTTONS_PER_ROW + 1)])]},
        ("data", "components", "0", "components"),
    ),
    ("select shares a row", {"components": [row(select(), button("b"))]}, ("data", "components", "0", "components")),
    (
        "select no options",
        {"components": [row(select(n=0))]},
        ("data", "components", "0", "components", "0", "options"),
    ),
    (
        "select too many options",
        {"components": [row(select(n=limits.SELECT_OPTIONS + 1))]},
        ("data", "components", "0", "components", "0", "options"),
    ),
    (
        "select option label",
        {"components": [row({**select(), "options": [{"label": "x" * 101, "value": "v"}]})]},
        ("data", "components", "0", "components", "0", "options", "0", "label"),
    ),
    (
        "select max_values above options",
        {"components": [row(select(n=2, max_values=3))]},
        ("data", "components", "0", "components", "0", "max_values"),
    ),
    (
        "select placeholder",
        {"components": [row(select(placeholder="x" * (limits.SELECT_PLACEHOLDER + 1)))]},
        ("data", "components", "0", "components", "0", "placeholder"),
    ),
    (
        "custom_id length",
        {"components": [row(button("x" * (limits.CUSTOM_ID + 1)))]},
        ("data", "components", "0", "components", "0", "custom_id"),
    ),
    (
        "custom_id duplicate",
        {"components": [row(button("same")), row(button("same"))]},
        ("data", "components", "1", "components", "0", "custom_id"),
    ),
    (
        "button label",
        {"components": [row(button("b", label="x" * (limits.BUTTON_LABEL + 1)))]},
        ("data", "components", "0", "components", "0", "label"),
    ),
    (
        "link button with custom_id",
        {"components": [row({"type": 2, "style": 5, "label": "l", "url": "https://x.test", "custom_id": "c"})]},
        ("data", "components", "0", "components", "0", "custom_id"),
    ),
    (
        "link button without url",
        {"components": [row({"type": 2, "style": 5, "label": "l"})]},
        ("data", "components", "0", "components", "0", "url"),
    ),
    (
        "button without custom_id",
        {"components": [row({"type": 2, "style": 1, "label": "l"})]},
        ("data", "components", "0", "components", "0", "custom_id"),
    ),
    ("button outside a row", {"components": [button("b")]}, ("data", "components", "0", "type")),
    (
        "components v2 with content",
        {"flags": 1 << 15, "content": "x", "components": [{"type": 10, "content": "hi"}]},
        ("data", "content"),
    ),
    (
        "components v2 total",
        {"flags": 1 << 15, "components": [{"type": 10, "content": "x"}] * (limits.COMPONENTS_V2_TOTAL + 1)},
        ("data", "components"),
    ),
    (
        "components v2 text",
        {"flags": 1 << 15, "components": [{"type": 10, "content": "x" * 2001}, {"type": 10, "content": "y" * 2000}]},
        ("data", "components"),
    ),
]


@pytest.mark.parametrize(("case", "data", "path"), MESSAGE_CASES, ids=[c[0] for c in MESSAGE_CASES])
async def test_message_limits_on_callback(
    sim: DiscordSimulator,
    http: aiohttp.ClientSession,
    interaction: Factory,
    case: str,
    data: dict[str, Any],
    path: tuple[str, ...],
) -> None:
    record = await interaction()
    async with http.post(callback_url(record), json={"type": 4, "data": data}) as resp:
        assert resp.status == 400, case
        body = await resp.json()
    assert body["code"] == 50035
    assert body["message"] == "Invalid Form Body"
    assert path in error_paths(body["errors"]), body["errors"]
    assert not record.acknowledged
    assert record.attempts[-1].status == 400
    (rejection,) = sim.rejections
    assert rejection.code == 50035 and rejection.interaction_id == record.id
    assert rejection.errors == body["errors"]


async def test_limits_at_the_edge_are_accepted(
    sim: DiscordSimulator, http: aiohttp.ClientSession, interaction: Factory
) -> None:
    record = await interaction()
    data = {
        "content": "x" * limits.CONTENT,
        "embeds": [
            embed(
                title="t" * limits.EMBED_TITLE,
                description="d" * 2600,
                fields=[{"name": "n" * 10, "value": "v" * 100}] * limits.EMBED_FIELDS,
                footer={"text": "f" * 100},
                author={"name": "a" * limits.AUTHOR_NAME},
            )
        ],
        "components": [
            row(*[button(f"r{r}b{i}", label="l" * limits.BUTTON_LABEL) for i in range(limits.BUTTONS_PER_ROW)])
            for r in range(limits.ACTION_ROWS - 1)
        ]
        + [row(select("s" * limits.CUSTOM_ID, n=limits.SELECT_OPTIONS, max_values=limits.SELECT_OPTIONS))],
    }
    async with http.post(callback_url(record), json={"type": 4, "data": data}) as resp:
        assert resp.status == 204, await resp.text()
    assert sim.rejections == []
    assert record.original is not None and len(record.original.custom_ids()) == 21


async def test_nested_error_shape(http: aiohttp.ClientSession, interaction: Factory) -> None:
    record = await interaction()
    data = {"embeds": [embed(fields=[{"name": "", "value": "v"}])]}
    async with http.post(callback_url(record), json={"type": 4, "data": data}) as resp:
        body = await resp.json()
    assert body == {
        "message": "Invalid Form Body",
        "code": 50035,
        "errors": {
            "data": {
                "embeds": {
                    "0": {
                        "fields": {
                            "0": {
                                "name": {
                                    "_errors": [{"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}]
                                }
                            }
                        }
                    }
                }
            }
        },
    }


async def test_empty_message(http: aiohttp.ClientSession, interaction: Factory) -> None:
    record = await interaction()
    async with http.post(callback_url(record), json={"type": 4, "data": {"content": ""}}) as resp:
        assert resp.status == 400
        assert (await resp.json())["code"] == 50006


async def test_wrong_callback_type(http: aiohttp.ClientSession, interaction: Factory) -> None:
    record = await interaction()
    async with http.post(callback_url(record), json={"type": 7, "data": {"content": "x"}}) as resp:
        assert resp.status == 400
        body = await resp.json()
    assert ("type",) in error_paths(body["errors"])


def _command(**overrides: Any) -> dict[str, Any]:
    return {"name": "cmd", "description": "A command", **overrides}


def _option(name: str = "opt", **overrides: Any) -> dict[str, Any]:
    return {"type": 3, "name": name, "description": "An option", **overrides}


COMMAND_CASES: list[tuple[str, Any, tuple[str, ...]]] = [
    ("uppercase name", [_command(name="Cmd")], ("0", "name")),
    ("space in name", [_command(name="my cmd")], ("0", "name")),
    ("long name", [_command(name="c" * (limits.COMMAND_NAME + 1))], ("0", "name")),
    ("empty description", [_command(description="")], ("0", "description")),
    ("long description", [_command(description="d" * (limits.COMMAND_DESCRIPTION + 1))], ("0", "description")),
    (
        "too many options",
        [_command(options=[_option(f"o{i}") for i in range(limits.COMMAND_OPTIONS + 1)])],
        ("0", "options"),
    ),
    ("option name", [_command(options=[_option("Bad Name")])], ("0", "options", "0", "name")),
    ("option description", [_command(options=[_option(description="")])], ("0", "options", "0", "description")),
    (
        "too many choices",
        [_command(options=[_option(choices=[{"name": f"c{i}", "value": f"v{i}"} for i in range(26)])])],
        ("0", "options", "0", "choices"),
    ),
    (
        "empty choice name",
        [_command(options=[_option(choices=[{"name": "", "value": "v"}])])],
        ("0", "options", "0", "choices", "0", "name"),
    ),
    (
        "long choice name",
        [_command(options=[_option(choices=[{"name": "n" * (limits.CHOICE_NAME + 1), "value": "v"}])])],
        ("0", "options", "0", "choices", "0", "name"),
    ),
    (
        "long choice value",
        [_command(options=[_option(choices=[{"name": "n", "value": "v" * (limits.CHOICE_VALUE + 1)}])])],
        ("0", "options", "0", "choices", "0", "value"),
    ),
    (
        "required after optional",
        [_command(options=[_option("a"), _option("b", required=True)])],
        ("0", "options", "1", "required"),
    ),
    (
        "autocomplete with choices",
        [_command(options=[_option(autocomplete=True, choices=[{"name": "n", "value": "v"}])])],
        ("0", "options", "0", "autocomplete"),
    ),
    ("duplicate names", [_command(), _command()], ("1", "name")),
    (
        "too many commands",
        [_command(name=f"c{i}") for i in range(limits.COMMANDS_PER_SCOPE + 1)],
        (),
    ),
    ("context menu description", [{"name": "Inspect", "type": 2, "description": "no"}], ("0", "description")),
    (
        "subcommands mixed with options",
        [_command(options=[{"type": 1, "name": "sub", "description": "s"}, _option()])],
        ("0", "options"),
    ),
]


@pytest.mark.parametrize(("case", "body", "path"), COMMAND_CASES, ids=[c[0] for c in COMMAND_CASES])
async def test_command_limits(
    sim: DiscordSimulator, http: aiohttp.ClientSession, case: str, body: Any, path: tuple[str, ...]
) -> None:
    async with http.put(f"{API}/applications/{sim.application_id}/commands", json=body) as resp:
        assert resp.status == 400, case
        payload = await resp.json()
    assert payload["code"] == 50035
    assert path in error_paths(payload["errors"]), payload["errors"]
    assert sim.get_commands() == []
    assert sim.syncs == []
    assert len(sim.rejections) == 1


async def test_context_menus_and_unicode_names_are_valid(sim: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    body = [
        {"name": "Inspect User", "type": 2},
        {"name": "Quote Message", "type": 3},
        _command(name="résumé-ok"),
        _command(options=[_option("a", required=True), _option("b")]),
    ]
    body[3]["name"] = "second"
    async with http.put(f"{API}/applications/{sim.application_id}/commands", json=body) as resp:
        assert resp.status == 200, await resp.text()


AUTOCOMPLETE_CASES: list[tuple[str, str, list[Any], tuple[str, ...]]] = [
    (
        "too many",
        "echo",
        [{"name": f"c{i}", "value": f"v{i}"} for i in range(limits.AUTOCOMPLETE_CHOICES + 1)],
        ("data", "choices"),
    ),
    ("empty name", "echo", [{"name": "", "value": "v"}], ("data", "choices", "0", "name")),
    ("long name", "echo", [{"name": "n" * (limits.CHOICE_NAME + 1), "value": "v"}], ("data", "choices", "0", "name")),
    (
        "long value",
        "echo",
        [{"name": "n", "value": "v" * (limits.CHOICE_VALUE + 1)}],
        ("data", "choices", "0", "value"),
    ),
    ("string for an integer option", "count", [{"name": "n", "value": "3"}], ("data", "choices", "0", "value")),
]


@pytest.mark.parametrize(
    ("case", "command", "choices", "path"), AUTOCOMPLETE_CASES, ids=[c[0] for c in AUTOCOMPLETE_CASES]
)
async def test_autocomplete_limits(
    sim: DiscordSimulator,
    http: aiohttp.ClientSession,
    case: str,
    command: str,
    choices: list[Any],
    path: tuple[str, ...],
) -> None:
    async with http.put(f"{API}/applications/{sim.application_id}/commands", json=COMMANDS) as resp:
        assert resp.status == 200
    focused = "text" if command == "echo" else "n"
    record = await sim.autocomplete(command, focused, "ab", dispatch=False)
    async with http.post(callback_url(record), json={"type": 8, "data": {"choices": choices}}) as resp:
        assert resp.status == 400, case
        body = await resp.json()
    assert body["code"] == 50035
    assert path in error_paths(body["errors"]), body["errors"]


async def test_autocomplete_within_limits(sim: DiscordSimulator, http: aiohttp.ClientSession) -> None:
    async with http.put(f"{API}/applications/{sim.application_id}/commands", json=COMMANDS) as resp:
        assert resp.status == 200
    record = await sim.autocomplete("count", "n", "4", dispatch=False)
    option = record.payload["data"]["options"][0]
    assert option == {"type": 4, "name": "n", "value": "4", "focused": True}  # typed text, even for integers
    choices = [{"name": f"c{i}", "value": i} for i in range(limits.AUTOCOMPLETE_CHOICES)]
    async with http.post(callback_url(record), json={"type": 8, "data": {"choices": choices}}) as resp:
        assert resp.status == 204
    assert record.choices == choices


async def test_modal_limits(http: aiohttp.ClientSession, interaction: Factory) -> None:
    record = await interaction()
    modal = {
        "custom_id": "m",
        "title": "x" * (limits.MODAL_TITLE + 1),
        "components": [row({"type": 4, "custom_id": "t", "style": 1, "label": "L"})],
    }
    async with http.post(callback_url(record), json={"type": 9, "data": modal}) as resp:
        assert resp.status == 400
        assert ("data", "title") in error_paths((await resp.json())["errors"])
    modal["title"] = "ok"
    async with http.post(callback_url(record), json={"type": 9, "data": modal}) as resp:
        assert resp.status == 204


async def test_limits_apply_to_followups_and_edits(
    sim: DiscordSimulator, http: aiohttp.ClientSession, interaction: Factory
) -> None:
    record = await interaction()
    async with http.post(callback_url(record), json={"type": 4, "data": {"embeds": [embed(description="x" * 4000)]}}):
        pass
    webhook = f"{API}/webhooks/{sim.application_id}/{record.token}"
    async with http.patch(f"{webhook}/messages/@original", json={"content": "x" * 2001}) as resp:
        assert resp.status == 400
        assert ("content",) in error_paths((await resp.json())["errors"])
    # Embeds in an edit replace the old ones: 4000 + 256 characters fit.
    async with http.patch(
        f"{webhook}/messages/@original", json={"embeds": [embed(description="x" * 4000), embed(title="y" * 256)]}
    ) as resp:
        assert resp.status == 200
    async with http.post(f"{webhook}?wait=true", json={"embeds": [embed(title="t")] * 11}) as resp:
        assert resp.status == 400
        assert ("embeds",) in error_paths((await resp.json())["errors"])
    async with http.patch(f"{webhook}/messages/@original", json={"content": "", "embeds": []}) as resp:
        assert resp.status == 400
        assert (await resp.json())["code"] == 50006
    assert [r.code for r in sim.rejections] == [50035, 50035, 50006]
