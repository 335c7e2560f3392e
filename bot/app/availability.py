"""Where the bot's commands can be used: in servers, in DMs and group DMs, installed to a server or a user."""

from __future__ import annotations

from typing import Final, TypeVar

from discord import app_commands

CONTEXTS: Final = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True)
INSTALLS: Final = app_commands.AppInstallationType(guild=True, user=True)

CommandT = TypeVar("CommandT", bound=app_commands.Command)  # type: ignore[type-arg]


def everywhere(command: CommandT) -> CommandT:
    """Mark `command` usable everywhere, on the command itself so it never depends on the tree's defaults."""
    command.allowed_contexts = CONTEXTS
    command.allowed_installs = INSTALLS
    return command
