"""Search benchmark: index build time, memory, and query latency at 1×, 100× and 1000× the shipped pack.

    .venv/bin/python -m benchmarks.search [--scales 1 100 1000] [--rounds 3]

Bigger packs are made in memory from renamed copies of the shipped topics and events (ids, titles, short
names and aliases get a copy number; the texts stay the same), so nothing is written to disk. Memory is
reported twice: Python allocations traced by tracemalloc, which do not include SQLite's own heap, and the
growth of the process's resident set, which does.

Targets on the 2-core reference machine: autocomplete p99 ≤ 2 ms at 1× and ≤ 10 ms at 1000×; index build
≤ 1 s at 100×.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import logging
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from benchmarks._memory import resident_kib
from bot.content import Library, TimelineEvent, Topic, load_library
from bot.search import SearchIndex

log = logging.getLogger(__name__)

CONTENT: Final = Path(__file__).resolve().parent.parent / "content"

# What people type into /search: words, phrases, plurals, synonyms, typos, stop words, and hostile input.
SEARCH_QUERIES: Final = (
    "insurgency",
    "training",
    "chalenges",
    "objectivs",
    "goals",
    "united states",
    "what went wrong",
    "NTM-I",
    "cold war",
    "2003 invasion",
    "humanitarian aid",
    "Canada Germany",
    "political reconciliation",
    "sectarian violence",
    "NATO",
    "iraq",
    "the",
    "zzzz qqqq",
    '"AND" OR (NEAR*) -x:^',
    "a" * 6000,
)
# Autocomplete runs on every keystroke, so it is measured on every prefix of what someone types.
TYPED: Final = (
    "challenges",
    "chalenges",
    "training and capacity",
    "united states",
    "what went wrong",
    "insurgency",
    "2004",
    "humanitarian",
    "objectivs",
    "cold war",
)


def prefixes(phrases: Sequence[str]) -> list[str]:
    return ["", *(p[:n] for p in phrases for n in range(1, len(p) + 1))]


def _copy_id(item_id: str, copy: int) -> str:
    return item_id if copy == 0 else f"{item_id}-{copy}"


def _copy_name(text: str | None, copy: int) -> str | None:
    return text if copy == 0 or text is None else f"{text} {copy}"


def scaled(library: Library, copies: int) -> Library:
    """`library` with its topics and events repeated `copies` times, each copy renamed."""
    topics: list[Topic] = []
    events: list[TimelineEvent] = []
    for copy in range(copies):
        for topic in library.topics:
            topics.append(
                dataclasses.replace(
                    topic,
                    id=_copy_id(topic.id, copy),
                    command=_copy_name(topic.command, copy),
                    parent=_copy_id(topic.parent, copy) if topic.parent else None,
                    title=_copy_name(topic.title, copy) or topic.title,
                    short=_copy_name(topic.short, copy) or topic.short,
                    choice=_copy_name(topic.choice, copy),
                    related=tuple(_copy_id(r, copy) for r in topic.related),
                    children=tuple(_copy_id(c, copy) for c in topic.children),
                    aliases=tuple(_copy_name(a, copy) or a for a in topic.aliases),
                )
            )
        for event in library.timeline:
            events.append(
                dataclasses.replace(
                    event,
                    id=_copy_id(event.id, copy),
                    title=_copy_name(event.title, copy) or event.title,
                    topic=_copy_id(event.topic, copy),
                )
            )
    return Library(pack=library.pack, source=library.source, topics=tuple(topics), timeline=tuple(events))


def timed_both(call: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) milliseconds: CPU time is what the call costs even when other processes share the cores."""
    wall, cpu = time.perf_counter(), time.thread_time()
    call()
    return (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000


def latencies(call: Callable[[str], object], queries: Sequence[str], rounds: int) -> tuple[list[float], list[float]]:
    for query in queries:
        call(query)  # warm caches (prefix tables, SQLite pages) the way a running bot has them warm
    samples = [timed_both(lambda q=query: call(q)) for _ in range(rounds) for query in queries]
    return [w for w, _ in samples], [c for _, c in samples]


def percentile(samples: Sequence[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(library: Library, copies: int, rounds: int) -> dict[str, float]:
    pack = scaled(library, copies)
    gc.collect()
    builds = [timed_both(lambda: SearchIndex(pack)) for _ in range(1 if copies >= 100 else rounds)]
    gc.collect()
    before = resident_kib()
    tracemalloc.start()
    index = SearchIndex(pack)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    grown = resident_kib() - before
    figures = {
        "topics": len(pack.topics),
        "build_ms": min(wall for wall, _ in builds),
        "build_cpu_ms": min(cpu for _, cpu in builds),
        "traced_peak_mib": peak / 2**20,
        "rss_growth_mib": grown / 1024,
    }
    typed = prefixes(TYPED)
    for name, call, queries in (
        ("search", index.search, SEARCH_QUERIES),
        ("complete_search", index.complete_search, typed),
        ("complete_topics", index.complete_topics, typed),
        ("complete_events", index.complete_events, typed),
        ("answer", index.answer, SEARCH_QUERIES),
    ):
        wall, cpu = latencies(call, queries, rounds)
        figures[f"{name}_p50"] = percentile(wall, 0.50)
        figures[f"{name}_p99"] = percentile(wall, 0.99)
        figures[f"{name}_cpu_p99"] = percentile(cpu, 0.99)
        figures[f"{name}_n"] = len(wall)
    index.close()
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--rounds", type=int, default=3, help="times each query runs (after one warm-up)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    library = load_library(CONTENT)
    print(
        f"python {sys.version.split()[0]}, query mix: {len(SEARCH_QUERIES)} searches, "
        f"{len(prefixes(TYPED))} autocomplete prefixes, {args.rounds} rounds; latency is wall-clock p50/p99 "
        "and the p99 of the CPU time the calls used (their cost when other processes share the cores)"
    )
    for copies in args.scales:
        f = measure(library, copies, args.rounds)
        print(
            f"\n{copies}× pack: {f['topics']:.0f} topics · build {f['build_ms']:.1f} ms "
            f"(CPU {f['build_cpu_ms']:.1f} ms) · "
            f"traced peak {f['traced_peak_mib']:.1f} MiB · RSS +{f['rss_growth_mib']:.1f} MiB"
        )
        for name in ("search", "complete_search", "complete_topics", "complete_events", "answer"):
            print(
                f"  {name:16} p50 {f[name + '_p50']:7.3f} ms   p99 {f[name + '_p99']:7.3f} ms   "
                f"CPU p99 {f[name + '_cpu_p99']:7.3f} ms   ({f[name + '_n']:.0f} calls)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
