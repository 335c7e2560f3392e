"""Discord snowflakes: 64-bit ids whose top 42 bits are milliseconds since Discord's epoch (2015-01-01)."""

from __future__ import annotations

import itertools
import time

DISCORD_EPOCH_MS = 1_420_070_400_000
_INCREMENT_BITS = 12
_PROCESS_SHIFT = 12
_WORKER_SHIFT = 17
_TIMESTAMP_SHIFT = 22


def snowflake_time_ms(snowflake: int) -> int:
    """Unix time in milliseconds encoded in ``snowflake``."""
    return (snowflake >> _TIMESTAMP_SHIFT) + DISCORD_EPOCH_MS


def shard_for(guild_id: int, shard_count: int) -> int:
    """The shard Discord routes a guild's events to: ``(guild_id >> 22) % shard_count``."""
    return (guild_id >> _TIMESTAMP_SHIFT) % max(shard_count, 1)


class SnowflakeFactory:
    """Makes unique, increasing snowflakes, shaped like Discord's (worker 1, process 0)."""

    def __init__(self, worker: int = 1, process: int = 0) -> None:
        self._worker = worker & 0x1F
        self._process = process & 0x1F
        self._increment = itertools.count()
        self._last = 0

    def make(self, unix_ms: int | None = None) -> int:
        """A new snowflake for ``unix_ms`` (now if omitted), strictly greater than the previous one."""
        ms = int(time.time() * 1000) if unix_ms is None else unix_ms
        value = (
            ((ms - DISCORD_EPOCH_MS) << _TIMESTAMP_SHIFT)
            | (self._worker << _WORKER_SHIFT)
            | (self._process << _PROCESS_SHIFT)
            | (next(self._increment) & ((1 << _INCREMENT_BITS) - 1))
        )
        if unix_ms is None and value <= self._last:
            value = self._last + 1
        self._last = max(self._last, value)
        return value
