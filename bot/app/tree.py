"""The command tree: a per-user cooldown, and one place where every app-command error becomes a short,
private answer.

discord.py hands every failure of a slash command here, including a command name it does not know
(`CommandTree._call` raises `CommandNotFound`, which reaches `on_error`): without an answer the user would
see "The application did not respond". Autocomplete failures are answered with an empty list, since an
autocomplete interaction cannot carry a message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Final

import discord
from discord import app_commands

from .. import limits
from ..ops.instrumentation import metrics_of
from ..settings import Settings
from .replies import reply_error, suggest

log = logging.getLogger(__name__)

# Buckets of users who have not run a command for a whole period are dropped once there are this many.
PRUNE_AT: Final = 1024


class UnknownValue(app_commands.AppCommandError):
    """An option value that names nothing in the library: an era that is no event, a part that is no child."""

    def __init__(self, option: str, value: str) -> None:
        self.option = option
        self.value = value
        super().__init__(f"unknown {option}: {value!r}")


class StaleCommand(app_commands.AppCommandError):
    """A command registered for a topic that the library, since reloaded, no longer has."""


class Refused(app_commands.CheckFailure):
    """A check said no, with a reason meant for the user (it is shown to them as it is)."""


class UserCooldowns:
    """A token bucket per user across all commands: `rate` commands per `per` seconds."""

    def __init__(self, rate: int, per: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.per = per
        self._clock = clock
        self._buckets: dict[int, app_commands.Cooldown] = {}

    def hit(self, user_id: int) -> tuple[app_commands.Cooldown, float] | None:
        """Count one command by `user_id`; return the bucket and the seconds left if they must wait."""
        # Cooldown treats 0 as "now", so the clock must never read 0.
        now = self._clock() + 1.0
        if len(self._buckets) >= PRUNE_AT:
            self._prune(now)
        bucket = self._buckets.setdefault(user_id, app_commands.Cooldown(self.rate, self.per))
        retry_after = bucket.update_rate_limit(now)
        return (bucket, retry_after) if retry_after is not None else None

    def _prune(self, now: float) -> None:
        for user_id, bucket in list(self._buckets.items()):
            if bucket.get_tokens(now) == bucket.rate:
                del self._buckets[user_id]


class ReferenceTree(app_commands.CommandTree):
    def __init__(self, client: discord.Client, **options: object) -> None:
        super().__init__(client, **options)  # type: ignore[arg-type]
        defaults = Settings()
        self.cooldowns = UserCooldowns(defaults.cooldown_rate, defaults.cooldown_seconds)

    def set_cooldown(self, rate: int, per: float) -> None:
        self.cooldowns = UserCooldowns(rate, per)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        metrics = metrics_of(interaction.client)
        if metrics is not None:
            # The first of our code to see a command or an autocomplete: where its latency starts.
            metrics.received(interaction)
        # Typing into an autocomplete option sends many interactions; only running a command counts.
        if interaction.type is discord.InteractionType.application_command:
            limited = self.cooldowns.hit(interaction.user.id)
            if limited is not None:
                # Raised rather than returning False: False would leave the interaction unanswered.
                raise app_commands.CommandOnCooldown(*limited)
        return True

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        metrics = metrics_of(interaction.client)
        if metrics is not None:
            metrics.error(error_kind(interaction, error))
        try:
            await self._answer_error(interaction, error)
        except Exception:
            # Nothing may escape an error handler; the log is the last resort.
            log.exception("could not answer the error of interaction %s", interaction.id)

    async def _answer_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        if interaction.type is discord.InteractionType.autocomplete:
            log.info("autocomplete failed: %s", error)
            await suggest(interaction, [])
            return
        if isinstance(error, app_commands.CommandOnCooldown):
            wait = max(1, round(error.retry_after))
            await reply_error(interaction, f"Slow down a little: try again in {wait} s.")
        elif isinstance(error, app_commands.CommandNotFound):
            # Discord still lists a command this version no longer has (an old global registration).
            log.info("unknown command %r from %s", error.name, interaction.user.id)
            await reply_error(interaction, "That command no longer exists here. Try `/topics` for what I can answer.")
        elif isinstance(error, StaleCommand):
            await reply_error(interaction, "That topic is no longer in my library. Try `/topics` for what I have.")
        elif isinstance(error, UnknownValue):
            shown = " ".join(error.value.split())[: limits.CHOICE_NAME] or "that"
            await reply_error(interaction, f"I don't know “{shown}” as {error.option}. Pick one of the suggestions.")
        elif isinstance(error, app_commands.TransformerError):
            shown = " ".join(str(error.value).split())[: limits.CHOICE_NAME]
            await reply_error(interaction, f"I can't use “{shown}” there. Pick one of the suggestions.")
        elif isinstance(error, Refused):
            await reply_error(interaction, str(error))
        elif isinstance(error, app_commands.CheckFailure):
            await reply_error(interaction, "You can't use this command here.")
        else:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("command /%s failed", command, exc_info=error)
            await reply_error(interaction, "Something went wrong on my side. It has been logged; please try again.")


def error_kind(interaction: discord.Interaction, error: app_commands.AppCommandError) -> str:
    """The `errors_total` label for an error the tree handles; the branches mirror `_answer_error`'s."""
    if interaction.type is discord.InteractionType.autocomplete:
        return "autocomplete"
    kinds: tuple[tuple[type[Exception], str], ...] = (
        (app_commands.CommandOnCooldown, "cooldown"),
        (app_commands.CommandNotFound, "unknown_command"),
        (StaleCommand, "stale_command"),
        (UnknownValue, "unknown_value"),
        (app_commands.TransformerError, "bad_value"),
        (app_commands.CheckFailure, "refused"),
    )
    return next((kind for cls, kind in kinds if isinstance(error, cls)), "internal")
