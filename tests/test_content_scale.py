"""Loading grows linearly with the pack. Counted, not timed: the lines of the loader's own code that run (each
turn of a loop counts) measure its work in a way a busy machine does not blur. Doubling the pack must about double
them; the YAML parser and the C string functions are not counted, and both are linear."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import bot.content
from benchmarks._packs import generate_pack
from bot.content import ContentError, load_library
from bot.settings import SHIPPED_CONTENT_DIR

OURS = str(Path(bot.content.__file__).parent)
# Twice the pack, at most this much more work: a linear count is at most doubled; a quadratic one goes beyond.
LINEAR = 2.1


def work(load: Callable[[], object]) -> int:
    """How many lines of bot/content run while `load` does."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(OURS) else None

    sys.settrace(tracer)
    try:
        load()
    except ContentError:
        pass
    finally:
        sys.settrace(None)
    return count


def load(root: Path) -> Callable[[], object]:
    return lambda: load_library(root)


def test_loading_a_pack_twice_the_size_is_about_twice_the_work(tmp_path: Path) -> None:
    small = work(load(generate_pack(SHIPPED_CONTENT_DIR, tmp_path / "small", 5)))
    large = work(load(generate_pack(SHIPPED_CONTENT_DIR, tmp_path / "large", 10)))
    # Linear work with a fixed part never more than doubles; finding each block by a scan of the source made it
    # 2.28 here.
    assert large / small < LINEAR, (small, large)


def same_start_pack(root: Path, count: int) -> Path:
    shutil.copytree(SHIPPED_CONTENT_DIR, root, ignore=shutil.ignore_patterns("README.md"))
    template = (root / "topics/training.yaml").read_text(encoding="utf-8")
    for n in range(count):
        text = template.replace("id: training", f"id: training-{n}").replace("choice: ", f"choice: {n} ")
        (root / f"topics/training-{n}.yaml").write_text(text, encoding="utf-8")
    return root


def test_many_topics_starting_at_the_same_line_are_linear_work(tmp_path: Path) -> None:
    # 20,000 such topics took 33 s when every topic was compared with every other.
    small = work(load(same_start_pack(tmp_path / "small", 200)))
    large = work(load(same_start_pack(tmp_path / "large", 400)))
    assert large / small < LINEAR, (small, large)  # 2.33 when each start was counted against all the others


def test_every_topic_sharing_a_start_is_named(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        load_library(same_start_pack(tmp_path / "pack", 3))
    shared = [p for p in caught.value.problems if "also starts at source line" in p.message]
    assert sorted(p.file for p in shared) == [
        "topics/training-0.yaml",
        "topics/training-1.yaml",
        "topics/training-2.yaml",
        "topics/training.yaml",
    ]


def unknown_keys_pack(root: Path, count: int) -> Path:
    shutil.copytree(SHIPPED_CONTENT_DIR, root, ignore=shutil.ignore_patterns("README.md"))
    extra = "".join(f"k{n}: {n}\n" for n in range(count))
    (root / "topics/objectives.yaml").write_text(
        (root / "topics/objectives.yaml").read_text(encoding="utf-8") + extra, encoding="utf-8"
    )
    return root


def test_many_faults_in_one_mapping_are_located_in_linear_work(tmp_path: Path) -> None:
    # Each fault's line was found by scanning its mapping's keys: quadratic in a file with many bad keys.
    small = work(load(unknown_keys_pack(tmp_path / "small", 400)))
    large = work(load(unknown_keys_pack(tmp_path / "large", 800)))
    assert large / small < LINEAR, (small, large)
