"""Running the playground from the command line until Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from bot.content import ContentError
from bot.ops.lifecycle import StartupError
from bot.settings import Settings

from .server import Playground

log = logging.getLogger(__name__)

TOKEN_HINT_MISSING = (
    "DISCORD_TOKEN is not set, so nothing connects to Discord; to run the bot on Discord instead, set "
    'DISCORD_TOKEN (README.md, "Getting a Discord token")'
)
TOKEN_HINT_CHOSEN = (
    "it never connects to Discord; to run the bot on Discord, set DISCORD_TOKEN and run `python -m bot run` "
    '(README.md, "Getting a Discord token")'
)


async def run_playground(settings: Settings, *, token_missing: bool) -> int:
    """Serve the playground until a stop signal (exit 0) or until the bot fails (exit 1)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Not every platform lets asyncio own signals; Ctrl-C still ends the process there.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    playground = Playground(settings)
    try:
        await playground.start()
    except OSError as exc:
        log.error(
            "the playground cannot listen on %s:%s (%s); set PLAYGROUND_PORT (or PLAYGROUND_HOST) to a free one",
            playground.host,
            settings.playground_port,
            exc.strerror or exc,
        )
        return 1
    except StartupError as exc:
        log.error("the playground cannot start: %s", exc)
        return 1
    except ContentError:
        raise  # the command line reports the pack's problems, as `run` and `check` do
    except Exception:
        log.exception("the playground could not start")
        return 1
    try:
        log.info(
            "playground ready: open %s to use the bot in a simulated Discord on this machine; %s",
            playground.url,
            TOKEN_HINT_MISSING if token_missing else TOKEN_HINT_CHOSEN,
        )
        # The same at every start, so OWNER_IDS can name them; the server's owner may /reload.
        log.info(
            "simulated users: %s",
            ", ".join(f"{p.global_name or p.username} {p.id}" for p in playground.people),
        )
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({stopping, playground.bot_task}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if playground.bot_task.done():
            failure = None if playground.bot_task.cancelled() else playground.bot_task.exception()
            log.error("the bot stopped unexpectedly: %r", failure)
            return 1
        log.info("stopping the playground")
        return 0
    finally:
        await playground.close()
        log.info("stopped")
