"""A Discord bot that turns one long document into a reference inside a server.

`create_bot(settings=None)` is the one public way to build it; see `bot.app.client`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app.client import ReferenceBot, create_bot
    from .settings import Settings

__all__ = ["ReferenceBot", "Settings", "create_bot"]


def __getattr__(name: str) -> Any:
    # Lazy, so `python -m bot check` and the content tools don't pay for importing discord.py.
    if name in ("ReferenceBot", "create_bot"):
        from .app import client

        return getattr(client, name)
    if name == "Settings":
        from .settings import Settings

        return Settings
    raise AttributeError(f"module 'bot' has no attribute {name!r}")
