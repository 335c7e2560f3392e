"""The slash commands a library turns into, and Discord's rules for a command set, checked before anything
changes.

Extensions that derive commands from the content register a builder (`ReferenceBot.add_command_builder`).
A builder turns a library into commands; `plan_commands` runs every builder and checks the whole set as the
bot would register it, beside its own fixed commands, against what Discord refuses. Start-up, `/reload` and
`python -m bot check` all go through it, so a pack that passes `check` is one Discord accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands

from .. import limits
from ..content import ContentError, Library, Problem, Topic
from ..text import clip

SlashCommand = app_commands.Command[Any, ..., Any]
CommandBuilder = Callable[[Library], "Sequence[BuiltCommand]"]


@dataclass(frozen=True, slots=True)
class BuiltCommand:
    """A command derived from the content, and the topic it was built from (for messages about it)."""

    command: SlashCommand
    topic: Topic


def _problem(topic: Topic, message: str) -> Problem:
    file, line = topic.origin
    return Problem(file or f"topic '{topic.id}'", line, "command", message)


def plan_commands(
    builders: Iterable[CommandBuilder],
    library: Library,
    tree: app_commands.CommandTree[Any],
    serving: Sequence[BuiltCommand] = (),
) -> tuple[BuiltCommand, ...]:
    """Every content command `library` gives, checked beside the tree's own (all but the `serving` content
    commands); `ContentError` if Discord would refuse the set or a builder cannot build a command."""
    replaced = {item.command.name for item in serving}
    fixed = [c for c in tree.get_commands(type=discord.AppCommandType.chat_input) if c.name not in replaced]
    built: list[BuiltCommand] = []
    problems: list[Problem] = []
    for builder in builders:
        try:
            built.extend(builder(library))
        except ContentError as exc:
            problems.extend(exc.problems)
    fixed_names = {c.name for c in fixed}
    seen: dict[str, Topic] = {}
    for item in built:
        name = item.command.name
        if name in fixed_names:
            problems.append(_problem(item.topic, f"/{name} is one of the bot’s own commands; choose another name"))
        elif name in seen:
            problems.append(_problem(item.topic, f"/{name} is also the command of topic '{seen[name].id}'"))
        seen.setdefault(name, item.topic)
    total = len(fixed_names) + len(seen)
    if total > limits.COMMANDS_PER_SCOPE:
        problems.append(
            Problem(
                "pack.yaml",
                None,
                "",
                f"{len(seen)} topic commands and the bot’s {len(fixed_names)} make {total} slash commands; "
                f"Discord allows {limits.COMMANDS_PER_SCOPE}: make some topics parts of others",
            )
        )
    for item in built:
        problems.extend(_problem(item.topic, m) for m in payload_problems(item.command.to_dict(tree)))
    if problems:
        raise ContentError(problems)
    return tuple(built)


def payload_problems(payload: Mapping[str, Any]) -> list[str]:
    """What Discord would refuse in one slash command's payload, in plain words."""
    out: list[str] = []
    if not limits.COMMAND_NAME_PATTERN.fullmatch(str(payload.get("name", ""))):
        out.append(f"/{payload.get('name')}: a name of 1 to 32 lowercase letters, digits, '-' or '_'")
    out += _text_problems("description", payload.get("description", ""), limits.COMMAND_DESCRIPTION)
    options = list(payload.get("options") or ())
    if len(options) > limits.COMMAND_OPTIONS:
        out.append(f"{len(options)} options; Discord allows {limits.COMMAND_OPTIONS}")
    names = [o.get("name") for o in options]
    out += [f"option '{n}' appears twice" for n in sorted({n for n in names if names.count(n) > 1})]
    required = [bool(o.get("required")) for o in options]
    if required != sorted(required, reverse=True):
        out.append("required options must come before optional ones")
    for option in options:
        out += _option_problems(option)
    if _characters(payload) > limits.COMMAND_TOTAL_CHARACTERS:
        out.append(f"names, descriptions and choices take over {limits.COMMAND_TOTAL_CHARACTERS} characters")
    return out


def _text_problems(what: str, text: str, limit: int) -> list[str]:
    if not 1 <= len(text) <= limit:
        return [f"{what} of {len(text)} characters; Discord wants 1 to {limit}: “{clip(text, 60)}”"]
    return []


def _option_problems(option: Mapping[str, Any]) -> list[str]:
    name = str(option.get("name", ""))
    out: list[str] = []
    if not limits.COMMAND_NAME_PATTERN.fullmatch(name):
        out.append(f"option '{clip(name, 60)}': a name of 1 to 32 lowercase letters, digits, '-' or '_'")
    out += _text_problems(f"option '{name}' description", option.get("description", ""), limits.COMMAND_DESCRIPTION)
    choices = list(option.get("choices") or ())
    if len(choices) > limits.OPTION_CHOICES:
        out.append(f"option '{name}' has {len(choices)} choices; Discord allows {limits.OPTION_CHOICES}")
    for choice in choices:
        out += _text_problems(f"option '{name}' choice", str(choice.get("name", "")), limits.CHOICE_NAME)
        value = choice.get("value")
        if isinstance(value, str) and not 1 <= len(value) <= limits.CHOICE_VALUE:
            out.append(f"option '{name}': a choice value of {len(value)} characters (1 to {limits.CHOICE_VALUE})")
    return out


def _characters(payload: Mapping[str, Any]) -> int:
    """What Discord counts against a command's 4,000 characters: names, descriptions, choice names and values."""
    total = len(str(payload.get("name", ""))) + len(str(payload.get("description", "")))
    for option in payload.get("options") or ():
        total += _characters(option)
        total += sum(len(str(c.get("name", ""))) + len(str(c.get("value", ""))) for c in option.get("choices") or ())
    return total


def install(tree: app_commands.CommandTree[Any], old: Sequence[BuiltCommand], new: Sequence[BuiltCommand]) -> None:
    """Replace the content commands `old` by `new` in `tree`: synchronous, so no interaction sees a mix."""
    for item in old:
        tree.remove_command(item.command.name, type=discord.AppCommandType.chat_input)
    for item in new:
        tree.add_command(item.command)
