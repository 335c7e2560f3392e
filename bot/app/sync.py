"""Command sync as a deliberate act: hash-guarded for the dev guild at start-up, explicit for everything else.

Discord rate-limits command registration hard, and a global sync takes time to reach every client, so the bot
never syncs on `on_ready` and never syncs globally by itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger(__name__)

STATE_FILE = "sync-state.json"
IDS_FILE = "command-ids.json"

# What Discord fills in when a field is left out; without these a payload that omits them and the same
# payload spelled out would hash differently.
_COMMAND_DEFAULTS: dict[str, Any] = {
    "type": 1,
    "nsfw": False,
    "dm_permission": True,
    "default_member_permissions": None,
    "contexts": [0, 1, 2],
    "integration_types": [0],
    "options": [],
    "name_localizations": None,
    "description_localizations": None,
}
_OPTION_DEFAULTS: dict[str, Any] = {
    "required": False,
    "autocomplete": False,
    "choices": [],
    "options": [],
    "name_localizations": None,
    "description_localizations": None,
}


def _normalise_option(option: dict[str, Any]) -> dict[str, Any]:
    out = {**_OPTION_DEFAULTS, **{k: v for k, v in option.items() if v is not None}}
    out["options"] = [_normalise_option(o) for o in out["options"]]
    return out


def normalise(command: dict[str, Any]) -> dict[str, Any]:
    """A command payload with Discord's defaults filled in and server-side fields dropped."""
    out = {**_COMMAND_DEFAULTS, **{k: v for k, v in command.items() if v is not None}}
    for server_side in ("id", "application_id", "version", "guild_id"):
        out.pop(server_side, None)
    out["contexts"] = sorted(out["contexts"])
    out["integration_types"] = sorted(out["integration_types"])
    out["options"] = [_normalise_option(o) for o in out["options"]]
    return out


def payload_hash(tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None) -> str:
    payload = sorted(
        (normalise(cmd.to_dict(tree)) for cmd in tree.get_commands(guild=guild)), key=lambda c: (c["type"], c["name"])
    )
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _scope(guild: discord.abc.Snowflake | None) -> str:
    return "global" if guild is None else f"guild:{guild.id}"


scope_name = _scope


class CommandIds:
    """The id Discord gave each command, per scope, from the last sync's answer: what `</name:id>` mentions
    need. Kept in memory and in DATA_DIR beside the sync hash, so a restart that does not sync still has them."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / IDS_FILE
        self._scopes: dict[str, dict[str, int]] = self._read()

    def _read(self) -> dict[str, dict[str, int]]:
        data = read_state(self.path)
        return {
            str(scope): {str(n): int(i) for n, i in ids.items() if str(i).isdigit()}
            for scope, ids in data.items()
            if isinstance(ids, dict)
        }

    def get(self, scope: str) -> dict[str, int]:
        return dict(self._scopes.get(scope, {}))

    def record(self, scope: str, commands: list[app_commands.AppCommand]) -> None:
        self._scopes[scope] = {c.name: c.id for c in commands}
        try:
            write_state(self.path, self._scopes)
        except OSError:
            # Mentions fall back to `/name`; the sync itself succeeded and must not be reported as failed.
            log.warning("could not keep the command ids in %s", self.path, exc_info=True)


class SyncState:
    """The hash of what was last synced per scope, kept in DATA_DIR so it survives restarts."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / STATE_FILE

    def read(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in read_state(self.path).items()}

    def write(self, scope: str, digest: str) -> None:
        state = self.read()
        state[scope] = digest
        write_state(self.path, state)


def read_state(path: Path) -> dict[str, Any]:
    """A state file of DATA_DIR as a mapping; empty when it is missing, and when unreadable (said once)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        log.warning("ignoring unreadable %s; the next sync will rewrite it", path)
        return {}
    return data if isinstance(data, dict) else {}


def write_state(path: Path, data: Mapping[str, Any]) -> None:
    """Write a state file of DATA_DIR whole or not at all: a half-written one must not linger for the next start."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        if tmp.is_file():
            tmp.unlink(missing_ok=True)
        raise


async def sync_commands(
    tree: app_commands.CommandTree, state: SyncState, guild: discord.abc.Snowflake | None, *, force: bool = False
) -> bool:
    """Sync one scope when its payload changed since the last sync (or always, with `force`).

    Returns whether a sync request was made.
    """
    scope = _scope(guild)
    digest = payload_hash(tree, guild)
    if not force and state.read().get(scope) == digest:
        log.info("commands for %s unchanged since the last sync; not syncing", scope)
        return False
    synced = await tree.sync(guild=guild)
    log.info("synced %d commands to %s", len(synced), scope)
    try:
        state.write(scope, digest)
    except OSError as exc:
        # The commands are registered; only the record of it is lost, so the next start syncs once more.
        log.error("could not record the sync in %s (%s); check DATA_DIR", state.path, exc.strerror or exc)
    known = getattr(tree.client, "command_ids", None)
    ids = known if isinstance(known, CommandIds) else CommandIds(state.path.parent)
    ids.record(scope, synced)
    return True
