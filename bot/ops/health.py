"""An optional HTTP endpoint for orchestrators and monitoring: `/healthz` and `/metrics`.

Off unless HEALTH_PORT is set. It binds to loopback by default: a container's HEALTHCHECK and a local
Prometheus agent reach it there, and nothing else should. `/healthz` answers 200 only while every shard of this
process has an open gateway connection and a content pack is loaded, so a supervisor restarts a process that
lost Discord for good; `/metrics` is Prometheus' text format.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any, Final

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from ..settings import is_loopback

log = logging.getLogger(__name__)

HEALTH_PATH: Final = "/healthz"
METRICS_PATH: Final = "/metrics"


class HealthServer:
    """`report()` returns the /healthz body (its "status" decides 200 or 503); `metrics()` the /metrics body."""

    def __init__(
        self, host: str, port: int, report: Callable[[], Mapping[str, Any]], metrics: Callable[[], bytes]
    ) -> None:
        self.host = host
        self._requested_port = port
        self.port: int | None = None
        self._report = report
        self._metrics = metrics
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get(HEALTH_PATH, self._health)
        app.router.add_get(METRICS_PATH, self._metrics_page)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._requested_port, reuse_address=True)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            # Refusing to start beats running without the endpoint a supervisor is about to probe; the caller
            # reports it (the command line as one line naming HEALTH_HOST and HEALTH_PORT).
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        if not is_loopback(self.host):
            log.warning(
                "health endpoint bound to %s: anyone who can reach this address reads /metrics; "
                "keep it behind a firewall or use the loopback default",
                self.host,
            )
        log.info("health endpoint on http://%s:%d%s and %s", self.host, self.port, HEALTH_PATH, METRICS_PATH)

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _health(self, request: web.Request) -> web.Response:
        report = dict(self._report())
        status = 200 if report.get("status") == "ok" else 503
        return web.Response(
            status=status,
            text=json.dumps(report, separators=(",", ":")),
            content_type="application/json",
            headers={"Cache-Control": "no-store"},
        )

    async def _metrics_page(self, request: web.Request) -> web.Response:
        # The content type carries a version and a charset, which aiohttp's content_type argument refuses.
        return web.Response(body=self._metrics(), headers={"Content-Type": CONTENT_TYPE_LATEST})
