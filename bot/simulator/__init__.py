"""A local, protocol-faithful Discord for tests, a playground and benchmarks.

The simulator serves Discord's REST API v10 and gateway v10 from one aiohttp server on 127.0.0.1 (port 0 picks
a free port). discord.py talks to it unmodified once its REST base and gateway URL point there (``sim.api_base``,
``sim.gateway_url``); the tests' ``tests.rig.run_client`` does that, logs in and waits for READY::

    from bot.simulator import DiscordSimulator
    from tests.rig import run_client

    async with DiscordSimulator(first_response_deadline=3.0) as sim:
        async with run_client(bot, sim) as bot:          # login, connect, wait for on_ready
            record = await sim.invoke("topic", {"name": "logistics"})   # a user runs /topic
            response = await record.wait_response()      # the first callback (type, data, elapsed)
            message = await record.wait_original(lambda m: "Logistics" in m.text())
            click = await sim.click(message, "topic:next")           # press a button on it
            await click.wait_response()
            await message.wait_for(lambda m: m.revision >= 1)         # ... and see the edit land
        sim.assert_no_rejections()                       # nothing broke Discord's rules

What it does, as Discord does:

* REST: ``/users/@me``, ``/oauth2/applications/@me``, ``/gateway/bot``; global and guild application commands
  (bulk overwrite, list, create, get, edit, delete; ids and versions kept across re-syncs; every write recorded in
  ``sim.syncs``, see :meth:`DiscordSimulator.sync_count`); interaction callbacks (JSON or multipart with
  ``payload_json``; ``?with_response=true`` returns the callback response object, else 204); ``@original`` and
  followup webhooks; channel messages. Other routes answer ``404`` and land in ``sim.unexpected_routes``.
* Rules: the first response within ``first_response_deadline`` (3 s) or ``404 10062 Unknown interaction``; one
  acknowledgement (``400 40060``); tokens live ``token_lifetime`` (15 min, on ``sim.clock``, which tests can
  ``advance()``); message, embed, component, modal, command-definition and autocomplete limits answered with
  ``400 50035 Invalid Form Body`` and Discord's nested ``errors``. Every refusal lands in ``sim.rejections``.
* Gateway: HELLO, IDENTIFY -> READY -> GUILD_CREATE per guild of the shard (``(guild_id >> 22) % shards``),
  heartbeats and ACKs, RESUME with replay of missed events then RESUMED, ``zlib-stream`` compression, close codes
  4000-4014 for bad payloads, tokens, shards and intents.
* Faults: ``sim.faults.rate_limit(...)`` (429 with ``Retry-After``, ``X-RateLimit-*`` and ``Via``),
  ``server_error``, ``cloudflare_ban``, ``delay``; ``close_gateway(code)``, ``drop_connection()``,
  ``send_reconnect()`` (op 7), ``invalidate_session(resumable)`` (op 9), ``set_heartbeat_acks(False)``.

Every REST answer also goes to each callable in ``sim.response_listeners`` as a :class:`ServedResponse` (the exact
bytes sent); the test suite uses it to hold every answer to Discord's published spec.

Users act through :meth:`DiscordSimulator.invoke`, :meth:`~DiscordSimulator.autocomplete`,
:meth:`~DiscordSimulator.click`, :meth:`~DiscordSimulator.select` and :meth:`~DiscordSimulator.submit_modal`, in
a guild (default), the bot's DM (``dm=True``) or a private channel of a user-installed app (``context=2``).
Each returns an :class:`InteractionRecord` to wait on (``wait_response``, ``wait_original``, ``wait_followups``,
``wait_for``); messages (:class:`SimMessage`) have ``wait_for`` too. Waiting never sleeps: every state change
wakes the waiters (``sim.wait_until(predicate)`` for anything else).
"""

from __future__ import annotations

from bot.simulator.errors import DiscordHTTPError, FormErrors, SimulatorUsageError
from bot.simulator.faults import Faults, HttpFault
from bot.simulator.server import DiscordSimulator
from bot.simulator.state import (
    CONTEXT_BOT_DM,
    CONTEXT_GUILD,
    CONTEXT_PRIVATE_CHANNEL,
    CallbackAttempt,
    GatewayEvent,
    InteractionRecord,
    Rejection,
    ServedResponse,
    SimChannel,
    SimGuild,
    SimMessage,
    SimUser,
    SyncRecord,
    UnexpectedRoute,
    WebhookCall,
)

__all__ = [
    "CONTEXT_BOT_DM",
    "CONTEXT_GUILD",
    "CONTEXT_PRIVATE_CHANNEL",
    "CallbackAttempt",
    "DiscordHTTPError",
    "DiscordSimulator",
    "Faults",
    "FormErrors",
    "GatewayEvent",
    "HttpFault",
    "InteractionRecord",
    "Rejection",
    "ServedResponse",
    "SimChannel",
    "SimGuild",
    "SimMessage",
    "SimUser",
    "SimulatorUsageError",
    "SyncRecord",
    "UnexpectedRoute",
    "WebhookCall",
]
