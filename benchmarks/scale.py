"""Scale benchmark: the shipped pack at 1×, 10×, 100× and 1000×, each measured in a process of its own.

    .venv/bin/python -m benchmarks.scale [--scales 1 10 100 1000] [--rounds 3] [--repeat 3]

For each scale the pack is written to disk by `benchmarks/_packs.py` (renamed copies of the shipped pack, valid
for the loader), then a fresh process loads and validates it (`load_library` and the coverage report, as
`python -m bot check` does), builds the search index, renders the first reply of the first command (cold, as
the first member to ask would get it), and runs autocomplete (topics, events and search) on every prefix of
what members type. Its resident set is read at the end, so each scale's memory is its own. Each scale is measured
in `--repeat` fresh processes and each figure is the least of them: on a shared machine a run is only ever slowed
by others, never sped up, so the least is the one nearest what the code costs (as `timeit` advises).

Past 100× no valid pack exists (each copy keeps one command, and a scope holds 100), so that row's pack is written
with `beyond_discord=True`: it breaks the 100-command rule and nothing else. Its load does all the work of a valid
one and ends in a `ContentError` naming that one problem, which is what the load column times there (and the
script checks it is that problem and no other). The rest of that row (index, reply, autocomplete) is measured on
the same copies made in memory (`benchmarks.search.scaled`) from the shipped pack.

Targets (issue 15): load + validation linear in the pack; at 100×, ≤ 0.5 s, the index ≤ 0.3 s and RSS ≤ 40 MiB
above 1×; at 1000×, load ≤ 5 s and autocomplete p99 ≤ 10 ms. The script prints figures; nothing asserts them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from benchmarks._memory import resident_kib
from bot.limits import COMMANDS_PER_SCOPE

ROOT: Final = Path(__file__).resolve().parent.parent
SHIPPED: Final = ROOT / "content"
# Wall-clock and CPU time both: on a shared machine the wall clock includes waiting for a core, the CPU time not.
# The CPU time is the process's, every thread's: the loader parses on a second thread while the first checks, so
# a load's CPU time is above its wall time where a second core took that part.
COLUMNS: Final = (
    ("load_s", "load s", "{:.3f}"),
    ("load_cpu_s", "load cpu", "{:.3f}"),
    ("index_s", "index s", "{:.3f}"),
    ("index_cpu_s", "index cpu", "{:.3f}"),
    ("render_ms", "reply ms", "{:.2f}"),
    ("complete_p50_ms", "ac p50 ms", "{:.3f}"),
    ("complete_p99_ms", "ac p99 ms", "{:.3f}"),
    ("complete_cpu_p99_ms", "ac cpu p99", "{:.3f}"),
    ("rss_mib", "RSS MiB", "{:.1f}"),
)


def _timed(call: Any) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of the process, result) of `call()`."""
    start, cpu = time.perf_counter(), time.process_time()
    result = call()
    return time.perf_counter() - start, time.process_time() - cpu, result


def _load_beyond(pack_dir: Path) -> tuple[float, float]:
    """(wall, CPU seconds) of loading a pack that breaks the 100-command rule and nothing else."""
    from bot.content import ContentError, load_library

    def load() -> ContentError | None:
        try:
            load_library(pack_dir)
        except ContentError as exc:
            return exc
        return None

    wall, cpu, refused = _timed(load)
    if refused is None:
        raise RuntimeError("a pack past 100 copies loaded: the benchmark's premise no longer holds")
    if [p.message for p in refused.problems] != [f"more than {COMMANDS_PER_SCOPE} commands"]:
        raise RuntimeError(f"the pack beyond Discord's rule has other problems: {refused.problems[:3]}")
    return wall, cpu


