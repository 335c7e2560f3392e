"""Handing the memory a load has finished with back to the system.

Loading a large pack makes far more short-lived objects (file texts, parsed documents, records) than the library
it keeps. Python frees them, but the C allocator keeps the freed pages in its heap for reuse, so the process's
resident set stays at the loading peak for as long as the bot runs. Asking the allocator to trim is what makes
the resident set follow what is actually kept.
"""

from __future__ import annotations

import functools
import gc
import sys
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    # malloc_trim is glibc's own: where the C library is another (musl, macOS, Windows) there is nothing to
    # call, and giving back is left to that allocator.
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        # The C library the interpreter already runs on, not another copy of it.
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def give_back() -> None:
    """Return the C heap's free pages to the system. The cost grows with the heap: 2 to 20 ms after a load of
    100x the shipped pack, near a second after one of 1000x; so it is done once a new library is in place."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


_paused = False


def pause_collection() -> None:
    """Start-up makes objects that live as long as the process (modules, the library, discord.py's state):
    collecting while it runs only scans them again and again (some 120 collections, 70 to 100 ms, on the way
    to serving the shipped pack). `settle()` ends the pause."""
    global _paused
    _paused = True
    gc.disable()


def settle() -> None:
    """End the start-up's pause, if there is one: what start-up made is frozen, so that no later collection
    scans it again (and a member's answer never waits for a full one over it), and collecting resumes. Where
    nothing paused collection (a test, an embedding program), it does nothing, even while a load in another
    thread has collection off for itself."""
    global _paused
    if not _paused:
        return
    _paused = False
    gc.freeze()
    gc.enable()


def release_retired() -> None:
    """Free what a swapped-out library still holds, then give the memory back.

    A library and the values derived from it refer to each other (the search index keeps its library), so a
    retired library is freed only by a full garbage collection, which a heap this size may not run for a long
    time: without one, every reload would add a whole library to the resident set. The library served since
    start-up is frozen with it (`settle`), out of the collector's sight, so it is thawed for this collection.
    """
    frozen = gc.get_freeze_count() > 0
    if frozen:
        gc.unfreeze()
    gc.collect()
    if frozen:
        gc.freeze()
    give_back()
