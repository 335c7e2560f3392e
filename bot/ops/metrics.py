"""Prometheus metrics for one bot: what it served, how fast, what failed, and what it is connected to.

Every bot owns its own `CollectorRegistry`, so several bots in one process (tests, the playground) never share
or clash over a metric. Counters are fed from a few hooks only:

* the command tree's `interaction_check` and the navigation items stamp when an interaction reached our code
  (`received`);
* the HTTP trace sees the interaction callback, which is the first response whatever answered it (a command, an
  error handler, discord.py's own autocomplete reply), so latency needs nothing in the handlers (`http_trace`);
* `on_app_command_completion` counts served commands, the tree's and the navigation items' `on_error` count
  errors, and the content reloader reports each reload.

Gauges that describe the present (shards, gateway latency, the pack) are read at scrape time from the bot.
"""

from __future__ import annotations

import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import SimpleNamespace
from typing import Any, Final

import aiohttp
import discord
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily
from prometheus_client.registry import Collector

from .instrumentation import PackInfo, ShardStatus

log = logging.getLogger(__name__)

PREFIX: Final = "refbot"
# Discord drops an interaction not answered within 3 s, so the buckets are dense below that and stop just after.
LATENCY_BUCKETS: Final = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
KINDS: Final = {
    discord.InteractionType.application_command: "command",
    discord.InteractionType.autocomplete: "autocomplete",
    discord.InteractionType.component: "component",
    discord.InteractionType.modal_submit: "modal",
}
# Besides the kinds the bot names (its error table), one the metrics see for themselves.
RESPONSE_FAILED: Final = "response_failed"
RELOAD_RESULTS: Final = ("ok", "error")
# Interactions stamped but never answered (an expired one, a click nothing claims) must not pile up.
MAX_PENDING: Final = 4096
_CALLBACK: Final = re.compile(r"/interactions/(?P<id>\d+)/[^/]+/callback$")


def kind_of(interaction: discord.Interaction) -> str:
    return KINDS.get(interaction.type, "other")


class _Live(Collector):
    """The gauges read at scrape time; nothing is stored between scrapes."""

    def __init__(
        self, shards: Callable[[], Sequence[ShardStatus]], pack: Callable[[], PackInfo], guilds: Callable[[], int]
    ) -> None:
        self._shards = shards
        self._pack = pack
        self._guilds = guilds

    def describe(self) -> Iterator[Any]:
        # Described without reading the bot, which may not be built yet when the registry checks names.
        yield GaugeMetricFamily(f"{PREFIX}_gateway_connected", "")
        yield GaugeMetricFamily(f"{PREFIX}_gateway_latency_seconds", "")
        yield GaugeMetricFamily(f"{PREFIX}_guilds", "")
        yield InfoMetricFamily(f"{PREFIX}_content_pack", "")

    def collect(self) -> Iterator[Any]:
        connected = GaugeMetricFamily(
            f"{PREFIX}_gateway_connected", "1 while the shard's gateway websocket is open", labels=["shard"]
        )
        latency = GaugeMetricFamily(
            f"{PREFIX}_gateway_latency_seconds", "Last heartbeat round trip of the shard", labels=["shard"]
        )
        for shard in self._shards():
            connected.add_metric([str(shard.id)], 1.0 if shard.connected else 0.0)
            if shard.latency is not None:
                latency.add_metric([str(shard.id)], shard.latency)
        yield connected
        yield latency
        yield GaugeMetricFamily(f"{PREFIX}_guilds", "Guilds this process sees", value=self._guilds())
        pack = self._pack()
        info = InfoMetricFamily(f"{PREFIX}_content_pack", "The content pack being served")
        info.add_metric([], {"title": pack.title, "version": pack.version})
        yield info


class BotMetrics:
    def __init__(
        self,
        *,
        shards: Callable[[], Sequence[ShardStatus]],
        pack: Callable[[], PackInfo],
        guilds: Callable[[], int],
        error_kinds: Iterable[str] = (),
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self._clock = clock
        self._pending: OrderedDict[int, tuple[float, str]] = OrderedDict()
        self.commands = Counter(
            f"{PREFIX}_commands", "Slash commands answered without error", ["command"], registry=self.registry
        )
        self.latency = Histogram(
            f"{PREFIX}_interaction_latency_seconds",
            "From the interaction reaching the bot to its first response being accepted by Discord",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            f"{PREFIX}_errors", "Failures answered or logged, by kind", ["kind"], registry=self.registry
        )
        self.reloads = Counter(
            f"{PREFIX}_content_reloads", "Content pack reloads, by result", ["result"], registry=self.registry
        )
        # Known label values start at zero, so a rate() over them works before the first event.
        for kind in (*error_kinds, RESPONSE_FAILED):
            self.errors.labels(kind)
        for result in RELOAD_RESULTS:
            self.reloads.labels(result)
        for kind in KINDS.values():
            self.latency.labels(kind)
        self.registry.register(_Live(shards, pack, guilds))

    # ------------------------------------------------------------------------------------------- hooks

    def received(self, interaction: discord.Interaction) -> None:
        """Stamp the moment our code first saw `interaction` (only the first stamp counts)."""
        if interaction.id in self._pending:
            return
        self._pending[interaction.id] = (self._clock(), kind_of(interaction))
        while len(self._pending) > MAX_PENDING:
            self._pending.popitem(last=False)

    def responded(self, interaction_id: int, status: int) -> None:
        """Discord answered the first response to `interaction_id` with HTTP `status`."""
        if status == 429 or status >= 500:
            # discord.py retries these itself; the attempt that gets through is the response.
            return
        stamp = self._pending.pop(interaction_id, None)
        if status >= 300:
            # Expired (10062) or already answered (40060): the user saw no answer from this attempt.
            self.error(RESPONSE_FAILED)
            return
        if stamp is not None:
            started, kind = stamp
            self.latency.labels(kind).observe(max(0.0, self._clock() - started))

    def command_completed(self, name: str) -> None:
        self.commands.labels(name).inc()

    def error(self, kind: str) -> None:
        self.errors.labels(kind).inc()

    def reloaded(self, ok: bool) -> None:
        self.reloads.labels("ok" if ok else "error").inc()

    def http_trace(self) -> aiohttp.TraceConfig:
        """A trace for discord.py's HTTP session that sees every interaction callback (the first response)."""
        trace = aiohttp.TraceConfig()

        async def on_request_end(
            _session: aiohttp.ClientSession, _context: SimpleNamespace, params: aiohttp.TraceRequestEndParams
        ) -> None:
            if params.method != "POST":
                return
            match = _CALLBACK.search(params.url.path)
            if match is not None:
                self.responded(int(match["id"]), params.response.status)

        trace.on_request_end.append(on_request_end)
        return trace

    def exposition(self) -> bytes:
        """Everything, in Prometheus' text format."""
        return generate_latest(self.registry)
