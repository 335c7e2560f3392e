"""Search answers: the best matches with their breadcrumbs and bold matched words, or "did you mean".

Every result and suggestion gets a button. Topics and timeline events open through the page buttons' own
custom_id (`nir:page:<key>:<page>:…`), so whatever opens a page also opens a search result at the page that
holds the match; a corrected query re-runs the search through `nir:search:…`, handled by the /search cog.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from .. import limits
from ..content import Library
from ..search import BREADCRUMB_SEPARATOR, Hit, Kind, Suggestion
from ..text import clean_text, clip, escape_markdown, squash
from .ids import PREFIX, TIMELINE, Slot, Viewer, key_of, page_id
from .model import ActionRow, Button, ButtonStyle, Embed, Field, Reply
from .text import source_name
from .timeline import event_page
from .topic import point_page

RESULTS_TITLE: Final = "Search: {query}"
NO_RESULTS_TITLE: Final = "Nothing found for {query}"
EMPTY_TITLE: Final = "Search"
QUERY_ROOM: Final = 100
BUTTON_TITLE_ROOM: Final = 32
# The page buttons' slot letter; an "open" button is a jump, so it takes the "first" slot's letter, and
# the others when several hits open the same page.
OPEN_SLOT: Final[Slot] = "f"
OPEN_SLOTS: Final[tuple[Slot, ...]] = ("f", "p", "n", "l")
SEARCH_ACTION: Final = "search"
_USER: Final = r"[0-9]{1,20}"
# A search button's query is made of words and spaces only (see `search_id`), which keeps it parseable.
SEARCH_QUERY_CHARS: Final = r"[^\W_]+(?: [^\W_]+)*"
SEARCH_TEMPLATE: Final = (
    rf"{PREFIX}:{SEARCH_ACTION}:(?P<user>{_USER}):(?P<private>[01]):(?P<query>{SEARCH_QUERY_CHARS})"
)
_WORDS: Final = re.compile(r"[^\W_]+")


def search_id(query: str, viewer: Viewer) -> str | None:
    """The custom_id of a button that searches for `query`, or None when no word of it fits."""
    head = f"{PREFIX}:{SEARCH_ACTION}:{viewer.user_id}:{1 if viewer.private else 0}:"
    room = limits.CUSTOM_ID - len(head)
    kept = ""
    for word in _WORDS.findall(clean_text(query)):
        candidate = f"{kept} {word}" if kept else word
        if len(candidate) > room:
            break
        kept = candidate
    return head + kept if kept else None


def shown_query(query: str) -> str:
    """The user's query as it may appear in a title: one line, clipped, inert, in quotes."""
    text = clip(squash(clean_text(query)), QUERY_ROOM)
    return f"“{escape_markdown(text)}”" if text else "“”"


class _Pages:
    """Which page shows a hit, laying each document out at most once per answer.

    A large timeline takes a while to lay out, and several hits may point into it.
    """

    def __init__(self, library: Library) -> None:
        self.library = library
        self._event_index: dict[str, int] | None = None

    def _timeline_page(self, event_id: str) -> int | None:
        if self._event_index is None:
            self._event_index = {e.id: i for i, e in enumerate(self.library.timeline)}
        index = self._event_index.get(event_id)
        return None if index is None else event_page(self.library, index)

    def of(self, hit: Hit) -> tuple[str, int] | None:
        if hit.kind is Kind.EVENT:
            page = self._timeline_page(hit.target)
            return None if page is None else (TIMELINE, page)
        topic = self.library.by_id.get(hit.topic)
        if topic is None:
            return None
        page = point_page(self.library, topic, hit.point) if hit.point is not None else 0
        return key_of(topic.id), page


def hit_page(library: Library, hit: Hit) -> tuple[str, int] | None:
    """(custom_id key, page) that shows `hit`: its topic at the point's page, or the timeline at the event's."""
    return _Pages(library).of(hit)


def _label(number: int, title: str) -> str:
    return clip(f"{number}. {clip(squash(title), BUTTON_TITLE_ROOM)}", limits.BUTTON_LABEL)


def _button_rows(buttons: Sequence[Button]) -> tuple[ActionRow, ...]:
    size = limits.BUTTONS_PER_ROW
    kept = buttons[: size * limits.ACTION_ROWS]
    return tuple(ActionRow(tuple(kept[i : i + size])) for i in range(0, len(kept), size))


