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

__all__ = ["DISCORD_API_BASE", "DISCORD_GATEWAY_URL", "current_endpoints", "use_endpoints"]

log = logging.getLogger(__name__)

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"


def _normalise_api_base(api_base: str) -> str:
    url = yarl.URL(api_base)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"api_base must be an absolute http(s) URL, got {api_base!r}")
    if url.query_string or url.fragment:
        raise ValueError(f"api_base must not carry a query or fragment, got {api_base!r}")
    # Route paths start with '/', so the base must not end with one.
    return api_base.rstrip("/")


def _normalise_gateway(gateway_url: str) -> yarl.URL:
    url = yarl.URL(gateway_url)
    if url.scheme not in ("ws", "wss") or not url.host:
        raise ValueError(f"gateway_url must be an absolute ws(s) URL, got {gateway_url!r}")
    if url.query_string:
        raise ValueError(f"gateway_url must not carry a query (discord.py replaces it), got {gateway_url!r}")
    return url


def use_endpoints(api_base: str | None, gateway_url: str | None) -> None:
    """Point discord.py's REST calls at ``api_base`` and its gateway connections at ``gateway_url``.

    ``None`` restores Discord's own endpoint for that half. Calling it again with the same values changes
    nothing, so it is safe to call at every start-up; call it before ``Client.start``/``login``.
    """
    base = DISCORD_API_BASE if api_base is None else _normalise_api_base(api_base)
    gateway = yarl.URL(DISCORD_GATEWAY_URL) if gateway_url is None else _normalise_gateway(gateway_url)
    if base != Route.BASE or gateway != DiscordWebSocket.DEFAULT_GATEWAY:
        log.info("discord.py endpoints: REST %s, gateway %s", base, gateway)
    Route.BASE = base
    DiscordWebSocket.DEFAULT_GATEWAY = gateway


def current_endpoints() -> tuple[str, str]:
    """The REST base and gateway URL discord.py would use right now."""
    return Route.BASE, str(DiscordWebSocket.DEFAULT_GATEWAY)
