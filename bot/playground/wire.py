"""What the playground page receives: the simulator's commands, messages and reload results as plain JSON.

Every snowflake goes out as a string: JavaScript numbers lose precision above 2**53, and a message id that
silently changes would make clicks land on the wrong message.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from bot.content import Problem
from bot.ops.reload import ReloadResult
from bot.simulator import SimMessage, SimUser

# Option fields the page needs to offer an option; the rest (localisations, ids) would only be noise.
_OPTION_KEYS = (
    "name",
    "description",
    "type",
    "required",
    "autocomplete",
    "min_value",
    "max_value",
    "min_length",
    "max_length",
)


def user_json(user: SimUser, *, admin: bool = False) -> dict[str, Any]:
    """A simulated user; `admin`: an administrator of the server, who is shown the commands that need it."""
    return {"id": str(user.id), "name": user.global_name or user.username, "username": user.username, "admin": admin}


def _option_json(option: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {key: option[key] for key in _OPTION_KEYS if option.get(key) is not None}
    out.setdefault("required", False)
    out.setdefault("autocomplete", False)
    out["choices"] = [{"name": c["name"], "value": c["value"]} for c in option.get("choices") or []]
    out["options"] = [_option_json(o) for o in option.get("options") or []]
    return out


def command_json(command: Mapping[str, Any]) -> dict[str, Any]:
    """A synced command as the page offers it: name, description, and its options with their choices."""
    return {
        "id": str(command["id"]),
        "name": command["name"],
        "description": command.get("description") or "",
        "options": [_option_json(o) for o in command.get("options") or []],
        # Discord lists such a command only to members who have these permissions (or are administrators).
        "default_member_permissions": command.get("default_member_permissions"),
    }


def commands_json(scopes: Iterable[Iterable[Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """Slash commands from several scopes (the guild's first), one per name, in the order Discord lists them."""
    seen: dict[str, dict[str, Any]] = {}
    for scope in scopes:
        for command in scope:
            if command.get("type", 1) == 1 and command["name"] not in seen:
                seen[command["name"]] = command_json(command)
    return [seen[name] for name in sorted(seen)]


# Where the page fetches a message's file from: its own origin, since its CSP loads images from nowhere else.
ATTACHMENT_PATH = "/api/attachments/{id}/{filename}"


def attachment_json(attachment: Mapping[str, Any]) -> dict[str, Any]:
    """A file sent with a message, with the playground's own address for it in place of the simulator's."""
    return {
        "id": str(attachment["id"]),
        "filename": attachment["filename"],
        "content_type": attachment.get("content_type") or "",
        "size": attachment.get("size", 0),
        "description": attachment.get("description") or "",
        "url": ATTACHMENT_PATH.format(id=attachment["id"], filename=quote(str(attachment["filename"]))),
    }


def _iso(moment: datetime.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(datetime.UTC).isoformat()


def message_json(message: SimMessage) -> dict[str, Any]:
    """A message as the page draws it. `owner_id` names the only user who may see an ephemeral message."""
    author = message.author
    meta = message.interaction_metadata or {}
    invoker = meta.get("user") or {}
    interaction = None
    if meta:
        interaction = {
            "type": meta.get("type"),
            "name": meta.get("name"),
            "user": {
                "id": str(invoker.get("id", "")),
                "name": invoker.get("global_name") or invoker.get("username") or "someone",
            },
            "interacted_message_id": meta.get("interacted_message_id"),
        }
    return {
        "id": str(message.id),
        "channel_id": str(message.channel_id),
        "author": {
            "id": str(author.get("id", "")),
            "name": author.get("global_name") or author.get("username") or "unknown",
            "bot": bool(author.get("bot")),
        },
        "content": message.content,
        "embeds": message.embeds,
        "attachments": [attachment_json(a) for a in message.attachments],
        "components": message.components,
        "flags": message.flags,
        "ephemeral": message.ephemeral,
        "loading": message.loading,
        "deleted": message.deleted,
        "revision": message.revision,
        "created_at": _iso(message.created_at),
        "edited_at": _iso(message.edited_at),
        "interaction": interaction,
        "owner_id": str(invoker["id"]) if message.ephemeral and invoker.get("id") else None,
    }


def problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "line": problem.line,
        "key": problem.key,
        "message": problem.message,
        "text": str(problem),
    }


def content_json(result: ReloadResult | None, serving: str, at: datetime.datetime) -> dict[str, Any]:
    """The content pack's state: what is served, and how the last reload went (None: none yet)."""
    return {
        "serving": serving,
        "ok": True if result is None else result.ok,
        "version": serving if result is None else result.version,
        "summary": f"serving pack {serving}" if result is None else result.summary(),
        "problems": [] if result is None else [problem_json(p) for p in result.problems],
        "commands_changed": False if result is None else result.commands_changed,
        "reloaded": result is not None,
        "at": at.astimezone(datetime.UTC).isoformat(),
    }
