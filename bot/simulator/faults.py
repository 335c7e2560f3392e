"""HTTP fault injection: rate limits (429), server errors (5xx), Cloudflare bans, latency.

A route pattern is an ``fnmatch`` glob (``*`` also crosses ``/``) matched against ``"METHOD /path"`` when it
contains a space, else against the path alone. Paths are relative to the API base, without ``/api/v10``::

    sim.faults.rate_limit("POST /interactions/*/callback", retry_after=0.05)
    sim.faults.server_error("/webhooks/*", status=503, times=2)
"""

from __future__ import annotations

import fnmatch
import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(slots=True)
class HttpFault:
    """One injected fault; ``times`` None means every matching request, ``hits`` counts the ones it answered."""

    pattern: str
    kind: str  # "rate_limit", "server_error", "cloudflare_ban", "delay"
    status: int
    times: int | None = 1
    retry_after: float = 0.0
    is_global: bool = False
    scope: str = "user"
    delay: float = 0.0
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        subject = f"{method.upper()} {path}" if " " in self.pattern else path
        return fnmatch.fnmatchcase(subject, self.pattern)

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times


class Faults:
    """The simulator's fault injection API (``sim.faults``)."""

    def __init__(self) -> None:
        self.active: list[HttpFault] = []
        self.fired: list[tuple[HttpFault, str, str]] = []

    def _add(self, fault: HttpFault) -> HttpFault:
        if fault.times is not None and fault.times < 1:
            raise ValueError("times must be at least 1 (or None for always)")
        self.active.append(fault)
        return fault

    def rate_limit(
        self,
        route: str,
        retry_after: float = 0.05,
        times: int | None = 1,
        *,
        is_global: bool = False,
        scope: str = "user",
    ) -> HttpFault:
        """Answer 429 with Discord's body, ``Retry-After``, ``X-RateLimit-*`` and ``Via`` headers."""
        return self._add(
            HttpFault(
                route,
                "rate_limit",
                429,
                times,
                retry_after=retry_after,
                is_global=is_global,
                scope="global" if is_global else scope,
            )
        )

    def server_error(self, route: str, status: int = 500, times: int | None = 1) -> HttpFault:
        """Answer a 5xx: 500 with Discord's JSON error, 502/503/504 with the HTML a proxy sends."""
        if not 500 <= status <= 599:
            raise ValueError("server errors are 5xx")
        return self._add(HttpFault(route, "server_error", status, times))

    def cloudflare_ban(self, route: str, times: int | None = 1) -> HttpFault:
        """Answer 429 as Cloudflare does: HTML, no ``Via`` header (discord.py raises instead of retrying)."""
        return self._add(HttpFault(route, "cloudflare_ban", 429, times))

    def delay(self, route: str, seconds: float, times: int | None = 1) -> HttpFault:
        """Hold matching requests for ``seconds`` before handling them (network latency)."""
        return self._add(HttpFault(route, "delay", 0, times, delay=seconds))

    def clear(self) -> None:
        self.active.clear()

    def take(self, method: str, path: str) -> HttpFault | None:
        """The first live fault matching this request, counted as hit."""
        for fault in self.active:
            if not fault.exhausted and fault.matches(method, path):
                fault.hits += 1
                self.fired.append((fault, method, path))
                log.info("fault %s (%s) answered %s %s", fault.kind, fault.pattern, method, path)
                return fault
        return None
