from collections.abc import Callable
from typing import Any

def read(
    compiled: tuple[Any, ...],
    data: dict[Any, Any],
    path: tuple[str | int, ...],
    rules: dict[type, Callable[[Any], None]] | None,
    record: type,
    /,
) -> Any: ...
def build(compiled: tuple[Any, ...], record: Any, given: dict[str, Any], /) -> Any: ...
