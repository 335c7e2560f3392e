"""Reloading the content pack while the bot serves: validate first, swap whole, keep the old pack on any error."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..content import ContentError, Library, Problem, load_library
from ..content.heap import give_back, release_retired

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReloadResult:
    ok: bool
    version: str | None
    problems: tuple[Problem, ...] = ()
    commands_changed: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        if not self.ok:
            count = len(self.problems)
            return f"reload refused: {count} problem{'s' if count != 1 else ''}; still serving the previous pack"
        extra = " (commands changed)" if self.commands_changed else ""
        return f"reloaded pack {self.version} in {self.seconds * 1000:.0f} ms{extra}"


class ContentReloader:
    """Serialises reloads so two at once can never interleave, and reports what happened.

    `apply` makes a new library the one served, with everything derived from it (search index, commands),
    all or nothing: it raises `ContentError` (or any error, when Discord refuses a sync) and leaves the old
    library serving, or returns whether the slash commands changed. `on_result` hears about every reload,
    whoever asked for it (the watcher, /reload, the playground).
    """

    def __init__(
        self,
        content_dir: Path,
        apply: Callable[[Library], Awaitable[bool]],
        on_result: Callable[[ReloadResult], None] | None = None,
    ) -> None:
        self.content_dir = content_dir
        self._apply = apply
        self._on_result = on_result
        self._lock = asyncio.Lock()
        self.last: ReloadResult | None = None
        # None while nobody watches the folder; False while a watcher is trying to get it back.
        self.watching: bool | None = None

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    async def reload(self) -> ReloadResult:
        async with self._lock:
            started = time.perf_counter()
            try:
                result = await self._reload(started)
            except ContentError as exc:
                give_back()  # what the refused load read is garbage now, and nothing else will trim it
                result = ReloadResult(False, None, exc.problems, seconds=time.perf_counter() - started)
                log.warning("%s:\n%s", result.summary(), exc)
            except Exception as exc:
                problem = Problem("discord", None, "", f"could not apply the new pack: {exc}")
                result = ReloadResult(False, None, (problem,), seconds=time.perf_counter() - started)
                log.exception("%s", result.summary())
            self.last = result
        if self._on_result is not None:
            self._on_result(result)
        return result

    async def _reload(self, started: float) -> ReloadResult:
        # Parsing is CPU work on files: keep it off the event loop so heartbeats and answers go on.
        library = await asyncio.to_thread(load_library, self.content_dir)
        changed = await self._apply(library)
        # The library served until now is let go: without this it would stay alive beside the new one.
        release_retired()
        result = ReloadResult(True, library.pack.version, (), changed, time.perf_counter() - started)
        log.info("%s", result.summary())
        return result


def _is_content_file(path: str) -> bool:
    # Editors write swap and backup files next to the real one; only the pack's own files matter.
    name = Path(path).name
    return name.endswith((".yaml", ".yml", ".txt")) and not name.startswith((".", "#", "~"))


async def watch_content(
    reloader: ContentReloader,
    on_result: Callable[[ReloadResult], Awaitable[None]] | None = None,
    *,
    debounce_ms: int = 200,
    stop: asyncio.Event | None = None,
    retry_seconds: float = 2.0,
) -> None:
    """Reload whenever a file of the pack changes, until cancelled or `stop` is set.

    Bursts of writes (an editor saving several files, a `git checkout`) are folded into one reload. A failed
    reload is reported and the watching goes on; if the folder itself cannot be watched (gone, unreadable), that
    is logged and tried again, and `reloader.watching` says so for /healthz meanwhile.
    """
    from watchfiles import awatch

    try:
        while stop is None or not stop.is_set():
            log.info("watching %s for content changes", reloader.content_dir)
            reloader.watching = True
            try:
                async for changes in awatch(
                    reloader.content_dir,
                    watch_filter=lambda _change, path: _is_content_file(path),
                    debounce=debounce_ms,
                    stop_event=stop,
                ):
                    await _changed(reloader, changes, on_result)
                return
            except Exception as exc:
                reloader.watching = False
                shown = str(exc) or type(exc).__name__
                log.warning("cannot watch %s (%s); trying again in %.0f s", reloader.content_dir, shown, retry_seconds)
                await asyncio.sleep(retry_seconds)
    finally:
        reloader.watching = None


async def _changed(
    reloader: ContentReloader,
    changes: set[tuple[Any, str]],
    on_result: Callable[[ReloadResult], Awaitable[None]] | None,
) -> None:
    log.info("content changed: %s", ", ".join(sorted({Path(p).name for _, p in changes})))
    result = await reloader.reload()
    if on_result is not None:
        try:
            await on_result(result)
        except Exception:
            # Whoever listens (the playground) must not stop the watching.
            log.exception("a listener of content reloads failed")
