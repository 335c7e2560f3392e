"""Names from headings: topic ids, slash command names, choice labels and aliases, each valid and unique."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Final

from ... import limits
from ...text import clip

# The bot's own slash commands (cogs/meta.py, search.py, timeline.py, admin.py): a topic may not take their names.
BOT_COMMANDS: Final = frozenset({"search", "topics", "help", "about", "timeline", "reload"})
# Topic commands share a scope with the bot's own.
MAX_TOPIC_COMMANDS: Final = limits.COMMANDS_PER_SCOPE - len(BOT_COMMANDS)
ID_CHARS: Final = 40
# Short enough that 25 labels and their values stay far below a command's 4000 characters.
CHOICE_CHARS: Final = 60
STOP_WORDS: Final = frozenset(
    {
        *("a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how", "in", "into", "is", "it", "its"),
        *("of", "on", "or", "our", "the", "their", "this", "to", "was", "what", "when", "where", "which", "who"),
        *("why", "with", "your", "you", "we"),
    }
)
_WORD: Final = re.compile(r"[a-z0-9]+")


def ascii_words(text: str) -> list[str]:
    """The words of `text` in lower-case ASCII: accents dropped, apostrophes closed up, other scripts lost."""
    folded = unicodedata.normalize("NFKD", text.replace("’", "").replace("'", ""))
    plain = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return _WORD.findall(plain.encode("ascii", "ignore").decode())


def slug(text: str, limit: int) -> str:
    """Significant words joined by dashes, whole words only, within `limit` characters ("" if none)."""
    words = significant(text)
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or (words[0][:limit] if words else "")


def significant(text: str) -> list[str]:
    words = ascii_words(text)
    return [w for w in words if w not in STOP_WORDS] or words


class Names:
    """Hands out unique names: each is the wanted one, or it with the lowest free `-2`, `-3`… suffix."""

    def __init__(self, taken: Iterable[str] = (), limit: int = ID_CHARS) -> None:
        self.taken = set(taken)
        self.limit = limit

    def claim_words(self, text: str | None, fallback: str) -> str:
        """The fewest leading significant words of `text` that make a free name (as `/objectives` for
        "Objectives of NATO's Involvement in Iraq"), or a numbered name when every prefix is taken."""
        words = significant(text) if text else []
        name = ""
        for word in words:
            candidate = f"{name}-{word}" if name else word[: self.limit]
            if len(candidate) > self.limit:
                break
            name = candidate
            if name not in self.taken:
                self.taken.add(name)
                return name
        return self.claim(slug(text, self.limit) if text else "", fallback)

    def claim(self, wanted: str, fallback: str) -> str:
        base = wanted or fallback
        name, copy = base, 1
        while name in self.taken:
            copy += 1
            suffix = f"-{copy}"
            name = base[: self.limit - len(suffix)].rstrip("-") + suffix
        self.taken.add(name)
        return name


def choice_label(heading: str, taken: set[str]) -> str:
    """The label of a part in its parent's option: the heading, shortened, unique (case-insensitive) there."""
    base = clip(heading, CHOICE_CHARS)
    label, copy = base, 1
    while label.casefold() in taken:
        copy += 1
        label = f"{clip(heading, CHOICE_CHARS - 4)} [{copy}]"
    taken.add(label.casefold())
    return label


def aliases(heading: str | None, command: str | None) -> list[str]:
    """Other words for a topic, from its heading: its significant words, and the heading itself when short."""
    if not heading:
        return []
    out: list[str] = []
    words = re.findall(r"[\w’'-]+", heading)
    for word in words:
        plain = word.strip("’'-")
        if len(plain) >= 3 and plain.lower() not in STOP_WORDS and plain.lower() not in (a.lower() for a in out):
            out.append(plain.lower() if plain[1:].islower() or plain.islower() else plain)
    if 1 < len(words) <= 6 and len(heading) <= limits.CHOICE_NAME:
        out.append(heading)
    return [a for a in out if a != command][:8]
