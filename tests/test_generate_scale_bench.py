"""The scale benchmark runs at a tiny size, so it cannot rot: the table's shape, never its timings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_scale_benchmark_prints_its_table() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale", "--scales", "1", "2", "101", "--rounds", "1", "--repeat", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("scale"))
    for column in ("load s", "index s", "reply ms", "ac p50 ms", "ac p99 ms", "RSS MiB"):
        assert column in header
    rows = [line for line in lines if re.match(r"^\s*\d+× +\d+ ", line)]
    assert [row.split()[0] for row in rows] == ["1×", "2×", "101×"]
    assert [int(row.split()[1]) for row in rows] == [16, 32, 1616]
    # 101 copies do not fit one pack's 100 commands: that row's load is of a pack that breaks only that rule
    # (the benchmark itself refuses any other problem), and the table says so.
    assert all(float(row.split()[2]) > 0 for row in rows)
    assert any(line.startswith("101×: load of a pack that breaks the 100-command rule") for line in lines)
    assert any(line.startswith("1× → 2× (pack ×2)") for line in lines)
