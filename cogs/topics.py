"""One slash command per top-level topic of the pack: adding a topic in YAML adds a command, with no code change.

The commands are derived from the library: the bot rebuilds them with `build_topic_commands` whenever the
library is swapped, and checks them with its own before anything changes (`bot.app.commandset`).

A topic with parts gets an optional choice option (named by the pack) whose choices open one part; without it
the command shows the topic itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any, Final

import discord
from discord import app_commands

from bot import limits
from bot.app import replies
from bot.app.client import ReferenceBot
from bot.app.commandset import BuiltCommand
from bot.app.lookup import library_of
from bot.app.mentions import command_mentions
from bot.app.tree import UnknownValue
from bot.content import ContentError, Library, Problem, Topic
from bot.render import Viewer, find_by_key, key_of, render_topic
from bot.text import clip

log = logging.getLogger(__name__)

PRIVATE_HELP: Final = "Only you see the answer"


async def answer_topic(
    interaction: discord.Interaction[ReferenceBot], topic_id: str, part: str | None, private: bool
) -> None:
    """Look the topic (or its chosen part) up in the library as it is now, and send its first page."""
    library = library_of(interaction)
    # The command is rebuilt with every library (bot.app.commandset), so its topic is always there.
    topic = library.topic(topic_id)
    if part is not None:
        child_id = find_by_key(part, topic.children)
        if child_id is None or child_id not in library.by_id:
            raise UnknownValue(topic.option.name if topic.option else "part", part)
        topic = library.by_id[child_id]
    viewer = Viewer(interaction.user.id, private, command_mentions(interaction))
    await replies.send(interaction, render_topic(library, topic, viewer=viewer))


def build_command(topic: Topic, parts: list[Topic]) -> app_commands.Command[Any, ..., None]:
    """The slash command for `topic`; `parts` are its children, offered as the choices of its option."""
    topic_id = topic.id
    assert topic.command is not None
    description = clip(topic.description or topic.summary, limits.COMMAND_DESCRIPTION) or topic.short
    if topic.option is not None and parts:

        async def with_part(
            interaction: discord.Interaction[ReferenceBot], part: str | None = None, private: bool = False
        ) -> None:
            await answer_topic(interaction, topic_id, part, private)

        # The option's name and text come from the pack, so the decorators are applied per topic.
        app_commands.rename(part=topic.option.name)(with_part)
        app_commands.describe(part=topic.option.description, private=PRIVATE_HELP)(with_part)
        app_commands.choices(
            part=[
                app_commands.Choice(name=clip(c.choice or c.short, limits.CHOICE_NAME), value=key_of(c.id))
                for c in parts[: limits.OPTION_CHOICES]
            ]
        )(with_part)
        callback: Callable[..., Coroutine[Any, Any, None]] = with_part
    else:

        async def plain(interaction: discord.Interaction[ReferenceBot], private: bool = False) -> None:
            await answer_topic(interaction, topic_id, None, private)

        app_commands.describe(private=PRIVATE_HELP)(plain)
        callback = plain
    command: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=topic.command,
        description=description,
        callback=callback,
        extras={"topic": topic.id},
    )
    return command


def build_topic_commands(library: Library) -> list[BuiltCommand]:
    """One command per top-level topic; `ContentError` naming each topic whose command cannot be built."""
    built: list[BuiltCommand] = []
    problems: list[Problem] = []
    for topic in library.commands:
        try:
            built.append(BuiltCommand(build_command(topic, list(library.children(topic))), topic))
        except (TypeError, ValueError) as exc:
            file, line = topic.origin
            problems.append(Problem(file or topic.id, line, "command", f"cannot be a slash command: {exc}"))
    if problems:
        raise ContentError(problems)
    return built


async def setup(bot: ReferenceBot) -> None:
    bot.add_command_builder(build_topic_commands)


async def teardown(bot: ReferenceBot) -> None:
    bot.remove_command_builder(build_topic_commands)
