from collections.abc import Callable, Sequence
from typing import Any, final

_Built = tuple[Any, bool, dict[Any, int]] | None

def build(text: bytes, maybe: bytes, resolve: Callable[[str, str | None], Any], max_depth: int, /) -> _Built: ...

@final
class Batch:
    def __init__(
        self, texts: Sequence[bytes], maybe: bytes, resolve: Callable[[str, str | None], Any], max_depth: int, /
    ) -> None: ...
    def build(self) -> _Built: ...
    @property
    def scanned_by_builder(self) -> int: ...
