"""The message benchmark runs end to end at a tiny size, so it cannot rot; its figures are read in `make bench`."""

from __future__ import annotations

from benchmarks.messages import measure


async def test_the_message_benchmark_measures_both_clients() -> None:
    floor, spent = await measure(20)
    assert floor > 0 and spent > 0
