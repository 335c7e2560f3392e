"""The local playground: the real bot against a simulated Discord, used from a Discord-like web page.

`python -m bot playground` (or `python -m bot` without a DISCORD_TOKEN) starts it; tests use
:class:`Playground` directly (``async with Playground(settings, port=0) as playground: ...``).
"""

from __future__ import annotations

from .run import run_playground
from .server import NO_RESPONSE, Playground

__all__ = ["NO_RESPONSE", "Playground", "run_playground"]
