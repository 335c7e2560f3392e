"""Point discord.py at another REST base and gateway (a local simulator, a proxy), or back at Discord.

discord.py keeps its endpoints in two class attributes, both read at the moment a request or a connection is
made, never cached at import time:

* ``discord.http.Route.BASE`` - every REST call builds ``Route.BASE + path``. The webhook adapter that carries
  interaction callbacks, followups and ``@original`` edits (``discord/webhook/async_.py``) imports that same
  ``Route`` class, so one assignment covers both the bot's HTTP client and interaction webhooks.
* ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` - a plain ``Client``/``commands.Bot`` connects there
  (it never calls ``GET /gateway/bot``), and falls back there after an INVALID_SESSION that cannot be resumed.
  ``AutoShardedClient`` with no explicit ``shard_count`` calls ``GET /gateway/bot`` (through ``Route.BASE``) and
  connects to the ``url`` that endpoint returns. Either way discord.py appends its query itself with
  ``yarl.URL.with_query(v=10, encoding='json', compress='zlib-stream')``, which replaces any query the URL had,
  so the gateway URL given here must not rely on a query string.

Resumes go to the ``resume_gateway_url`` of the READY payload, which the server chooses.
"""

from __future__ import annotations

import logging

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from ..settings import DISCORD_API_BASE, DISCORD_GATEWAY_URL, api_base_url
from ..settings import gateway_url as settings_gateway_url

__all__ = ["DISCORD_API_BASE", "DISCORD_GATEWAY_URL", "current_endpoints", "use_endpoints"]

log = logging.getLogger(__name__)


def use_endpoints(api_base: str | None, gateway_url: str | None) -> None:
    """Point discord.py's REST calls at ``api_base`` and its gateway connections at ``gateway_url``.

    ``None`` restores Discord's own endpoint for that half. Calling it again with the same values changes
    nothing, so it is safe to call at every start-up; call it before ``Client.start``/``login``.
    """
    base = api_base_url(api_base or DISCORD_API_BASE)
    gateway = yarl.URL(settings_gateway_url(gateway_url or DISCORD_GATEWAY_URL))
    if base != Route.BASE or gateway != DiscordWebSocket.DEFAULT_GATEWAY:
        log.info("discord.py endpoints: REST %s, gateway %s", base, gateway)
    # DEP-WARN: discord.py has no public setting for its REST base or gateway URL; these two class attributes
    # are what it reads at each request and connection (see the module docstring). On upgrade, check that
    # `Route.BASE` is still read per request (discord/http.py, and the webhook adapter in
    # discord/webhook/async_.py) and `DiscordWebSocket.DEFAULT_GATEWAY` per connection (discord/gateway.py).
    Route.BASE = base
    DiscordWebSocket.DEFAULT_GATEWAY = gateway


def current_endpoints() -> tuple[str, str]:
    """The REST base and gateway URL discord.py would use right now."""
    return Route.BASE, str(DiscordWebSocket.DEFAULT_GATEWAY)
