"""The light half of observability: what the hooks and /healthz need, with no Prometheus import.

`prometheus_client` and the HTTP endpoint are loaded only when `HEALTH_PORT` turns them on, so a bot without
them neither pays for the imports nor traces every HTTP request; the hooks then find no metrics and do nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .metrics import BotMetrics


@dataclass(frozen=True, slots=True)
class ShardStatus:
    """One shard this process runs: whether its websocket is open, and its last heartbeat round trip."""

    id: int
    connected: bool
    latency: float | None

    def to_json(self) -> dict[str, Any]:
        latency_ms = None if self.latency is None else round(self.latency * 1000, 1)
        return {"id": self.id, "connected": self.connected, "latency_ms": latency_ms}


@dataclass(frozen=True, slots=True)
class PackInfo:
    title: str
    version: str


def finite(value: float) -> float | None:
    """discord.py reports an unmeasured latency as inf (or nan when there are no shards)."""
    return value if math.isfinite(value) else None


def metrics_of(client: object) -> BotMetrics | None:
    """The metrics of the bot an interaction came to; None when they are off or the client has none."""
    return getattr(client, "metrics", None)
