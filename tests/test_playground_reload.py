"""Live content in the playground: edits to the YAML pack reload the bot; a broken pack keeps the old one serving."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.playground import Playground
from bot.settings import SHIPPED_CONTENT_DIR, Settings

OBJECTIVES = Path("topics") / "objectives.yaml"
OLD_TITLE = "Objectives of NATO’s Involvement in Iraq"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A private copy of the shipped pack, free to break."""
    copy = tmp_path / "content"
    shutil.copytree(SHIPPED_CONTENT_DIR, copy)
    return copy


@pytest.fixture
async def playground(content: Path) -> AsyncIterator[Playground]:
    settings = Settings.from_env({"CONTENT_DIR": str(content)}, env_file=None)
    async with Playground(settings, port=0, debounce_ms=50) as running:
        yield running


async def next_event(ws: aiohttp.ClientWebSocketResponse, kind: str, within: float = 15.0) -> dict[str, Any]:
    # Generous: a file-system watcher on a loaded CI machine can take a while to notice a write.
    async with asyncio.timeout(within):
        while True:
            event = await ws.receive_json()
            if event["type"] == kind:
                return event


async def first_of_each(ws: aiohttp.ClientWebSocketResponse, kinds: set[str], within: float = 15.0) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    async with asyncio.timeout(within):
        while not kinds <= seen.keys():
            event = await ws.receive_json()
            seen.setdefault(event["type"], event)
    return seen


async def invoke(http: aiohttp.ClientSession, command: str) -> dict[str, Any]:
    async with http.post("/api/invoke", json={"command": command}) as response:
        data = await response.json()
        assert response.status == 200, data
        return data["message"]


def bump_version(content: Path, version: str) -> None:
    pack = content / "pack.yaml"
    text = pack.read_text(encoding="utf-8")
    assert 'version: "1.0.0"' in text
    pack.write_text(text.replace('version: "1.0.0"', f'version: "{version}"'), encoding="utf-8")


def break_syntax(text: str) -> tuple[str, int, str]:
    """An unterminated string on the title line: the YAML cannot be read at all."""
    lines = text.splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.startswith("title:")) + 1
    lines[number - 1] = 'title: "Objectives, newly renamed\n'
    return "".join(lines), number, ""


def break_meaning(text: str) -> tuple[str, int, str]:
    """Valid YAML that cites a paragraph the source does not have: the validator names the key."""
    lines = text.splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.strip() == "paragraph: 2") + 1
    lines[number - 1] = lines[number - 1].replace("paragraph: 2", "paragraph: 99")
    return "".join(lines), number, "points[1].paragraph"


@pytest.mark.parametrize("breakage", [break_syntax, break_meaning], ids=["syntax", "validation"])
async def test_a_broken_file_is_reported_and_the_old_pack_keeps_serving(
    playground: Playground, content: Path, breakage: Callable[[str], tuple[str, int, str]]
) -> None:
    path = content / OBJECTIVES
    good = path.read_text(encoding="utf-8")
    broken, broken_line, key = breakage(good)
    async with aiohttp.ClientSession(base_url=playground.url) as http, http.ws_connect("/api/events") as ws:
        await next_event(ws, "hello")

        path.write_text(broken, encoding="utf-8")
        failed = (await next_event(ws, "content"))["content"]
        assert failed["ok"] is False
        assert failed["serving"] == "1.0.0"
        problem = failed["problems"][0]
        assert problem["file"] == str(OBJECTIVES)
        assert isinstance(problem["line"], int) and problem["line"] >= broken_line
        assert problem["key"] == key
        assert problem["text"].startswith(f"{OBJECTIVES}:{problem['line']}:")
        async with http.get("/api/content") as response:
            assert (await response.json())["content"] == failed
        # The previous pack still answers, whole.
        assert (await invoke(http, "objectives"))["embeds"][0]["title"] == OLD_TITLE

        path.write_text(good.replace(f"title: {_quoted(OLD_TITLE)}", 'title: "Objectives, renamed"'), encoding="utf-8")
        bump_version(content, "1.0.1")
        fixed = await _until_version(ws, "1.0.1")
        assert fixed["ok"] is True and fixed["problems"] == []
        assert fixed["serving"] == "1.0.1"
        assert (await invoke(http, "objectives"))["embeds"][0]["title"] == "Objectives, renamed"
    playground.sim.assert_no_rejections()


async def test_a_changed_command_is_synced_again(playground: Playground, content: Path) -> None:
    path = content / OBJECTIVES
    text = path.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("description:"))
    async with aiohttp.ClientSession(base_url=playground.url) as http, http.ws_connect("/api/events") as ws:
        await next_event(ws, "hello")
        path.write_text(text.replace(old, 'description: "What NATO wanted in Iraq"'), encoding="utf-8")
        # The re-sync and the reload result are separate events, in no promised order.
        seen = await first_of_each(ws, {"commands", "content"})
        objectives = next(c for c in seen["commands"]["commands"] if c["name"] == "objectives")
        assert objectives["description"] == "What NATO wanted in Iraq"
        assert seen["content"]["content"]["ok"] and seen["content"]["content"]["commands_changed"]
        async with http.get("/api/commands") as response:
            listed = {c["name"]: c for c in (await response.json())["commands"]}
        assert listed["objectives"]["description"] == "What NATO wanted in Iraq"


async def test_a_manual_reload_reports_the_same_way(playground: Playground, content: Path) -> None:
    bump_version(content, "1.0.2")
    async with (
        aiohttp.ClientSession(base_url=playground.url) as http,
        http.post("/api/reload", json={}) as response,
    ):
        data = await response.json()
    assert data["ok"] is True
    assert data["content"]["serving"] == "1.0.2"


def _quoted(text: str) -> str:
    return f'"{text}"'


async def _until_version(ws: aiohttp.ClientWebSocketResponse, version: str) -> dict[str, Any]:
    """The first reload result serving `version` (saving two files may be seen as two reloads)."""
    while True:
        content = (await next_event(ws, "content"))["content"]
        if content["ok"] and content["serving"] == version:
            return content
