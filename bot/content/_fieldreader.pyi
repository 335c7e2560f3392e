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

# None where a field the loader must give was not given (fields.py's `_build` then says which).
def build(compiled: tuple[Any, ...], record: Any, given: dict[str, Any], /) -> Any: ...