def measure(pack_dir: Path, scale: int, rounds: int, beyond: bool) -> dict[str, Any]:
    """One scale's figures, in this process (run by `--one`, in a process of its own)."""
    from benchmarks.search import TYPED, percentile, prefixes, scaled
    from bot.content import load_library
    from bot.content.report import report
    from bot.render import Viewer, render_topic
    from bot.search import SearchIndex

    figures: dict[str, Any] = {"scale": scale, "baseline_rss_mib": resident_kib() / 1024}
    if not beyond:
        # What `python -m bot check` does: load and validate, then the coverage report.
        wall, cpu, library = _timed(lambda: load_library(pack_dir))
        check_wall, check_cpu, _ = _timed(lambda: report(library))
        figures["load_s"], figures["load_cpu_s"] = wall + check_wall, cpu + check_cpu
    else:
        figures["load_s"], figures["load_cpu_s"] = _load_beyond(pack_dir)
        library = scaled(load_library(SHIPPED), scale)
    figures["topics"] = len(library.topics)
    figures["index_s"], figures["index_cpu_s"], index = _timed(lambda: SearchIndex(library))
    first = library.commands[0]
    render_s, _, _ = _timed(lambda: render_topic(library, first, viewer=Viewer(1)))
    figures["render_ms"] = render_s * 1000
    typed = prefixes(TYPED)
    calls = (index.complete_topics, index.complete_events, index.complete_search)
    for call in calls:
        for query in typed:
            call(query)  # warm, as a running bot is
    samples = [_timed(lambda c=call, q=query: c(q)) for _ in range(rounds) for call in calls for query in typed]
    figures["complete_p50_ms"] = percentile([wall * 1000 for wall, _, _ in samples], 0.50)
    figures["complete_p99_ms"] = percentile([wall * 1000 for wall, _, _ in samples], 0.99)
    figures["complete_cpu_p99_ms"] = percentile([cpu * 1000 for _, cpu, _ in samples], 0.99)
    figures["complete_n"] = len(samples)
    figures["rss_mib"] = resident_kib() / 1024
    index.close()
    return figures


def _one(scale: int, rounds: int, repeat: int, folder: Path) -> dict[str, Any]:
    """Write the pack for `scale` and measure it in `repeat` fresh processes; the least of each figure."""
    from benchmarks._packs import generate_pack

    pack_dir = folder / f"pack-{scale}"
    beyond = scale > COMMANDS_PER_SCOPE
    generate_pack(SHIPPED, pack_dir, scale, beyond_discord=beyond)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "benchmarks.scale", "--one", str(scale), "--rounds", str(rounds)]
    command += ["--dir", str(pack_dir)] + (["--beyond"] if beyond else [])
    runs = []
    for _ in range(repeat):
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=3600)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    figures: dict[str, Any] = {key: min(run[key] for run in runs) for key in runs[0]}
    figures["runs"] = repeat
    if beyond:
        figures["note"] = (
            f"load of a pack that breaks the {COMMANDS_PER_SCOPE}-command rule and nothing else (it ends in that "
            "one problem); index, reply and autocomplete on the same copies made in memory"
        )
    return figures


def table(rows: list[dict[str, Any]]) -> list[str]:
    head = f"{'scale':>6} {'topics':>7} " + " ".join(f"{title:>10}" for _, title, _ in COLUMNS)
    out = [head, "-" * len(head)]
    for row in rows:
        cells = [f"{'—':>10}" if key not in row else f"{fmt.format(row[key]):>10}" for key, _, fmt in COLUMNS]
        out.append(f"{row['scale']:>5}× {row['topics']:>7} " + " ".join(cells))
    base = rows[0] if rows else None
    for before, after in itertools.pairwise(rows):
        factor = after["scale"] / before["scale"]
        ratios = [
            f"{title} ×{after[key] / before[key]:.1f}"
            for key, title, _ in COLUMNS
            if key in before and key in after and key != "rss_mib" and before[key] > 0 and "cpu" not in key
        ]
        grown = after["rss_mib"] - before["rss_mib"]
        out.append(
            f"{before['scale']}× → {after['scale']}× (pack ×{factor:.0f}): {', '.join(ratios)}, RSS {grown:+.1f} MiB"
        )
    if base is not None:
        for row in rows[1:]:
            out.append(f"RSS at {row['scale']}× is {row['rss_mib'] - base['rss_mib']:+.1f} MiB above 1×")
    out += [f"{row['scale']}×: {row['note']}" for row in rows if row.get("note")]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100, 1000])
    parser.add_argument("--rounds", type=int, default=3, help="times each autocomplete prefix runs (after a warm-up)")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per scale; the least figure is shown")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--beyond", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(measure(args.dir, args.one, args.rounds, args.beyond)))
        return 0
    print(
        f"python {sys.version.split()[0]}; each scale in {args.repeat} fresh process(es), the least figure of them; "
        "ac = autocomplete (topics, events, search)"
    )
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as folder:
        rows = []
        for scale in args.scales:
            rows.append(_one(scale, args.rounds, args.repeat, Path(folder)))
            print(f"  {scale}×: done", file=sys.stderr)
    for line in table(rows):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
