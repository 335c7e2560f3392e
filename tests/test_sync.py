"""The sync hash: Discord's filled-in defaults do not count as a change; real changes do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.app.sync import STATE_FILE, SyncState, normalise


def command(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "objectives",
        "description": "What NATO set out to achieve",
        "type": 1,
        "options": [{"name": "private", "description": "Only you", "type": 5}],
    }
    return {**base, **overrides}


def test_defaults_discord_fills_in_are_not_a_change() -> None:
    as_sent = command(contexts=None, integration_types=None)
    as_returned = command(
        id="1",
        application_id="2",
        version="3",
        contexts=[2, 1, 0],
        integration_types=[0],
        nsfw=False,
        dm_permission=True,
        default_member_permissions=None,
        options=[{"name": "private", "description": "Only you", "type": 5, "required": False}],
    )
    assert normalise(as_sent) == normalise(as_returned)


def test_a_real_change_is_a_change() -> None:
    assert normalise(command()) != normalise(command(description="Something else"))
    assert normalise(command()) != normalise(command(integration_types=[0, 1]))
    assert normalise(command()) != normalise(command(default_member_permissions="8"))


def test_state_survives_and_tolerates_a_damaged_file(tmp_path: Path) -> None:
    state = SyncState(tmp_path / "data")
    assert state.read() == {}
    state.write("guild:1", "abc")
    state.write("global", "def")
    assert SyncState(tmp_path / "data").read() == {"guild:1": "abc", "global": "def"}
    (tmp_path / "data" / STATE_FILE).write_text("{not json", encoding="utf-8")
    assert state.read() == {}
