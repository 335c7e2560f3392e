"""bot.app.endpoints: where discord.py sends REST calls, interaction webhooks and gateway connections."""

from __future__ import annotations

import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route
from discord.utils import _ActiveDecompressionContext

from bot.app.endpoints import DISCORD_API_BASE, DISCORD_GATEWAY_URL, current_endpoints, use_endpoints


def test_defaults_are_discords() -> None:
    use_endpoints(None, None)
    assert Route.BASE == DISCORD_API_BASE == "https://discord.com/api/v10"
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == DISCORD_GATEWAY_URL == "wss://gateway.discord.gg/"


def test_rest_base_moves_bot_routes_and_interaction_webhooks() -> None:
    use_endpoints("http://127.0.0.1:5555/api/v10/", "ws://127.0.0.1:5555/")
    assert Route("GET", "/users/@me").url == "http://127.0.0.1:5555/api/v10/users/@me"
    # The webhook adapter (interaction callbacks, followups, @original) builds the same Route class.
    callback = Route("POST", "/interactions/{webhook_id}/{webhook_token}/callback", webhook_id=1, webhook_token="t")
    assert callback.url == "http://127.0.0.1:5555/api/v10/interactions/1/t/callback"


def test_gateway_url_gets_discordpys_query() -> None:
    use_endpoints("http://127.0.0.1:5555/api/v10", "ws://127.0.0.1:5555/")
    # DiscordWebSocket.from_client builds exactly this from DEFAULT_GATEWAY.
    url = DiscordWebSocket.DEFAULT_GATEWAY.with_query(
        v=10, encoding="json", compress=_ActiveDecompressionContext.COMPRESSION_TYPE
    )
    assert str(url) == "ws://127.0.0.1:5555/?v=10&encoding=json&compress=zlib-stream"


def test_idempotent_and_reversible() -> None:
    use_endpoints("http://127.0.0.1:1/api/v10", "ws://127.0.0.1:1/")
    first = current_endpoints()
    use_endpoints("http://127.0.0.1:1/api/v10", "ws://127.0.0.1:1/")
    assert current_endpoints() == first
    use_endpoints(None, None)
    assert current_endpoints() == (DISCORD_API_BASE, DISCORD_GATEWAY_URL)
    assert yarl.URL(DISCORD_GATEWAY_URL) == DiscordWebSocket.DEFAULT_GATEWAY


def test_halves_are_independent() -> None:
    use_endpoints("http://127.0.0.1:1/api/v10", None)
    assert current_endpoints() == ("http://127.0.0.1:1/api/v10", DISCORD_GATEWAY_URL)
    use_endpoints(None, "ws://127.0.0.1:2/")
    assert current_endpoints() == (DISCORD_API_BASE, "ws://127.0.0.1:2/")


@pytest.mark.parametrize(
    ("api_base", "gateway"),
    [
        ("ws://127.0.0.1:1/api/v10", None),
        ("127.0.0.1:1/api/v10", None),
        ("http://127.0.0.1:1/api/v10?x=1", None),
        (None, "http://127.0.0.1:1/"),
        (None, "ws://127.0.0.1:1/?v=10"),
    ],
)
def test_rejects_malformed_urls(api_base: str | None, gateway: str | None) -> None:
    before = current_endpoints()
    with pytest.raises(ValueError, match="expected an absolute"):
        use_endpoints(api_base, gateway)
    assert current_endpoints() == before
