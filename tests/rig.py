"""Run any ``discord.Client`` against a :class:`~bot.simulator.DiscordSimulator` (tests only).

::

    async with DiscordSimulator() as sim, run_client(bot, sim) as bot:
        record = await sim.invoke("ping")
        await record.wait_response()

``run_client`` points discord.py at the simulator, logs in (``GET /users/@me``, application info,
``setup_hook``), connects the gateway in a task and waits for ``on_ready``. On exit it closes the client,
restores the endpoints it found, and re-raises whatever the client task died of.

It lives with the tests, not in the simulator: pointing discord.py at the simulator is the bot's business
(``bot.app.endpoints``), and the simulator imports nothing of the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TypeVar

import discord

from bot.app.endpoints import current_endpoints, use_endpoints
from bot.simulator.server import DiscordSimulator

log = logging.getLogger(__name__)

ClientT = TypeVar("ClientT", bound=discord.Client)


class ClientFailed(RuntimeError):
    """The client task stopped before it was asked to (its exception is the ``__cause__``)."""


@contextlib.asynccontextmanager
async def run_client(
    client: ClientT,
    sim: DiscordSimulator,
    *,
    token: str = "sim-token",
    ready_timeout: float = 10.0,
    close_timeout: float = 10.0,
) -> AsyncIterator[ClientT]:
    """Start ``client`` against ``sim`` and yield it once ready; close it and restore endpoints on exit."""
    previous = current_endpoints()
    use_endpoints(sim.api_base, sim.gateway_url)
    task: asyncio.Task[None] | None = None
    raising = False
    try:
        await client.login(token)
        task = asyncio.create_task(client.connect(reconnect=True), name=f"discord-client-{id(client):x}")
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait({task, ready}, timeout=ready_timeout, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            if task in done:
                exc = task.exception()
                raise ClientFailed("the client stopped before it was ready") from exc
            raise TimeoutError(f"the client was not ready within {ready_timeout}s")
        log.info("client %r is ready against the simulator at %s", client.user, sim.base_url)
        yield client
    except BaseException:
        raising = True
        raise
    finally:
        failure: BaseException | None = None
        if task is not None and task.done() and not task.cancelled():
            failure = task.exception()
        await client.close()
        if task is not None and not task.done():
            try:
                await asyncio.wait_for(task, close_timeout)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
            except Exception as exc:
                failure = failure or exc
        use_endpoints(*previous)
        if failure is not None and raising:
            log.error("the client task had failed too: %r", failure, exc_info=failure)
        elif failure is not None:
            raise ClientFailed(f"the client task failed: {failure!r}") from failure
