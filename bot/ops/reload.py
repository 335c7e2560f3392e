"""Reloading the content pack while the bot serves: validate first, swap whole, keep the old pack on any error."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from ..content import ContentError, Library, Problem, load_library

log = logging.getLogger(__name__)

CommandSignature = tuple[tuple[str, str | None, str | None, str | None, tuple[tuple[str, str], ...]], ...]


def command_signature(library: Library) -> CommandSignature:
    """Everything about a pack that shapes the slash commands Discord knows; a change here needs a sync."""
    return tuple(
        (
            t.command or "",
            t.description,
            t.option.name if t.option else None,
            t.option.description if t.option else None,
            tuple((c.id, c.choice or "") for c in library.children(t)),
        )
        for t in library.commands
    )


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

    `swap` installs a new library (and whatever is derived from it); `on_commands_changed` re-registers the
    commands and runs the hash-guarded sync when the pack's command set differs from the one serving;
    `on_result` hears about every reload, whoever asked for it (the watcher, /reload, the playground).
    """

    def __init__(
        self,
        content_dir: Path,
        current: Callable[[], Library],
        swap: Callable[[Library], None],
        on_commands_changed: Callable[[], Awaitable[None]] | None = None,
        on_result: Callable[[ReloadResult], None] | None = None,
    ) -> None:
        self.content_dir = content_dir
        self._current = current
        self._swap = swap
        self._on_commands_changed = on_commands_changed
        self._on_result = on_result
        self._lock = asyncio.Lock()
        self.last: ReloadResult | None = None

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    async def reload(self) -> ReloadResult:
        result = await self._reload()
        if self._on_result is not None:
            self._on_result(result)
        return result

    async def _reload(self) -> ReloadResult:
        async with self._lock:
            started = time.perf_counter()
            try:
                # Parsing is CPU work on files: keep it off the event loop so heartbeats and answers go on.
                library = await asyncio.to_thread(load_library, self.content_dir)
            except ContentError as exc:
                result = ReloadResult(False, None, exc.problems, seconds=time.perf_counter() - started)
                log.warning("%s:\n%s", result.summary(), exc)
                self.last = result
                return result
            changed = command_signature(library) != command_signature(self._current())
            self._swap(library)
            if changed and self._on_commands_changed is not None:
                await self._on_commands_changed()
            result = ReloadResult(True, library.pack.version, (), changed, time.perf_counter() - started)
            log.info("%s", result.summary())
            self.last = result
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
) -> None:
    """Reload whenever a file of the pack changes, until cancelled or `stop` is set.

    Bursts of writes (an editor saving several files, a `git checkout`) are folded into one reload.
    """
    from watchfiles import awatch

    log.info("watching %s for content changes", reloader.content_dir)
    async for changes in awatch(
        reloader.content_dir,
        watch_filter=lambda _change, path: _is_content_file(path),
        debounce=debounce_ms,
        stop_event=stop,
    ):
        log.info("content changed: %s", ", ".join(sorted({Path(p).name for _, p in changes})))
        result = await reloader.reload()
        if on_result is not None:
            await on_result(result)
