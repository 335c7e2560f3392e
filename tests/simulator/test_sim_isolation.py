"""The simulator stands alone: it imports nothing of the bot, and keeps its own copy of Discord's limits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot import limits as bot_limits
from bot.simulator import limits as sim_limits

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_simulator_loads_no_bot_module_and_no_discordpy() -> None:
    code = "import json, sys; import bot.simulator; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    modules = json.loads(result.stdout)
    assert "bot.simulator.server" in modules  # the import did happen
    foreign = [m for m in modules if m.startswith("bot.") and not m.startswith("bot.simulator")]
    assert foreign == []
    assert [m for m in modules if m == "discord" or m.startswith("discord.")] == []


def test_both_copies_of_discords_limits_agree() -> None:
    """The bot's limits and the simulator's are two copies of the same facts, wherever both name one."""
    shared = {
        name
        for name in dir(bot_limits)
        if name.isupper() and name in dir(sim_limits) and isinstance(getattr(bot_limits, name), int | float)
    }
    assert {"CONTENT", "EMBED_TOTAL", "CUSTOM_ID", "COMMANDS_PER_SCOPE"} <= shared
    assert {n: getattr(bot_limits, n) for n in shared} == {n: getattr(sim_limits, n) for n in shared}
