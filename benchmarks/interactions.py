"""Interaction benchmark: our bot against a bare discord.py bot, side by side, through the local Discord simulator.

    make bench
    .venv/bin/python benchmarks/interactions.py [--n 2000] [--concurrency 50] [--soak 10000] [--pack-scale 100]
                                                [--starts 3] [--block 50] [--json artifacts/bench-interactions.json]
                                                [--profile DIR]

Each bot runs in a process of its own (`benchmarks/_worker.py`), so CPU time and memory are its own: ours is
built with `bot.create_bot(settings)` from the environment, as `python -m bot run` builds it; the bare one is
`benchmarks/_bare_bot.py`, plain discord.py answering `/ping` with the same shape of reply (an embed with four
fields and a row of five page buttons). Each bot has a simulator of its own, both served from this process's
event loop (a simulator is one application; two bots syncing their commands into one would overwrite each
other's).

What is compared, per bot:

* time from process start to READY with its commands synced to the guild (median of `--starts` starts, after
  one more start of each that only warms the file cache), and the CPU time that took;
* RSS at READY;
* per-interaction latency, from the simulator dispatching INTERACTION_CREATE to the callback arriving, p50 and
  p99, and CPU time per interaction (the process's own CPU counter, sampled around each block), one at a time
  (`--n`) and `--concurrency` at a time (`--n` again), for the same mix on both: slash commands (a topic
  command; `/ping`), autocomplete (`/timeline era:`; `/ping topic:`) and page-button clicks on replies made
  before the phase began (older than 100 ms), each click editing its message (a click acknowledged first and
  its message edited after, as ours answers the first tap on the timeline's picture, counts from the edit);
* RSS growth over `--soak` further interactions of the same mix, at the same pace after a warm-up: in use (a
  full collection and glibc's malloc_trim at both ends, so it counts what is kept, not garbage or free pages the
  allocator holds on to after a busy moment, the leak signal the target is on) and as found; and the growth
  in live Python memory blocks;
* for ours only: loading and validating the shipped pack, and a pack generated `--pack-scale` times its size.

The two bots take turns in small blocks (one kind of interaction per block, kinds in rotation, the bot that
goes first alternating), so drift in the machine's speed hits both alike. Absolute times depend on the machine;
compare the ratios. Targets: CPU per interaction ≤ 1.15× the bare bot's (the mix, and slash commands alone),
time to READY ≤ 1.2×, RSS at READY ≤ the bare bot's + 8 MiB, RSS growth over the soak ≤ 2 MiB. With
`--profile DIR` each bot's measured process runs under pyinstrument, to find where a target is missed.

The table is printed and written as JSON (`--json`); the run fails (exit 1) if any interaction went unanswered
or the simulator refused anything, never because of a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import gc
import itertools
import json
import logging
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import discord

from bot.content import load_library
from bot.content.yamlfile import SafeLoader
from bot.settings import SHIPPED_CONTENT_DIR
from bot.simulator import CallbackAttempt, DiscordSimulator, InteractionRecord, SimMessage, WebhookCall

log = logging.getLogger(__name__)

ROOT: Final = Path(__file__).resolve().parent.parent
DEFAULT_JSON: Final = ROOT / "artifacts" / "bench-interactions.json"
TOKEN: Final = "bench-token"
KINDS: Final = ("slash", "autocomplete", "click")
CHANNEL_MESSAGE: Final = 4
DEFERRED_UPDATE: Final = 6
UPDATE_MESSAGE: Final = 7
AUTOCOMPLETE_RESULT: Final = 8
EXPECTED: Final = {"slash": CHANNEL_MESSAGE, "autocomplete": AUTOCOMPLETE_RESULT, "click": UPDATE_MESSAGE}
# What people type into an autocomplete option, keystroke by keystroke; the same for both bots.
TYPED: Final = tuple(
    phrase[:n] for phrase in ("2004", "cold war", "invasion", "training", "insurgency", "NTM-I") for n in range(5)
)
MIN_CLICK_AGE: Final = 0.1  # seconds: clicks land on replies older than this
SETTLE: Final = 0.02  # seconds after a block's last answer before the bot's CPU counter is read
RESPONSE_WAIT: Final = 10.0
READY_WAIT: Final = 60.0
# Targets: ratios against the bare bot, differences in MiB, or a bound on ours alone.
CPU_RATIO: Final = 1.15
READY_RATIO: Final = 1.2
RSS_EXTRA_MIB: Final = 8.0
RSS_GROWTH_MIB: Final = 2.0
MAX_PACK_SCALE: Final = 100  # Discord's commands per scope (benchmarks/_packs.py)


# ------------------------------------------------------------------------------------------------- workers


def plain_env() -> dict[str, str]:
    """What a worker inherits: enough to run Python, and nothing of the caller's bot settings."""
    return {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")}


def worker_env(sim: DiscordSimulator, data_dir: Path) -> dict[str, str]:
    """A clean environment (nothing from the caller's bot settings or `.env`) pointing a worker at `sim`."""
    assert sim.default_guild is not None
    env = plain_env()
    env.update(
        {
            "DISCORD_TOKEN": TOKEN,
            "DISCORD_API_BASE": sim.api_base,
            "DISCORD_GATEWAY_URL": sim.gateway_url,
            "DEV_GUILD_ID": str(sim.default_guild.id),
            "DATA_DIR": str(data_dir),
            "CONTENT_DIR": str(SHIPPED_CONTENT_DIR),
            # One simulated user sends everything; the per-user cooldown still runs, it just never refuses.
            "COOLDOWN_RATE": "1000000000",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


class Worker:
    """A bot process: started, asked for samples over its stdin/stdout, stopped."""

    def __init__(self, kind: str, process: asyncio.subprocess.Process, stderr: Path) -> None:
        self.kind = kind
        self.process = process
        self.stderr = stderr

    @classmethod
    async def start(
        cls, kind: str, env: Mapping[str, str], stderr: Path, profile: Path | None = None
    ) -> tuple[Worker, dict[str, Any]]:
        """Start a worker and wait for READY; the answer carries `wall_s`, from spawning it to READY.

        With `profile`, the worker runs under pyinstrument, which saves its session there when it exits.
        """
        began = time.perf_counter()
        profiler = ["-m", "pyinstrument", "-r", "pyisession", "-o", str(profile)] if profile is not None else []
        with stderr.open("wb") as errors:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                *profiler,
                "-m",
                "benchmarks._worker",
                kind,
                cwd=ROOT,
                env=dict(env),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=errors,
            )
        worker = cls(kind, process, stderr)
        try:
            ready = await asyncio.wait_for(worker.read(), READY_WAIT)
        except BaseException:
            await worker.kill()
            raise
        ready["wall_s"] = time.perf_counter() - began
        if ready.get("event") != "ready":
            await worker.kill()
            raise RuntimeError(f"the {kind} bot did not start: {ready.get('error')}\n{worker.tail()}")
        return worker, ready

    async def read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.kind} worker exited\n{self.tail()}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    async def ask(self, request: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{request}\n".encode())
        await self.process.stdin.drain()
        return await asyncio.wait_for(self.read(), RESPONSE_WAIT)

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await self.ask("stop")
        try:
            await asyncio.wait_for(self.process.wait(), 15)
        except TimeoutError:
            await self.kill()

    async def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.stderr.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


# --------------------------------------------------------------------------------------------------- sides


@dataclasses.dataclass
class Tally:
    latencies: list[float] = dataclasses.field(default_factory=list)
    cpu: float = 0.0
    count: int = 0
    per_block: list[float] = dataclasses.field(default_factory=list)  # CPU ms per interaction, block by block


class Answers:
    """First answers to many interactions, watched by one waiter per simulator.

    `InteractionRecord.wait_response` is one waiter per interaction, and the simulator wakes every waiter on
    every change: fine for a test, but at 50 in flight this process would spend its time waking them.
    """

    def __init__(self, sim: DiscordSimulator) -> None:
        self.sim = sim
        self.pending: dict[int, tuple[InteractionRecord, asyncio.Future[CallbackAttempt]]] = {}
        self.watcher: asyncio.Task[None] | None = None

    async def wait(self, record: InteractionRecord, within: float) -> CallbackAttempt:
        if record.response is not None:
            return record.response
        future: asyncio.Future[CallbackAttempt] = asyncio.get_running_loop().create_future()
        self.pending[record.id] = (record, future)
        if self.watcher is None or self.watcher.done():
            self.watcher = asyncio.create_task(self.watch())
        try:
            return await asyncio.wait_for(future, within)
        finally:
            self.pending.pop(record.id, None)

    async def watch(self) -> None:
        while self.pending:
            await self.sim.wait_until(self.settle, within=None)

    def settle(self) -> bool:
        """Hand every answer that has arrived to its waiter; whether there was one."""
        found = False
        for key, (record, future) in list(self.pending.items()):
            response = record.response
            if response is not None:
                del self.pending[key]
                if not future.done():
                    future.set_result(response)
                found = True
        return found


@dataclasses.dataclass
class Side:
    """One bot, its simulator, and what it is asked: the same kinds of interaction for both."""

    name: str
    sim: DiscordSimulator
    slash: Sequence[tuple[str, dict[str, Any] | None]]
    complete: tuple[str, str]  # command, option
    paged: str  # the command whose replies have page buttons
    page_prefix: str  # what the page buttons' custom_ids start with
    answers: Answers = dataclasses.field(init=False)
    worker: Worker | None = None
    pool: asyncio.Queue[SimMessage] = dataclasses.field(default_factory=asyncio.Queue)
    tallies: dict[tuple[str, str], Tally] = dataclasses.field(default_factory=dict)
    starts: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    warm_up_start: dict[str, Any] = dataclasses.field(default_factory=dict)
    memory: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    rss_trace: dict[str, list[int]] = dataclasses.field(default_factory=dict)  # KiB after each block, per phase
    sent: int = 0
    answered: int = 0
    failures: list[str] = dataclasses.field(default_factory=list)

    def __post_init__(self) -> None:
        self.answers = Answers(self.sim)

    def tally(self, phase: str, kind: str) -> Tally:
        return self.tallies.setdefault((phase, kind), Tally())

    async def ask(self, request: str) -> dict[str, Any]:
        assert self.worker is not None
        return await self.worker.ask(request)


def next_page(message: SimMessage, prefix: str) -> str:
    """The custom_id of the ▶ button if it is enabled, else ⏮: clicking walks the pages round and round."""
    enabled = {
        b["custom_id"].rsplit(":", 1)[-1]: b["custom_id"]
        for b in message.buttons()
        if str(b.get("custom_id", "")).startswith(prefix) and not b.get("disabled")
    }
    return enabled.get("n") or enabled["f"]


async def interact(side: Side, kind: str, index: int) -> float | None:
    """One interaction of `kind`; the seconds from dispatch to the bot's callback, or None if unanswered."""
    sim = side.sim
    side.sent += 1
    message: SimMessage | None = None
    record: InteractionRecord | None = None
    try:
        if kind == "slash":
            name, options = side.slash[index % len(side.slash)]
            record = await sim.invoke(name, options)
        elif kind == "autocomplete":
            command, option = side.complete
            record = await sim.autocomplete(command, option, TYPED[index % len(TYPED)])
        else:
            message = await side.pool.get()
            record = await sim.click(message, next_page(message, side.page_prefix))
        response = await side.answers.wait(record, RESPONSE_WAIT)
        edited: WebhookCall | None = None
        if kind == "click" and response.type == DEFERRED_UPDATE:
            # A click whose answer may take longer than Discord waits is acknowledged first and answered by an
            # edit of its message (ours: the first tap on the timeline's picture, drawn once per library). The
            # edit is the answer; the record is kept until it has come, or the edit would find no interaction.
            answered = record
            edited = await sim.wait_until(lambda: _edit_of(answered), within=RESPONSE_WAIT)
    except TimeoutError:
        side.failures.append(f"{kind} #{index}: no answer within {RESPONSE_WAIT} s")
        return None
    finally:
        if message is not None:
            message.history.clear()  # the simulator keeps every revision; the benchmark needs none
            side.pool.put_nowait(message)
        if record is not None:
            forget(sim, record, keep_message=kind == "click")
    if edited is not None:
        side.answered += 1
        return edited.elapsed
    if response.type != EXPECTED[kind]:
        side.failures.append(f"{kind} #{index}: answered with callback type {response.type}")
        return None
    side.answered += 1
    return response.elapsed


def _edit_of(record: InteractionRecord) -> WebhookCall | None:
    """The accepted edit of the message a deferred click was on, once it has been made."""
    return next((c for c in record.webhook_calls if c.method == "PATCH" and c.status < 300), None)


def forget(sim: DiscordSimulator, record: InteractionRecord, *, keep_message: bool) -> None:
    """Drop an answered interaction (and the reply it made) from the simulator, so its memory stays flat."""
    sim.interactions.pop(record.id, None)
    sim.interactions_by_token.pop(record.token, None)
    if not keep_message and record.original_id is not None:
        sim.messages.pop(record.original_id, None)
    sim.requests.clear()


async def fill_pool(side: Side, size: int) -> None:
    """Replies with page buttons for the clicks to land on, made before any phase (so older than 100 ms)."""
    for _ in range(size):
        side.sent += 1
        record = await side.sim.invoke(side.paged)
        message = await record.wait_original(lambda m: bool(m.buttons()), within=RESPONSE_WAIT)
        next_page(message, side.page_prefix)  # fails here, not mid-phase, if the reply has no page buttons
        side.answered += 1
        side.pool.put_nowait(message)


async def run_block(side: Side, phase: str, kind: str, count: int, concurrency: int, first: int) -> None:
    before = await side.ask("sample")
    tally = side.tally(phase, kind)
    indices = iter(range(first, first + count))

    async def lane() -> None:
        for index in indices:
            elapsed = await interact(side, kind, index)
            if elapsed is not None:
                tally.latencies.append(elapsed)

    await asyncio.gather(*(lane() for _ in range(min(concurrency, count))))
    await asyncio.sleep(SETTLE)
    after = await side.ask("sample")
    tally.cpu += after["cpu"] - before["cpu"]
    tally.count += count
    tally.per_block.append(round((after["cpu"] - before["cpu"]) * 1000 / count, 4))
    side.rss_trace.setdefault(phase, []).append(after["rss_kib"])


def blocks(total: int, block: int) -> Iterator[tuple[str, int]]:
    """(kind, size) blocks adding up to `total`, kinds in rotation; small totals still get every kind."""
    size = max(1, min(block, math.ceil(total / len(KINDS))))
    done = 0
    for number in itertools.count():
        if done >= total:
            return
        count = min(size, total - done)
        yield KINDS[number % len(KINDS)], count
        done += count


async def run_phase(sides: Sequence[Side], phase: str, total: int, concurrency: int, block: int) -> None:
    for number, (kind, count) in enumerate(blocks(total, block)):
        order = sides if number % 2 == 0 else list(reversed(sides))
        for side in order:
            await run_block(side, phase, kind, count, concurrency, number * block)


# -------------------------------------------------------------------------------------------------- startup


async def start_bots(sides: Sequence[Side], starts: int, scratch: Path, profile: Path | None) -> None:
    """Start each bot once to warm the file cache (not counted), then `starts` times, alternating which goes
    first; the last start of each keeps running."""
    for round_number in range(starts + 1):
        order = sides if round_number % 2 == 0 else list(reversed(sides))
        last = round_number == starts
        for side in order:
            data_dir = scratch / f"{side.name}-data-{round_number}"  # empty: the sync is never skipped
            worker, ready = await Worker.start(
                side.name,
                worker_env(side.sim, data_dir),
                scratch / f"{side.name}-{round_number}.log",
                profile / f"{side.name}.pyisession" if profile is not None and last else None,
            )
            assert side.sim.default_guild is not None
            synced = {c["name"] for c in side.sim.get_commands(side.sim.default_guild)}
            if side.paged not in synced:
                await worker.kill()
                raise RuntimeError(f"the {side.name} bot was READY without /{side.paged} synced")
            if round_number:
                side.starts.append(ready)
            else:
                side.warm_up_start = ready
            if last:
                side.worker = worker
            else:
                await worker.stop()


# --------------------------------------------------------------------------------------------------- report


@dataclasses.dataclass
class Row:
    section: str
    metric: str
    unit: str
    ours: float | None
    bare: float | None
    compare: str = "ratio"  # "ratio": ours/bare; "diff": ours - bare; "" for neither
    target: float | None = None
    target_on: str = "ratio"  # "ratio", "diff" or "ours": what the target bounds

    @property
    def ratio(self) -> float | None:
        if self.ours is None or self.bare is None or not self.bare:
            return None
        return self.ours / self.bare

    @property
    def diff(self) -> float | None:
        return None if self.ours is None or self.bare is None else self.ours - self.bare

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        value = {"ratio": self.ratio, "diff": self.diff, "ours": self.ours}[self.target_on]
        return None if value is None else value <= self.target

    def target_text(self) -> str:
        if self.target is None:
            return ""
        return {
            "ratio": f"≤ {self.target:.2f}×",
            "diff": f"≤ +{self.target:g} {self.unit}",
            "ours": f"ours ≤ {self.target:g} {self.unit}",
        }[self.target_on]

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "metric": self.metric,
            "unit": self.unit,
            "ours": self.ours,
            "bare": self.bare,
            "ratio": self.ratio,
            "diff": self.diff,
            "target": self.target_text() or None,
            "met": self.met,
        }


def percentile(samples: Sequence[float], fraction: float) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def merged(side: Side, phase: str) -> Tally:
    total = Tally()
    for kind in KINDS:
        tally = side.tallies.get((phase, kind))
        if tally is not None:
            total.latencies += tally.latencies
            total.cpu += tally.cpu
            total.count += tally.count
    return total


def ms(value: float | None) -> float | None:
    return None if value is None else value * 1000


def phase_rows(ours: Side, bare: Side, phase: str, title: str) -> list[Row]:
    rows = []
    for kind in ("mix", *KINDS):
        a, b = (merged(s, phase) if kind == "mix" else s.tally(phase, kind) for s in (ours, bare))
        if not a.count:
            continue
        target = CPU_RATIO if kind in ("mix", "slash") else None
        for label, fraction in (("p50", 0.5), ("p99", 0.99)):
            ours_ms, bare_ms = (ms(percentile(t.latencies, fraction)) for t in (a, b))
            rows.append(Row(title, f"{kind}: latency {label}", "ms", ours_ms, bare_ms))
        rows.append(
            Row(title, f"{kind}: CPU / interaction", "ms", a.cpu * 1e3 / a.count, b.cpu * 1e3 / b.count, target=target)
        )
    return rows


def mib(kib: float) -> float:
    return kib / 1024


def build_rows(ours: Side, bare: Side, args: argparse.Namespace, content: Mapping[str, Any] | None) -> list[Row]:
    def median_of(side: Side, key: str) -> float:
        return statistics.median(float(s[key]) for s in side.starts)

    startup = f"startup (median of {args.starts})"
    rows = [
        Row(startup, "time to READY + command sync", "ms", median_of(ours, "wall_s") * 1000,
            median_of(bare, "wall_s") * 1000, target=READY_RATIO),
        Row(startup, "CPU to READY", "ms", median_of(ours, "cpu") * 1000, median_of(bare, "cpu") * 1000),
        Row(startup, "RSS at READY", "MiB", mib(median_of(ours, "rss_kib")), mib(median_of(bare, "rss_kib")),
            compare="diff", target=RSS_EXTRA_MIB, target_on="diff"),
    ]  # fmt: skip
    rows += phase_rows(ours, bare, "sequential", f"one at a time (n={args.n} each)")
    rows += phase_rows(ours, bare, "concurrent", f"{args.concurrency} at a time (n={args.n} each)")
    soak = f"soak ({args.soak} more, {args.concurrency} at a time, after a warm-up at that pace)"

    def memory(key: str, field: str) -> tuple[float, float]:
        ours_kib, bare_kib = (float(s.memory[key][field]) for s in (ours, bare))
        return ours_kib, bare_kib

    def growth(field: str) -> tuple[float, float]:
        (ours_before, bare_before), (ours_after, bare_after) = memory("soak_before", field), memory("soak_after", field)
        return ours_after - ours_before, bare_after - bare_before

    before, after = memory("soak_before", "rss_kib"), memory("soak_after", "rss_kib")
    live, raw, blocks = growth("rss_kib"), growth("raw_rss_kib"), growth("blocks")
    rows += [
        Row(soak, "RSS before, in use (after gc + malloc_trim)", "MiB", mib(before[0]), mib(before[1]), compare="diff"),
        Row(soak, "RSS after, in use (after gc + malloc_trim)", "MiB", mib(after[0]), mib(after[1]), compare="diff"),
        Row(soak, "RSS growth, in use", "MiB", mib(live[0]), mib(live[1]), compare="diff",
            target=RSS_GROWTH_MIB, target_on="ours"),
        Row(soak, "RSS growth, as found (allocator caches included)", "MiB", mib(raw[0]), mib(raw[1]),
            compare="diff"),
        Row(soak, "live Python blocks growth", "blocks", blocks[0], blocks[1], compare="diff"),
    ]  # fmt: skip
    if content is not None:
        section = "content load + validation (ours only)"
        shipped, scaled = content["shipped"], content["scaled"]
        rows += [
            Row(section, "shipped pack, first in a process", "ms", shipped["first_ms"], None, compare=""),
            Row(section, f"shipped pack, median of {shipped['runs']}", "ms", shipped["median_ms"], None, compare=""),
            Row(section, f"{scaled['scale']}× pack ({scaled['topics']} topics), median of {scaled['runs']}", "ms",
                scaled["median_ms"], None, compare=""),
        ]  # fmt: skip
    return rows


def number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "blocks":
        return f"{value:+.0f}"
    if unit == "MiB":
        return f"{value:.1f}"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"


def comparison(row: Row) -> str:
    if row.compare == "ratio" and row.ratio is not None:
        return f"{row.ratio:.2f}×"
    if row.compare == "diff" and row.diff is not None:
        return f"{row.diff:+.0f} {row.unit}" if row.unit == "blocks" else f"{row.diff:+.1f} {row.unit}"
    return ""


def table(rows: Sequence[Row]) -> str:
    header = ("", "ours", "bare", "ours vs bare", "target", "")
    lines = [header]
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            lines.append((section, "", "", "", "", ""))
        verdict = {True: "ok", False: "MISSED", None: ""}[row.met]
        lines.append(
            (
                f"  {row.metric} ({row.unit})",
                number(row.ours, row.unit),
                number(row.bare, row.unit),
                comparison(row),
                row.target_text(),
                verdict,
            )
        )
    widths = [max(len(line[i]) for line in lines if line[1] or i == 0) for i in range(len(header))]
    out = []
    for line in lines:
        if not line[1] and line[0] and not line[0].startswith("  "):
            out.append(line[0])
            continue
        cells = [line[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------------ run


async def load_figures(scale: int, repeats: int, scratch: Path) -> dict[str, Any]:
    """Content load times, measured in a fresh process of their own."""
    stderr = scratch / "load.log"
    with stderr.open("wb") as errors:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks._worker",
            "load",
            "--scale",
            str(scale),
            "--repeats",
            str(repeats),
            cwd=ROOT,
            env=plain_env(),
            stdout=asyncio.subprocess.PIPE,
            stderr=errors,
        )
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"the content-load worker failed:\n{stderr.read_text(errors='replace')[-2000:]}")
    figures: dict[str, Any] = json.loads(out)
    return figures


async def measure(args: argparse.Namespace, scratch: Path) -> tuple[Side, Side, dict[str, Any] | None]:
    topics = load_library(SHIPPED_CONTENT_DIR).commands
    async with DiscordSimulator(token=TOKEN) as ours_sim, DiscordSimulator(token=TOKEN) as bare_sim:
        ours = Side(
            "ours",
            ours_sim,
            slash=[(str(t.command), None) for t in topics],
            complete=("timeline", "era"),
            paged="timeline",
            page_prefix="nir:page:",
        )
        bare = Side(
            "bare", bare_sim, slash=[("ping", None)], complete=("ping", "topic"), paged="ping", page_prefix="ping:"
        )
        sides = (ours, bare)
        try:
            if args.profile is not None:
                args.profile.mkdir(parents=True, exist_ok=True)
            await start_bots(sides, args.starts, scratch, args.profile)
            for side in sides:
                await fill_pool(side, max(args.concurrency, 8))
            await asyncio.sleep(MIN_CLICK_AGE * 1.5)
            gc.collect()
            gc.freeze()  # the simulators' long-lived state: kept out of this process's later collections
            await run_phase(sides, "warm-up", 3 * min(args.block, 20), 1, min(args.block, 20))
            await run_phase(sides, "sequential", args.n, 1, args.block)
            await run_phase(sides, "concurrent", args.n, args.concurrency, max(args.block, 4 * args.concurrency))
            # The soak's pace first, so the readings bracket a steady state, not a warm-up to it.
            soak_block = max(args.block, 10 * args.concurrency)
            await run_phase(sides, "soak warm-up", min(args.soak, 3 * soak_block), args.concurrency, soak_block)
            for side in sides:
                side.memory["soak_before"] = await side.ask("gc")
            await run_phase(sides, "soak", args.soak, args.concurrency, soak_block)
            for side in sides:
                side.memory["soak_after"] = await side.ask("gc")
        finally:
            for side in sides:
                if side.worker is not None:
                    await side.worker.stop()
    content = await load_figures(args.pack_scale, args.pack_repeats, scratch) if args.pack_scale else None
    return ours, bare, content


def report(
    ours: Side, bare: Side, rows: Sequence[Row], args: argparse.Namespace, content: Mapping[str, Any] | None
) -> dict[str, Any]:
    def bot(side: Side) -> dict[str, Any]:
        problems = [str(r) for r in side.sim.rejections]
        problems += [f"unexpected route {u.method} {u.path}" for u in side.sim.unexpected_routes]
        return {
            "sent": side.sent,
            "answered": side.answered,
            "failures": side.failures[:50],
            "rejections": problems[:50],
            "starts": side.starts,
            "warm_up_start": side.warm_up_start,
            "memory": side.memory,
            "rss_after_each_block_kib": side.rss_trace,
            "phases": {
                f"{phase}/{kind}": {
                    "count": t.count,
                    "answered": len(t.latencies),
                    "cpu_s": t.cpu,
                    "cpu_ms_per_interaction_by_block": t.per_block,
                }
                for (phase, kind), t in side.tallies.items()
            },
        }

    return {
        "meta": {
            "python": platform.python_version(),
            "discord.py": discord.__version__,
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
            "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items() if k != "json"},
            "yaml_loader": SafeLoader.__name__,
            "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
        "rows": [row.to_dict() for row in rows],
        "bots": {"ours": bot(ours), "bare": bot(bare)},
        "content": content,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="interactions per bot, one at a time, then concurrently")
    parser.add_argument("--concurrency", type=int, default=50, help="interactions in flight in the concurrent phases")
    parser.add_argument("--soak", type=int, default=10_000, help="interactions per bot between the two RSS readings")
    parser.add_argument("--block", type=int, default=50, help="interactions per block before the other bot's turn")
    parser.add_argument("--starts", type=int, default=3, help="starts of each bot for the time to READY")
    parser.add_argument("--pack-scale", type=int, default=100, help="size of the generated pack (0: skip content)")
    parser.add_argument("--pack-repeats", type=int, default=1, help="loads of the generated pack")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the results")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="run each bot's last start under pyinstrument (pip install pyinstrument) and save DIR/<bot>.pyisession; "
        "read one with `pyinstrument --load=DIR/ours.pyisession`. Profiling slows the bots: figures are not comparable",
    )
    args = parser.parse_args(argv)
    for name in ("n", "concurrency", "soak", "block", "starts", "pack_repeats"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if not 0 <= args.pack_scale <= MAX_PACK_SCALE:
        parser.error(f"--pack-scale must be 0..{MAX_PACK_SCALE}: each copy of the pack keeps one slash command")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-interactions-") as tmp:
        ours, bare, content = asyncio.run(measure(args, Path(tmp)))
    rows = build_rows(ours, bare, args, content)
    results = report(ours, bare, rows, args, content)
    results["meta"]["duration_s"] = time.perf_counter() - began

    print(
        f"python {results['meta']['python']}, discord.py {results['meta']['discord.py']}, "
        f"{results['meta']['cpus']} CPUs; YAML loader {results['meta']['yaml_loader']}; "
        f"interactions answered: ours {ours.answered}/{ours.sent}, bare {bare.answered}/{bare.sent}; "
        f"{results['meta']['duration_s']:.0f} s\n"
        "Each bot is its own process with its own simulator; both ask for the guilds intent only and wait "
        f"{ours.starts[-1]['guild_ready_timeout']} s for GUILD_CREATEs (discord.py's default is 2 s for both); "
        "CPU is the bot process's own counter.\n"
    )
    print(table(rows))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.json}")

    ok = True
    for side in (ours, bare):
        details = results["bots"][side.name]
        if side.answered != side.sent or details["failures"] or details["rejections"]:
            ok = False
            print(f"\n{side.name}: {side.sent - side.answered} unanswered", *details["failures"][:10], sep="\n  ")
            print(*details["rejections"][:10], sep="\n  ")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
