from collections.abc import Callable
from typing import Any

# `rows`: a list of str, or a list of tuples whose items from `first` on are str (checked at the call).
def count(rows: list[Any], first: int, splits: Callable[[int], bool], /) -> tuple[dict[str, int], list[int]]: ...
