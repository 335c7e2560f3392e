"""Time and change notification for the simulator.

:class:`SimClock` is the loop's monotonic clock plus an offset that tests can move forward, so the 15-minute
token lifetime (or the 3-second deadline) can be crossed without waiting. :class:`Notifier` wakes every waiter
whenever the simulator's state changes, so tests wait for conditions instead of sleeping.
"""

from __future__ import annotations

import asyncio
import datetime
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class SimClock:
    """Monotonic seconds (and wall-clock datetimes) that :meth:`advance` can push forward."""

    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> float:
        """Monotonic seconds, including every :meth:`advance`."""
        return time.monotonic() + self._offset

    def utcnow(self) -> datetime.datetime:
        return datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=self._offset)

    def advance(self, seconds: float) -> None:
        """Pretend ``seconds`` have passed (deadlines and token lifetimes are measured on this clock)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds

    @property
    def offset(self) -> float:
        return self._offset


def iso8601(moment: datetime.datetime) -> str:
    """Discord's timestamp format: ``2024-05-01T12:00:00.123000+00:00``."""
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


class Notifier:
    """A change counter with waiters: :meth:`notify` after every change, :meth:`wait_for` a condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.version = 0

    def notify(self) -> None:
        self.version += 1
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait_for(self, predicate: Callable[[], T | None], within: float | None = 5.0) -> T:
        """Return ``predicate()``'s first truthy value, re-checking after every change.

        Raises ``TimeoutError`` if it stays falsy for ``within`` seconds (``None`` waits forever).
        """
        async with asyncio.timeout(within):
            while True:
                event = self._event
                value = predicate()
                if value:
                    return value
                await event.wait()
