from collections.abc import Callable
from typing import Any

def build(
    text: bytes, maybe: bytes, resolve: Callable[[str, str | None], Any], max_depth: int, /
) -> tuple[Any, bool, dict[Any, int]] | None: ...
