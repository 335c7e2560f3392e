"""One slash command per top-level topic of the pack: adding a topic in YAML adds a command, with no code change.

A topic with parts gets an optional choice option (named by the pack) whose choices open one part; without it
the command shows the topic itself.
"""

from __future__ import annotations

import logging
from typing import Final

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits
from bot.app import replies
from bot.app.availability import everywhere
from bot.app.client import ReferenceBot
from bot.app.lookup import library_of
from bot.app.mentions import command_mentions
from bot.app.tree import StaleCommand, UnknownValue
from bot.content import Topic
from bot.render import Viewer, find_by_key, key_of, render_topic
from bot.text import clip

log = logging.getLogger(__name__)

PRIVATE_HELP: Final = "Only you see the answer"


async def answer_topic(interaction: discord.Interaction, topic_id: str, part: str | None, private: bool) -> None:
    """Look the topic (or its chosen part) up in the library as it is now, and send its first page."""
    library = library_of(interaction)
    topic = library.by_id.get(topic_id)
    if topic is None:
        raise StaleCommand(topic_id)
    if part is not None:
        child_id = find_by_key(part, topic.children)
        if child_id is None or child_id not in library.by_id:
            raise UnknownValue(topic.option.name if topic.option else "part", part)
        topic = library.by_id[child_id]
    viewer = Viewer(interaction.user.id, private, command_mentions(interaction))
    await replies.send(interaction, render_topic(library, topic, viewer=viewer))


def build_command(topic: Topic, parts: list[Topic]) -> app_commands.Command:  # type: ignore[type-arg]
    """The slash command for `topic`; `parts` are its children, offered as the choices of its option."""
    topic_id = topic.id
    assert topic.command is not None
    description = clip(topic.description or topic.summary, limits.COMMAND_DESCRIPTION) or topic.short
    if topic.option is not None and parts:

        async def with_part(interaction: discord.Interaction, part: str | None = None, private: bool = False) -> None:
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
        callback = with_part
    else:

        async def plain(interaction: discord.Interaction, private: bool = False) -> None:
            await answer_topic(interaction, topic_id, None, private)

        app_commands.describe(private=PRIVATE_HELP)(plain)
        callback = plain
    command = app_commands.Command(
        name=topic.command,
        description=description,
        callback=callback,
        extras={"topic": topic.id},
    )
    return everywhere(command)


class Topics(commands.Cog):
    """Builds the topic commands from the library when loaded and removes them when unloaded."""

    def __init__(self, bot: ReferenceBot) -> None:
        self.bot = bot
        self.names: list[str] = []

    async def cog_load(self) -> None:
        library = self.bot.library
        for topic in library.commands:
            assert topic.command is not None
            if self.bot.tree.get_command(topic.command) is not None:
                # A pack topic may not shadow a built-in command; the rest of the pack still works.
                log.error("topic %r: /%s is already a command; topic skipped", topic.id, topic.command)
                continue
            parts = [library.by_id[c] for c in topic.children if c in library.by_id]
            try:
                command = build_command(topic, parts)
            except (TypeError, ValueError):
                log.exception("topic %r: cannot build /%s; topic skipped", topic.id, topic.command)
                continue
            self.bot.tree.add_command(command)
            self.names.append(command.name)
        log.info("%d topic commands", len(self.names))

    async def cog_unload(self) -> None:
        for name in self.names:
            self.bot.tree.remove_command(name)
        self.names.clear()


async def setup(bot: ReferenceBot) -> None:
    await bot.add_cog(Topics(bot))