def _footer(library: Library, text: str) -> str:
    source = source_name(library)
    return clip(f"{text} · Source: {source}", limits.FOOTER_TEXT)


def render_results(
    library: Library, query: str, hits: Sequence[Hit], *, viewer: Viewer, corrected: str | None = None
) -> Reply:
    """The hits as numbered fields (breadcrumb › heading, then the snippet), one "open" button each.

    `corrected` is the query with its typos fixed, when search had to fix them, so the reader knows why the
    bold words differ from what they typed.
    """
    fields: list[Field] = []
    buttons: list[Button] = []
    used: set[str] = set()
    pages = _Pages(library)
    for number, hit in enumerate(hits[: limits.EMBED_FIELDS], start=1):
        name = f"{number}. {hit.breadcrumb}{BREADCRUMB_SEPARATOR}{hit.title}" if hit.breadcrumb else hit.title
        fields.append(
            Field(
                name=clip(escape_markdown(name), limits.FIELD_NAME) or f"{number}.",
                value=clip(hit.snippet, limits.FIELD_VALUE) or "—",
            )
        )
        target = pages.of(hit)
        if target is None:
            continue
        # Two hits on one page would need the same custom_id, which Discord refuses; the page buttons' four
        # slot letters exist to tell otherwise equal ids apart, so each hit still gets its own button.
        custom_id = next(
            (i for i in (page_id(target[0], target[1], viewer, slot) for slot in OPEN_SLOTS) if i not in used), None
        )
        if custom_id is not None:
            used.add(custom_id)
            buttons.append(Button(custom_id, _label(number, hit.title), ButtonStyle.PRIMARY))
    count = len(fields)
    description = f"{count} best match{'es' if count != 1 else ''}; press a number to open it."
    if corrected:
        description = f"Showing matches for {shown_query(corrected)}. {description}"
    embed = Embed(
        title=clip(RESULTS_TITLE.format(query=shown_query(query)), limits.EMBED_TITLE),
        description=description,
        colour=library.pack.colour,
        author=clip(library.pack.title, limits.AUTHOR_NAME) or None,
        fields=tuple(fields),
        footer=_footer(library, "Words in bold are what matched"),
    )
    return Reply(embeds=(embed,), rows=_button_rows(buttons), ephemeral=viewer.private)


def render_suggestions(library: Library, query: str, suggestions: Sequence[Suggestion], *, viewer: Viewer) -> Reply:
    """No match: "did you mean" the corrected words or the closest topics, each a button, never a dead end."""
    lines: list[str] = []
    buttons: list[Button] = []
    used: set[str] = set()
    for suggestion in suggestions:
        custom_id: str | None
        if suggestion.kind is Kind.TERM:
            custom_id = search_id(suggestion.value, viewer)
            line = f"Search for **{escape_markdown(suggestion.label)}**"
            label = clip(f"Search “{squash(suggestion.label)}”", limits.BUTTON_LABEL)
        elif suggestion.kind is Kind.TOPIC and suggestion.value in library.by_id:
            topic = library.by_id[suggestion.value]
            custom_id = page_id(key_of(topic.id), 0, viewer, OPEN_SLOT)
            line = f"**{escape_markdown(suggestion.breadcrumb or topic.short)}** — {escape_markdown(topic.summary)}"
            label = clip(squash(suggestion.label or topic.short), limits.BUTTON_LABEL)
        else:
            continue
        if custom_id is None or custom_id in used or len(buttons) >= limits.BUTTONS_PER_ROW * limits.ACTION_ROWS:
            continue
        used.add(custom_id)
        lines.append(clip(f"• {line}", 400))
        buttons.append(Button(custom_id, label or "Open", ButtonStyle.SECONDARY))
    blank = not squash(clean_text(query))
    intro = (
        "Type a word or two to search the document. Or start here:"
        if blank
        else "Nothing in the document matches that. Did you mean:"
    )
    embed = Embed(
        title=clip(EMPTY_TITLE if blank else NO_RESULTS_TITLE.format(query=shown_query(query)), limits.EMBED_TITLE),
        description=clip("\n".join([intro, *lines]), limits.EMBED_DESCRIPTION),
        colour=library.pack.colour,
        author=clip(library.pack.title, limits.AUTHOR_NAME) or None,
        footer=_footer(library, "Try fewer or other words"),
    )
    return Reply(embeds=(embed,), rows=_button_rows(buttons), ephemeral=viewer.private)
