"""The content watcher: a failed reload or a failing listener never ends it, and a folder it cannot watch is
retried, with `/healthz` (through `reloader.watching`) saying so meanwhile."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path

from bot.content import Library
from bot.ops.reload import ContentReloader, ReloadResult, watch_content
from tests.ops_support import copy_content, edit


class Served:
    """What the reloader applies to: the library served, as a bot would keep it."""

    def __init__(self) -> None:
        self.library: Library | None = None

    async def apply(self, library: Library) -> bool:
        self.library = library
        return False


async def _until(predicate: Callable[[], bool], within: float = 10.0) -> None:
    # The watcher reacts to the file system, which signals nothing the test could await: poll, bounded.
    async with asyncio.timeout(within):
        while not predicate():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def test_the_watcher_outlives_a_refused_reload_and_a_failing_listener(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    served = Served()
    reloader = ContentReloader(content, served.apply)
    results: list[ReloadResult] = []

    async def listener(result: ReloadResult) -> None:
        results.append(result)
        raise RuntimeError("a listener that breaks")

    stop = asyncio.Event()
    task = asyncio.create_task(watch_content(reloader, listener, debounce_ms=50, stop=stop))
    try:
        await _until(lambda: reloader.watching is True)
        edit(content / "pack.yaml", 'version: "1.0.0"', "version: [")
        await _until(lambda: len(results) >= 1)
        assert not results[-1].ok and served.library is None
        edit(content / "pack.yaml", "version: [", 'version: "1.0.1"')
        await _until(lambda: served.library is not None)
        assert served.library is not None and served.library.pack.version == "1.0.1"
        assert reloader.watching is True
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    assert reloader.watching is None


async def test_a_folder_that_cannot_be_watched_is_retried(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    moved = tmp_path / "elsewhere"
    shutil.move(content, moved)
    served = Served()
    reloader = ContentReloader(content, served.apply)
    task = asyncio.create_task(watch_content(reloader, debounce_ms=50, retry_seconds=0.05))
    try:
        await _until(lambda: reloader.watching is False)
        shutil.move(moved, content)
        await _until(lambda: reloader.watching is True)
        edit(content / "pack.yaml", 'version: "1.0.0"', 'version: "1.0.2"')
        await _until(lambda: served.library is not None)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert reloader.watching is None
