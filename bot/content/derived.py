"""Values computed from one library, kept on it and dropped with it.

A `Library` never changes, so nothing derived from it goes stale: a reload builds a new library, which starts
with nothing derived, and the old one takes its derived values with it when it is let go. Renders, the search
index, autocomplete answers and the timeline image all live here rather than in module-level caches.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class Recent:
    """The latest `size` answers of one kind (autocomplete runs on every keystroke, often with the same text)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                found: T = self._answers[key]
                return found
        value = compute()
        with self._lock:
            self._answers[key] = value
            if len(self._answers) > self._size:
                self._answers.popitem(last=False)
        return value


class Derived:
    """One library's derived values, each computed once on first use (from any thread)."""

    def __init__(self) -> None:
        self._values: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value for `key`, computed by `compute` the first time it is asked for."""
        try:
            found: T = self._values[key]
            return found
        except KeyError:
            pass
        # Computed outside the lock: a render may ask for other derived values of the same library.
        value = compute()
        with self._lock:
            kept: T = self._values.setdefault(key, value)
        return kept

    def recent(self, key: Hashable, size: int) -> Recent:
        """A bounded store of recent answers, kept with the library like any other derived value."""
        return self.get(("recent", key), lambda: Recent(size))

    def __contains__(self, key: Hashable) -> bool:
        return key in self._values
