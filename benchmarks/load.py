"""Load benchmark: `load_library` (reading, parsing, validation, freezing) at 1x, 100x and 1000x the shipped pack.

    .venv/bin/python -m benchmarks.load [--scales 1 100 1000] [--rounds 3]

Packs come from `benchmarks/_packs.py`, written to a temporary folder once per scale. Past 100x no valid pack can
exist (100 commands of 25 parts), so the 1000x pack breaks the 100-command limit and nothing else: its load does
all the work and ends in a ContentError with that one problem, which is what is timed. Wall and CPU time are both
printed (CPU time is less blurred by a busy machine); the minimum of the rounds is the figure to read.

Targets: load + validation ≤ 0.5 s at 100x, ≤ 5 s at 1000x, growing linearly.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from benchmarks._packs import generate_pack
from bot.content import ContentError, load_library

SHIPPED: Final = Path(__file__).resolve().parent.parent / "content"


def measure(root: Path, rounds: int) -> tuple[float, float, str]:
    """(best wall seconds, best CPU seconds, what the load ended in)."""
    walls, cpus = [], []
    outcome = ""
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            library = load_library(root)
            outcome = f"{len(library.topics)} topics, {len(library.timeline)} events"
        except ContentError as exc:
            outcome = f"{len(exc.problems)} problem(s): {exc.problems[0]}"
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), outcome


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"{'scale':>6} {'wall s':>8} {'cpu s':>8}  outcome")
    for scale in args.scales:
        with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
            root = SHIPPED if scale == 1 else generate_pack(SHIPPED, Path(tmp) / "pack", scale, beyond_discord=True)
            wall, cpu, outcome = measure(root, args.rounds)
        print(f"{scale:>5}x {wall:8.3f} {cpu:8.3f}  {outcome}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
