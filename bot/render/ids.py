"""The custom_id scheme: every button and select carries its whole state, so no view is kept per message.

    nir:page:<key>:<page>:<user>:<private>:<slot>   first/previous/next/last; <slot> keeps the four distinct
    nir:pos:<key>:<page>:<user>:<private>           the disabled "n/m" label (Discord wants every id unique)
    nir:jump:<key>:<user>:<private>                 the jump menu; each option's value is a `Target`

<key> names what is paged: a topic id, `@timeline`, `@picture` (the timeline drawn) or `@topics`; `^` before a
topic id or `@timeline` names the source paragraphs that answer stands on (the "Source" button opens its first
page). A jump-menu value is a
topic key, `@<event key>` (that moment in full) or `<topic key>#<n>` (point n of that topic in full). Ids too
long to fit are replaced by a stable hash (`~` + 16 hex digits), so a click still finds its topic after a restart or a
reload. <user> is the invoker's id; <private> is 1 when the message is ephemeral.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from .. import limits
from .mentions import NO_COMMAND_IDS, Mentions

PREFIX: Final = "nir"
TIMELINE: Final = "@timeline"
PICTURE: Final = "@picture"
CONTENTS: Final = "@topics"
EVENT_MARK: Final = "@"
SOURCE_MARK: Final = "^"
POINTS_MARK: Final = "#"
# Topic ids are [a-z0-9-]; longer than this they are hashed to keep every custom_id within 100 characters.
MAX_PLAIN_KEY: Final = 40
MAX_PAGE_DIGITS: Final = 6

Slot = Literal["f", "p", "n", "l"]

_ITEM_KEY: Final = rf"(?:~[0-9a-f]{{16}}|[a-z0-9-]{{1,{MAX_PLAIN_KEY}}})"
KEY_PATTERN: Final = rf"(?:@timeline|@picture|@topics|\^@timeline|\^?{_ITEM_KEY})"
_USER: Final = r"[0-9]{1,20}"
_PLAIN_KEY: Final = re.compile(rf"[a-z0-9-]{{1,{MAX_PLAIN_KEY}}}")
PAGE_TEMPLATE: Final = (
    rf"{PREFIX}:page:(?P<key>{KEY_PATTERN}):(?P<page>[0-9]{{1,{MAX_PAGE_DIGITS}}}):"
    rf"(?P<user>{_USER}):(?P<private>[01]):(?P<slot>[fpnl])"
)
POSITION_TEMPLATE: Final = (
    rf"{PREFIX}:pos:(?P<key>{KEY_PATTERN}):(?P<page>[0-9]{{1,{MAX_PAGE_DIGITS}}}):"
    rf"(?P<user>{_USER}):(?P<private>[01])"
)
JUMP_TEMPLATE: Final = rf"{PREFIX}:jump:(?P<key>{KEY_PATTERN}):(?P<user>{_USER}):(?P<private>[01])"


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who a reply is for, and whether only they see it; both ride along in every custom_id."""

    user_id: int
    private: bool = False
    # The command ids of the scope the reply is read in, so "Related" can name commands clickably. Not part
    # of any custom_id: a click looks them up again.
    commands: Mentions = NO_COMMAND_IDS


def key_of(item_id: str) -> str:
    """The short, stable form of a topic or event id used inside custom_ids and option values."""
    if _PLAIN_KEY.fullmatch(item_id):
        return item_id
    return "~" + hashlib.blake2b(item_id.encode(), digest_size=8).hexdigest()


def find_by_key(key: str, ids: Iterable[str]) -> str | None:
    """The id among `ids` whose key is `key`, or None when it is gone (a stale click)."""
    for item_id in ids:
        if key_of(item_id) == key:
            return item_id
    return None


def _flag(viewer: Viewer) -> str:
    return "1" if viewer.private else "0"


def page_id(key: str, page: int, viewer: Viewer, slot: Slot) -> str:
    return _checked(f"{PREFIX}:page:{key}:{page}:{viewer.user_id}:{_flag(viewer)}:{slot}")


def position_id(key: str, page: int, viewer: Viewer) -> str:
    return _checked(f"{PREFIX}:pos:{key}:{page}:{viewer.user_id}:{_flag(viewer)}")


def jump_id(key: str, viewer: Viewer) -> str:
    return _checked(f"{PREFIX}:jump:{key}:{viewer.user_id}:{_flag(viewer)}")


def event_target(event_id: str) -> str:
    """A jump-menu value that opens the timeline at one event (topic values are plain keys)."""
    return EVENT_MARK + key_of(event_id)


def source_key(key: str) -> str:
    """The key of the source paragraphs behind what `key` names (a topic key or `@timeline`)."""
    return SOURCE_MARK + key


def point_target(key: str, index: int) -> str:
    """A jump-menu value that opens point `index` (0-based) of the topic `key` in full."""
    return f"{key}{POINTS_MARK}{index}"


def _checked(custom_id: str) -> str:
    # Keys, pages and user ids are bounded above, so this holds by construction; fail loudly if not.
    if len(custom_id) > limits.CUSTOM_ID:
        raise ValueError(f"custom_id longer than {limits.CUSTOM_ID}: {custom_id!r}")
    return custom_id
