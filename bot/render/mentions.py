"""Commands as Discord shows them clickable, `</name:id>`, once their ids are known; `` `/name` `` before."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

# A command mention is `</name:id>`; an id is a snowflake, at most 20 digits.
MAX_ID: Final = 2**64 - 1


@dataclass(frozen=True, slots=True)
class Mentions:
    """The ids of the slash commands in the scope a reply is read in (name → id), hashable for the caches."""

    ids: tuple[tuple[str, int], ...] = ()

    @classmethod
    def of(cls, ids: Mapping[str, int]) -> Mentions:
        return cls(tuple(sorted((str(n), int(i)) for n, i in ids.items() if 0 < int(i) <= MAX_ID)))

    def get(self, name: str) -> int | None:
        return next((i for n, i in self.ids if n == name), None)

    def command(self, name: str, rest: str = "") -> str:
        """`/name rest` as a mention plus its options in code, or all in code when the id is unknown."""
        found = self.get(name)
        if found is None or not name or any(c in name for c in "<>:\n"):
            return f"`/{name} {rest}`" if rest else f"`/{name}`"
        return f"</{name}:{found}> `{rest}`" if rest else f"</{name}:{found}>"


NO_COMMAND_IDS: Final = Mentions()
