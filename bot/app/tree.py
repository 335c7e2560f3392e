"""The command tree: a per-user cooldown, and one table from every app-command error to its answer and metric.

discord.py hands every failure of a slash command to `on_error`, including a command name it does not know
(`CommandTree._call` raises `CommandNotFound`): without an answer the user would see "The application did not
respond". Autocomplete is different: discord.py logs and swallows an exception raised by an autocomplete
callback, so the interaction would stay unanswered. Hence every autocomplete callback is wrapped in
`suggestions` (a failure answers an empty list), and `interaction_check` answers an empty list itself for an
option that has no autocomplete (a stale registration) before discord.py would refuse it silently.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

import discord
from discord import app_commands

from .. import limits
from ..ops.instrumentation import metrics_of
from ..text import squash
from .replies import reply_error, suggest

if TYPE_CHECKING:
    from .client import ReferenceBot

log = logging.getLogger(__name__)

# The Python types each option type's value arrives as (Discord's application command option types).
_OPTION_VALUES: Final[Mapping[int, tuple[type, ...]]] = {3: (str,), 4: (int,), 5: (bool,), 10: (int, float)}
INTERNAL: Final = "Something went wrong on my side. It has been logged; please try again."


class UnknownValue(app_commands.AppCommandError):
    """An option value that names nothing in the library: an era that is no event, a part that is no child."""

    def __init__(self, option: str, value: str) -> None:
        self.option = option
        self.value = value
        super().__init__(f"unknown {option}: {value!r}")


class BadOption(app_commands.AppCommandError):
    """An option value of another type than the command declares (a stale registration, a modified client)."""

    def __init__(self, option: str) -> None:
        self.option = option
        super().__init__(f"option {option!r} has a value of the wrong type")


class Refused(app_commands.CheckFailure):
    """A check said no, with a reason meant for the user (it is shown to them as it is)."""


def _shown(value: object) -> str:
    return squash(str(value))[: limits.CHOICE_NAME] or "that"


def _wait(error: app_commands.CommandOnCooldown) -> str:
    return f"Slow down a little: try again in {max(1, round(error.retry_after))} s."


@dataclass(frozen=True, slots=True)
class ErrorRule:
    """How one kind of error is answered: its metric label, and the private message the user gets."""

    error: type[Exception]
    kind: str
    message: Callable[[Any], str]


# Checked in order; the first rule whose type matches decides. Anything else is a bug of ours: "internal".
ERRORS: Final[tuple[ErrorRule, ...]] = (
    ErrorRule(app_commands.CommandOnCooldown, "cooldown", _wait),
    ErrorRule(
        app_commands.CommandNotFound,
        "unknown_command",
        lambda _: "That command no longer exists here. Try `/topics` for what I can answer.",
    ),
    ErrorRule(
        UnknownValue,
        "unknown_value",
        lambda e: f"I don’t know “{_shown(e.value)}” as {e.option}. Pick one of the suggestions.",
    ),
    ErrorRule(
        BadOption, "bad_value", lambda e: f"I can’t read the value given for {e.option}. Pick one of the suggestions."
    ),
    ErrorRule(
        app_commands.TransformerError,
        "bad_value",
        lambda e: f"I can’t use “{_shown(e.value)}” there. Pick one of the suggestions.",
    ),
    ErrorRule(Refused, "refused", str),
    ErrorRule(app_commands.CheckFailure, "refused", lambda _: "You can’t use this command here."),
)


# Every `errors_total` label the bot uses: the table's, then those for failures outside a command.
ERROR_KINDS: Final = (*dict.fromkeys(rule.kind for rule in ERRORS), "internal", "autocomplete", "component")


def rule_for(error: Exception) -> ErrorRule | None:
    return next((rule for rule in ERRORS if isinstance(error, rule.error)), None)


class UserCooldowns:
    """A token bucket per user across all commands: `rate` commands per `per` seconds.

    Buckets are kept in order of last use, so the ones idle for a whole period (full again, nothing to
    remember) are dropped from the front: the cost of a command does not grow with the number of users.
    """

    def __init__(self, rate: int, per: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.per = per
        self._clock = clock
        self._buckets: OrderedDict[int, tuple[app_commands.Cooldown, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def hit(self, user_id: int) -> tuple[app_commands.Cooldown, float] | None:
        """Count one command by `user_id`; return the bucket and the seconds left if they must wait."""
        # Cooldown treats 0 as "now", so the clock must never read 0.
        now = self._clock() + 1.0
        self._forget_idle(now)
        bucket, _ = self._buckets.pop(user_id, (None, 0.0))
        if bucket is None:
            bucket = app_commands.Cooldown(self.rate, self.per)
        self._buckets[user_id] = (bucket, now)
        retry_after = bucket.update_rate_limit(now)
        return (bucket, retry_after) if retry_after is not None else None

    def _forget_idle(self, now: float) -> None:
        for user_id, (_, last) in self._oldest():
            if now - last < self.per:
                return
            del self._buckets[user_id]

    def _oldest(self) -> Iterator[tuple[int, tuple[app_commands.Cooldown, float]]]:
        while self._buckets:
            yield next(iter(self._buckets.items()))


Suggester = TypeVar("Suggester", bound=Callable[..., Awaitable[list[app_commands.Choice[str]]]])


def suggestions(func: Suggester) -> Suggester:
    """Wrap an autocomplete callback so that a failure answers an empty list (discord.py would answer nothing)."""

    @functools.wraps(func)
    async def wrapper(*args: Any) -> list[app_commands.Choice[str]]:
        try:
            return await func(*args)
        except Exception:
            log.exception("autocomplete %s failed", func.__qualname__)
            return []

    return cast(Suggester, wrapper)


class ReferenceTree(app_commands.CommandTree["ReferenceBot"]):
    _cooldowns: UserCooldowns | None = None

    @property
    def cooldowns(self) -> UserCooldowns:
        # Made on first use: the tree is built inside the bot's constructor, before the bot has its settings.
        if self._cooldowns is None:
            settings = self.client.settings
            self._cooldowns = UserCooldowns(settings.cooldown_rate, settings.cooldown_seconds)
        return self._cooldowns

    async def interaction_check(self, interaction: discord.Interaction[ReferenceBot], /) -> bool:
        metrics = metrics_of(interaction.client)
        if metrics is not None:
            # The first of our code to see a command or an autocomplete: where its latency starts.
            metrics.received(interaction)
        if interaction.type is discord.InteractionType.autocomplete:
            return await self._check_autocomplete(interaction)
        _check_option_types(interaction)
        # Typing into an autocomplete option sends many interactions; only running a command counts.
        limited = self.cooldowns.hit(interaction.user.id)
        if limited is not None:
            # Raised rather than returning False: False would leave the interaction unanswered.
            raise app_commands.CommandOnCooldown(*limited)
        return True

    async def _check_autocomplete(self, interaction: discord.Interaction[ReferenceBot]) -> bool:
        """Answer an empty list for an option with no autocomplete, which discord.py would leave unanswered."""
        data: Any = interaction.data or {}
        command = self.get_command(str(data.get("name", "")))
        focused = next((o.get("name") for o in _options(data) if o.get("focused")), None)
        if isinstance(command, app_commands.Command):
            params = {p.display_name: p for p in command.parameters}
            if focused in params and params[focused].autocomplete:
                return True
            log.info("autocomplete for /%s %s, which has none: answering no suggestions", command.name, focused)
            await suggest(interaction, [])
            return False
        # An unknown command: discord.py raises CommandNotFound, and on_error answers.
        return True

    async def on_error(
        self, interaction: discord.Interaction[ReferenceBot], error: app_commands.AppCommandError
    ) -> None:
        rule = rule_for(error)
        autocomplete = interaction.type is discord.InteractionType.autocomplete
        metrics = metrics_of(interaction.client)
        if metrics is not None:
            metrics.error("autocomplete" if autocomplete else rule.kind if rule else "internal")
        try:
            if autocomplete:
                log.info("autocomplete failed: %s", error)
                await suggest(interaction, [])
            elif rule is not None:
                log.info("/%s: %s (%s)", _command_name(interaction), rule.kind, error)
                await reply_error(interaction, rule.message(error))
            else:
                log.error("command /%s failed", _command_name(interaction), exc_info=error)
                await reply_error(interaction, INTERNAL)
        except Exception:
            # Nothing may escape an error handler; the log is the last resort.
            log.exception("could not answer the error of interaction %s", interaction.id)


def _command_name(interaction: discord.Interaction[Any]) -> str:
    data: Any = interaction.data or {}
    return str(data.get("name", "?"))


def _options(data: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every option of an interaction's data, subcommands' included."""
    for option in data.get("options") or ():
        if isinstance(option, Mapping):
            yield option
            yield from _options(option)


def _check_option_types(interaction: discord.Interaction[Any]) -> None:
    data: Any = interaction.data or {}
    for option in _options(data):
        expected = _OPTION_VALUES.get(option.get("type", 0))
        value = option.get("value")
        if expected is None or value is None:
            continue
        # bool is an int to Python, but never an INTEGER or NUMBER option's value.
        if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
            raise BadOption(str(option.get("name", "?")))
