"""Starting and stopping the bot process: checks before anything is sent, one-line start-up errors, and a
shutdown that finishes within a supervisor's grace period whatever the gateway is doing.

discord.py on its own does neither: a failed login surfaces as a 60-line aiohttp traceback, and `close()`
returns while `start()` goes on sleeping in its reconnect back-off (up to minutes during an outage), so SIGTERM
was honoured only when the back-off ended. Here a stop closes the bot, then cancels whatever is still waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Final

import aiohttp
import discord
import yarl

if TYPE_CHECKING:
    from ..settings import Settings

log = logging.getLogger(__name__)

# systemd gives 15 s after SIGTERM (the shipped unit) and Docker 10 s; all three steps together stay below both.
ANSWER_GRACE: Final = 3.0  # Discord's own deadline for a first answer: an interaction older than that is lost
CLOSE_GRACE: Final = 4.0
CANCEL_GRACE: Final = 1.0

# The tasks discord.py runs an interaction's handlers in (application commands, views, dynamic items, modals,
# `on_interaction` listeners). Only their names say what they are; an unrecognised task is simply not waited for.
_INTERACTION_TASKS: Final = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-dynamic-item-",
    "discord-ui-modal-dispatch-",
    "discord.py: on_interaction",
)

# Gateway close codes that no retry can fix, and what the operator should check.
_GATEWAY_CLOSES: Final = {
    4004: "Discord refused DISCORD_TOKEN on the gateway: reset the token in the developer portal (Bot → Reset Token)",
    4010: "Discord refused a shard number: check SHARD_IDS against SHARD_COUNT",
    4011: "Discord requires more shards for this bot: raise SHARD_COUNT (or unset it to let Discord choose)",
    4012: "Discord refused the gateway version: check DISCORD_GATEWAY_URL",
    4013: "Discord refused the gateway intents: check the bot's version",
    4014: "Discord refused a privileged intent: none is needed, so check the bot's version",
}


class StartupError(Exception):
    """The bot cannot start; the message is one line that names what to check."""


def check_data_dir(data_dir: Path) -> None:
    """DATA_DIR exists (or can be created) and takes a file, or raise `StartupError` naming it.

    Checked before anything is sent to Discord: a start-up sync whose hash cannot be stored would be pushed again
    on every restart of a crash-looping service.
    """
    probe = data_dir / f".write-test-{os.getpid()}"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with probe.open("wb") as handle:
            handle.write(b"ok")
            handle.flush()
            os.fsync(handle.fileno())
        probe.unlink()
    except OSError as exc:
        with contextlib.suppress(OSError):
            probe.unlink()
        reason = exc.strerror or str(exc)
        raise StartupError(
            f"DATA_DIR={data_dir} is not writable ({reason}): point DATA_DIR at a folder this user can write to, "
            "with free space"
        ) from None


def explain(exc: BaseException, settings: Settings) -> str | None:
    """One line saying why the bot could not start and what to check, or None for an unexpected failure."""
    api = yarl.URL(settings.discord_api_base)
    where = f"DISCORD_API_BASE={settings.discord_api_base}"
    if isinstance(exc, StartupError):
        return str(exc)
    if isinstance(exc, discord.LoginFailure):
        return (
            "Discord refused DISCORD_TOKEN (401 Unauthorized): copy the bot token again from the developer portal "
            "(Bot → Reset Token)"
        )
    if isinstance(exc, discord.PrivilegedIntentsRequired | discord.ConnectionClosed):
        code = getattr(exc, "code", 4014)
        return _GATEWAY_CLOSES.get(code, f"the gateway closed with code {code}: check DISCORD_GATEWAY_URL")
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return f"cannot resolve {api.host} ({where}): check this machine's network connection and DNS"
    if isinstance(exc, aiohttp.ClientConnectorError):
        reason = exc.os_error.strerror or str(exc.os_error)
        return (
            f"cannot connect to {api.host}:{api.port} ({where}): {reason}; check the network, any firewall or "
            "proxy, and DISCORD_API_BASE"
        )
    if isinstance(exc, aiohttp.ClientError | TimeoutError):
        return f"no usable answer from Discord ({where}): {type(exc).__name__}; check the network and DISCORD_API_BASE"
    if isinstance(exc, discord.DiscordServerError):
        return f"Discord answered {exc.status} ({where}): Discord may be down; the supervisor's restart will retry"
    if isinstance(exc, discord.HTTPException):
        return f"Discord refused a start-up request: {exc.status} {exc.text or ''}".rstrip()
    if isinstance(exc, OSError) and exc.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
        # The health endpoint is the only thing `run` listens on.
        return (
            f"cannot serve /healthz on HEALTH_HOST={settings.health_host} HEALTH_PORT={settings.health_port} "
            f"({exc.strerror}): choose a free port, or stop what listens there"
        )
    return None


def _interaction_tasks() -> set[asyncio.Task[object]]:
    return {t for t in asyncio.all_tasks() if not t.done() and t.get_name().startswith(_INTERACTION_TASKS)}


async def _answer_in_flight(within: float) -> None:
    """Let the interactions being handled finish, for at most `within`; abandon (cancel) the rest quietly."""
    pending = _interaction_tasks()
    if not pending:
        return
    log.info("waiting for %d interactions in flight", len(pending))
    _, late = await asyncio.wait(pending, timeout=within)
    if late:
        for task in late:
            task.cancel()
        await asyncio.wait(late, timeout=CANCEL_GRACE)
        log.warning("stopped with %d interactions unanswered", len(late))


async def _stop_gateway(bot: discord.AutoShardedClient) -> None:
    """Stop taking new interactions, so the ones in flight are the last."""
    shards = list(bot.shards.values())
    if shards:
        await asyncio.wait([asyncio.ensure_future(s.disconnect()) for s in shards], timeout=1.0)


async def _close(bot: discord.AutoShardedClient) -> None:
    """`bot.close()`, waited for at most CLOSE_GRACE (left to finish on its own, or not, after that)."""
    closing = asyncio.ensure_future(bot.close())
    done, _ = await asyncio.wait({closing}, timeout=CLOSE_GRACE)
    if not done:
        log.warning("closing the connections to Discord took over %.0f s; stopping anyway", CLOSE_GRACE)
    elif closing.exception() is not None:
        log.warning("closing the connections to Discord failed (%r); stopping anyway", closing.exception())


async def _shut_down(bot: discord.AutoShardedClient, runner: asyncio.Task[None]) -> None:
    try:
        await asyncio.wait_for(_stop_gateway(bot), 2.0)
    except Exception as exc:
        log.debug("could not stop the gateway first: %r", exc)
    await _answer_in_flight(ANSWER_GRACE)
    await _close(bot)
    # start() may still be asleep in discord.py's reconnect back-off or in a connection attempt; nothing it
    # would do next matters any more.
    _, waiting = await asyncio.wait({runner}, timeout=CANCEL_GRACE)
    if waiting:
        runner.cancel()
        await asyncio.wait({runner}, timeout=CANCEL_GRACE)
    if runner.done() and not runner.cancelled() and runner.exception() is not None:
        log.debug("the bot ended while stopping: %r", runner.exception())


async def run_until_stopped(bot: discord.AutoShardedClient, token: str) -> None:
    """`bot.start(token)` until it fails (raised, once the bot is closed) or SIGTERM/SIGINT arrives (then the
    bot stops within about ten seconds, whatever the gateway is doing)."""
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()

    def on_signal(signame: str) -> None:
        if not stopping.is_set():
            log.info("%s received; closing the gateway", signame)
            stopping.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal, sig.name)
    runner = asyncio.create_task(bot.start(token), name="bot")
    stop = asyncio.create_task(stopping.wait(), name="stop-signal")
    try:
        await asyncio.wait({runner, stop}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop.cancel()
    if not runner.done():
        await _shut_down(bot, runner)
        return
    if not bot.is_closed():
        await _close(bot)
    runner.result()
