"""Every extension in cogs/ loads, alone and together, and registers commands Discord would accept."""

from __future__ import annotations

import importlib
import inspect
import typing
from collections.abc import AsyncIterator

import discord
import pytest
from discord import app_commands

from bot import limits
from bot.app.client import ReferenceBot, create_bot, discover_extensions
from bot.settings import Settings

OURS = {"cogs.meta", "cogs.timeline", "cogs.topics"}


@pytest.fixture
async def bot() -> AsyncIterator[ReferenceBot]:
    async with create_bot(Settings()) as bot:
        await bot.setup_hook()
        yield bot


def test_discovery_finds_every_feature() -> None:
    names = discover_extensions()
    assert set(names) >= OURS
    assert list(names) == sorted(names)


@pytest.mark.parametrize("name", discover_extensions())
def test_each_extension_has_a_typed_setup(name: str) -> None:
    module = importlib.import_module(name)
    setup = getattr(module, "setup", None)
    assert inspect.iscoroutinefunction(setup), f"{name} must end with `async def setup(bot)`"
    hints = typing.get_type_hints(setup)
    assert hints.get("return") is type(None)
    assert [hints.get(p) for p in inspect.signature(setup).parameters] == [ReferenceBot]


@pytest.mark.parametrize("name", discover_extensions())
async def test_each_extension_loads_on_its_own(name: str) -> None:
    async with create_bot(Settings(), extensions=[name]) as bot:
        await bot.setup_hook()
        assert name in bot.extensions


def _commands(bot: ReferenceBot) -> list[app_commands.Command]:  # type: ignore[type-arg]
    return [c for c in bot.tree.walk_commands() if isinstance(c, app_commands.Command)]


async def test_no_duplicate_command_names(bot: ReferenceBot) -> None:
    names = [c.name for c in bot.tree.get_commands()]
    assert len(names) == len(set(names))
    expected = {t.command for t in bot.library.commands} | {"timeline", "topics", "help", "about"}
    assert expected <= set(names)


async def test_every_command_and_option_is_described_and_well_named(bot: ReferenceBot) -> None:
    for command in _commands(bot):
        assert limits.COMMAND_NAME_PATTERN.fullmatch(command.name), command.name
        assert command.description and command.description != "…", command.name
        assert len(command.description) <= limits.COMMAND_DESCRIPTION
        assert len(command.parameters) <= limits.COMMAND_OPTIONS
        for parameter in command.parameters:
            where = f"/{command.name} {parameter.display_name}"
            assert limits.COMMAND_NAME_PATTERN.fullmatch(parameter.display_name), where
            assert parameter.description and parameter.description != "…", where
            assert len(parameter.description) <= limits.COMMAND_DESCRIPTION, where
            assert len(parameter.choices) <= limits.OPTION_CHOICES, where
            for choice in parameter.choices:
                assert 1 <= len(choice.name) <= limits.CHOICE_NAME, where
                assert len(str(choice.value)) <= limits.CHOICE_VALUE, where


async def test_every_command_is_usable_everywhere(bot: ReferenceBot) -> None:
    for command in bot.tree.get_commands():
        payload = command.to_dict(bot.tree)
        if payload.get("default_member_permissions") is not None:
            # Operator commands (/reload) are guild-only on purpose; tests/test_ops_reload.py pins them.
            assert payload["contexts"] == [0] and payload["integration_types"] == [0], command.name
            continue
        assert sorted(payload["contexts"]) == [0, 1, 2], command.name
        assert sorted(payload["integration_types"]) == [0, 1], command.name


async def test_content_commands_offer_private(bot: ReferenceBot) -> None:
    meta = {"topics", "help", "about"}
    for command in _commands(bot):
        names = {p.name: p for p in command.parameters}
        if command.name in meta:
            assert "private" not in names
        elif command.name in {t.command for t in bot.library.commands} | {"timeline"}:
            private = names["private"]
            assert private.type is discord.AppCommandOptionType.boolean
            assert not private.required and private.default is False


async def test_topic_options_come_from_the_pack(bot: ReferenceBot) -> None:
    for topic in bot.library.commands:
        command = bot.tree.get_command(str(topic.command))
        assert isinstance(command, app_commands.Command)
        assert command.description == topic.description
        if topic.children:
            assert topic.option is not None
            (part,) = [p for p in command.parameters if p.name != "private"]
            assert part.display_name == topic.option.name and part.description == topic.option.description
            assert not part.required
            assert [c.name for c in part.choices] == [c.choice for c in bot.library.children(topic)]
            assert [c.value for c in part.choices] == list(topic.children)


async def test_unloading_topics_removes_its_commands(bot: ReferenceBot) -> None:
    await bot.unload_extension("cogs.topics")
    assert all(bot.tree.get_command(str(t.command)) is None for t in bot.library.commands)
    await bot.load_extension("cogs.topics")
    assert all(bot.tree.get_command(str(t.command)) is not None for t in bot.library.commands)
