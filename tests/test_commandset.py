"""The command set a pack gives is checked as the bot will register it, before anything changes: at `check`,
at start-up and on reload; a refused reload (content, commands, or a sync Discord fails) changes nothing."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app.client import check_commands
from bot.content import ContentError, Library
from bot.settings import Settings
from bot.simulator import DiscordSimulator
from tests.ops_support import copy_content, edit, running
from tests.test_ops_reload import ops_world, settings_for, title_of


def _more_commands(library: Library, count: int) -> Library:
    """`library` with `count` more top-level topics, each a command of its own."""
    base = library.by_command["history"]
    extra = tuple(dataclasses.replace(base, id=f"extra-{n}", command=f"extra-{n}") for n in range(count))
    return Library(library.pack, library.source, library.topics + extra, library.timeline)


async def test_the_whole_command_set_counts_against_discords_limit(library: Library) -> None:
    # 11 topic commands and the bot's 6: 83 more make 100, which Discord allows; one more does not.
    assert await check_commands(Settings(), _more_commands(library, 83)) == 100
    with pytest.raises(ContentError) as refused:
        await check_commands(Settings(), _more_commands(library, 84))
    assert "101 slash commands; Discord allows 100" in str(refused.value)


def _check(content: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "check", "--content-dir", str(content)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("history.yaml", "command: history", "command: help", "/help is one of the bot’s own commands"),
        ("history.yaml", "command: history", "command: reload", "/reload is one of the bot’s own commands"),
        ("collaboration.yaml", "  name: partner", "  name: private", "option 'private' appears twice"),
    ],
)
def test_check_refuses_what_discord_or_the_bot_would(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    content = copy_content(tmp_path)
    edit(content / "topics" / file, old, new)
    result = _check(content)
    assert result.returncode == 1
    assert f"topics/{file}:2: command: {message}" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


async def test_a_reload_whose_commands_clash_keeps_everything_serving(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    async with DiscordSimulator() as sim, running(sim, settings_for(tmp_path, content)) as bot:
        ops = ops_world(sim, content)
        old, commands = bot.library, {c.name for c in bot.tree.get_commands()}
        edit(content / "topics" / "history.yaml", "command: history", "command: help")
        answer = await ops.reload()
        assert "reload refused" in answer.content and "/help is one of the bot’s own commands" in answer.content
        assert bot.library is old and {c.name for c in bot.tree.get_commands()} == commands
        assert bot.reloader.last is not None and not bot.reloader.last.ok
        # The next good reload works: nothing was left half-applied.
        edit(content / "topics" / "history.yaml", "command: help", "command: past")
        again = await ops.reload()
        assert again.content.startswith("✅ reloaded pack") and "commands changed" in again.content
        assert bot.tree.get_command("past") is not None and bot.tree.get_command("history") is None
        assert "past" in {c["name"] for c in sim.get_commands(None)}


@pytest.mark.provokes_rejections
async def test_a_reload_whose_sync_fails_puts_the_old_pack_and_commands_back(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    async with DiscordSimulator() as sim, running(sim, settings_for(tmp_path, content)) as bot:
        ops = ops_world(sim, content)
        old = bot.library
        edit(content / "topics" / "history.yaml", "command: history", "command: past")
        # Cloudflare refusing the request outright: discord.py raises at once rather than retrying.
        sim.faults.cloudflare_ban("PUT /applications/*/commands", times=None)
        answer = await ops.reload()
        assert "reload refused" in answer.content
        assert bot.library is old
        assert bot.tree.get_command("history") is not None and bot.tree.get_command("past") is None
        assert await title_of(sim, "history") == old.by_command["history"].title
        sim.faults.clear()
        again = await ops.reload()
        assert "commands changed" in again.content and bot.tree.get_command("past") is not None
