"""The interaction benchmark runs end to end at a tiny size, so it cannot rot.

It asserts the shape of what the benchmark prints and writes, and that both bots answered every interaction
without the simulator refusing anything. It never asserts a timing: figures from a shared CI machine mean
nothing at this size; `make bench` is where they are read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "interactions.py"
KINDS = ("slash", "autocomplete", "click")
PHASES = ("sequential", "concurrent", "soak")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    output = tmp_path_factory.mktemp("bench") / "bench.json"
    # The benchmark imports `bot` as `make bench` has it installed; here the checkout itself is enough.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    arguments = ["--n", "20", "--concurrency", "4", "--soak", "50", "--pack-scale", "2", "--starts", "1"]
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *arguments, "--json", str(output)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr[-4000:]}"
    return result, json.loads(output.read_text(encoding="utf-8"))


def test_both_bots_answered_every_interaction(run: tuple[subprocess.CompletedProcess[str], dict[str, Any]]) -> None:
    _, data = run
    for name in ("ours", "bare"):
        bot = data["bots"][name]
        assert bot["sent"] > 0
        assert bot["answered"] == bot["sent"], bot["failures"]
        assert bot["failures"] == []
        assert bot["rejections"] == []
        for phase in PHASES:
            for kind in KINDS:
                tally = bot["phases"][f"{phase}/{kind}"]
                assert tally["count"] > 0
                assert tally["answered"] == tally["count"]
                assert tally["cpu_s"] > 0


def test_both_bots_ran_the_same_mix(run: tuple[subprocess.CompletedProcess[str], dict[str, Any]]) -> None:
    _, data = run
    ours, bare = (data["bots"][name] for name in ("ours", "bare"))
    assert ours["sent"] == bare["sent"]
    assert {k: v["count"] for k, v in ours["phases"].items()} == {k: v["count"] for k, v in bare["phases"].items()}
    assert data["meta"]["args"]["n"] == 20 and data["meta"]["args"]["soak"] == 50


def test_table_and_json_have_the_same_rows(run: tuple[subprocess.CompletedProcess[str], dict[str, Any]]) -> None:
    result, data = run
    rows = data["rows"]
    assert {"section", "metric", "unit", "ours", "bare", "ratio", "diff", "target", "met"} <= set(rows[0])
    metrics = [row["metric"] for row in rows]
    for expected in (
        "time to READY + command sync",
        "RSS at READY",
        "mix: latency p50",
        "mix: latency p99",
        "mix: CPU / interaction",
        "slash: CPU / interaction",
        "autocomplete: CPU / interaction",
        "click: CPU / interaction",
        "RSS growth, in use",
    ):
        assert expected in metrics
    # Both bots have a figure wherever both are measured; the content rows are ours alone.
    for row in rows:
        assert isinstance(row["ours"], int | float)
        if row["section"].startswith("content"):
            assert row["bare"] is None
        else:
            assert isinstance(row["bare"], int | float)
    targets = [row for row in rows if row["target"]]
    assert {row["metric"] for row in targets} >= {"time to READY + command sync", "RSS at READY"}
    assert all(isinstance(row["met"], bool) for row in targets)
    # One table, both bots, every row of the JSON in it.
    assert "ours" in result.stdout and "bare" in result.stdout and "ours vs bare" in result.stdout
    for row in rows:
        assert f"{row['metric']} ({row['unit']})" in result.stdout
    assert data["content"]["scaled"]["scale"] == 2 and data["content"]["scaled"]["topics"] > 0
