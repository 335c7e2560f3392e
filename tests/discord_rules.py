"""Discord's rules for a message, as the tests check them: the simulator's own validation, and nothing else.

One validator for every test (render, commands, property tests): what the simulator would refuse with a 400 is
what these tests call a violation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.simulator.errors import FormErrors
from bot.simulator.validation import message_is_empty, validate_message


def violations(payload: Mapping[str, Any]) -> list[str]:
    """Every way Discord would refuse `payload` (a message as Discord JSON), in the simulator's words."""
    errors = FormErrors()
    validate_message(payload, errors)
    out = [f"{'.'.join(e.path)}: {e.code}: {e.message}" for e in errors]
    if message_is_empty(payload):
        out.append("empty message (50006)")
    return out
