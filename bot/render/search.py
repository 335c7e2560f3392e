"""Search answers: the best hit as the answer (the document's sentence, its section and ¶, the command that
opens it), then the other relevant hits; or, when the document is silent, a first line that says so.

Every hit gets a button whose custom_id (`nir:hit:<key>:<point>:<user>:<private>:<query>`) opens its topic at
the page of its point, with that point marked, and carries the query, clipped to whole words, so the page it
opens can offer "Back to results" (`nir:search:…`, which runs the search again): nothing is kept per message,
and both survive a restart. The /search cog handles both ids.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Final

from .. import limits
from ..content import Library
from ..search import Answer, Hit, Kind
from ..text import clean_text, clip, escape_markdown, squash
from .full import render_point
from .ids import CONTENTS, EVENT_MARK, KEY_PATTERN, PREFIX, TIMELINE, Viewer, find_by_key, key_of, page_id
from .model import ActionRow, Button, ButtonStyle, Embed, Field, Reply
from .timeline import event_page, render_timeline
from .topic import command_hint, point_page, render_topic, shown_points

RESULTS_TITLE: Final = "Search: {query}"
EMPTY_TITLE: Final = "Search"
QUERY_ROOM: Final = 100
BUTTON_TITLE_ROOM: Final = 32
SENTENCE_ROOM: Final = 700
OTHER_SENTENCE_ROOM: Final = 400
# When the document is silent, only this many of the closest hits are offered: they answer nothing.
CLOSEST: Final = 3
BACK_LABEL: Final = "Back to results"
TOPICS_LABEL: Final = "What the document covers"
SEARCH_ACTION: Final = "search"
HIT_ACTION: Final = "hit"
NO_POINT: Final = "-"
_USER: Final = r"[0-9]{1,20}"
# A query carried in a custom_id is made of words and spaces only (see `search_id`), which keeps it parseable.
SEARCH_QUERY_CHARS: Final = r"[^\W_]+(?: [^\W_]+)*"
SEARCH_TEMPLATE: Final = (
    rf"{PREFIX}:{SEARCH_ACTION}:(?P<user>{_USER}):(?P<private>[01]):(?P<query>{SEARCH_QUERY_CHARS})"
)
HIT_TEMPLATE: Final = (
    rf"{PREFIX}:{HIT_ACTION}:(?P<key>{EVENT_MARK}?{KEY_PATTERN}):(?P<point>[0-9]{{1,6}}|{NO_POINT}):"
    rf"(?P<user>{_USER}):(?P<private>[01]):(?P<query>(?:{SEARCH_QUERY_CHARS})?)"
)
_WORDS: Final = re.compile(r"[^\W_]+")


def _fitting_words(query: str, room: int) -> str:
    kept = ""
    for word in _WORDS.findall(clean_text(query)):
        candidate = f"{kept} {word}" if kept else word
        if len(candidate) > room:
            break
        kept = candidate
    return kept


def search_id(query: str, viewer: Viewer) -> str | None:
    """The custom_id of a button that searches for `query`, or None when no word of it fits."""
    head = f"{PREFIX}:{SEARCH_ACTION}:{viewer.user_id}:{1 if viewer.private else 0}:"
    kept = _fitting_words(query, limits.CUSTOM_ID - len(head))
    return head + kept if kept else None


def hit_key(hit: Hit) -> str:
    """What a hit's button names: its topic's key, or `@` and its event's key."""
    return EVENT_MARK + key_of(hit.target) if hit.kind is Kind.EVENT else key_of(hit.topic)


def hit_id(hit: Hit, query: str, viewer: Viewer) -> str:
    """The custom_id of the button that opens `hit`, marked, carrying as much of `query` as fits."""
    point = NO_POINT if hit.point is None else str(hit.point)
    head = f"{PREFIX}:{HIT_ACTION}:{hit_key(hit)}:{point}:{viewer.user_id}:{1 if viewer.private else 0}:"
    return head + _fitting_words(query, limits.CUSTOM_ID - len(head))


def shown_query(query: str) -> str:
    """The user's query as it may appear in a title: one line, clipped, inert, in quotes."""
    text = clip(squash(clean_text(query)), QUERY_ROOM)
    return f"“{escape_markdown(text)}”" if text else "“”"


def _as_typed(query: str, word: str) -> str:
    """`word` (casefolded, as search reads it) as the member typed it, e.g. "France"."""
    for typed in _WORDS.findall(clean_text(query)):
        if typed.casefold() == word:
            return str(typed)
    return word


def _quoted_words(query: str, found: Sequence[str]) -> str:
    shown = [f"“{escape_markdown(_as_typed(query, w))}”" for w in found]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


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
    source = library.source.title or library.pack.source_title
    return clip(f"{text} · Source: {source}", limits.FOOTER_TEXT)


def _clip_bold(text: str, limit: int) -> str:
    """Clip markdown whose only formatting is **bold**, closing a bold run the cut left open."""
    clipped = clip(text, limit - 2)
    return clipped + "**" if clipped.count("**") % 2 else clipped


def _where(library: Library, hit: Hit) -> str:
    """`Challenges ¶3 · /challenges`: the sentence's place in the document, and the command that opens it."""
    place = escape_markdown(clip(hit.section or hit.breadcrumb, limits.SHORT_NAME))
    if hit.paragraph is not None:
        place += f" ¶{hit.paragraph}"
    if hit.kind is Kind.EVENT:
        return f"{place} · `/timeline`"
    topic = library.by_id.get(hit.topic)
    return f"{place} · `{command_hint(library, topic)}`" if topic is not None else place


def _hit_fields_and_buttons(
    library: Library, answer: Answer, viewer: Viewer, first: int
) -> tuple[list[Field], list[Button]]:
    fields: list[Field] = []
    buttons: list[Button] = []
    for number, hit in enumerate(answer.hits[: limits.EMBED_FIELDS], start=1):
        if number >= first:
            fields.append(
                Field(
                    name=clip(f"{number}. {squash(hit.title)}", limits.FIELD_NAME) or f"{number}.",
                    value=clip(f"> {_clip_bold(hit.snippet, OTHER_SENTENCE_ROOM)}\n{_where(library, hit)}", 1000),
                )
            )
        if _Pages(library).of(hit) is not None:
            buttons.append(Button(hit_id(hit, answer.query, viewer), _label(number, hit.title), ButtonStyle.PRIMARY))
    return fields, buttons


def _corrections(answer: Answer) -> str:
    if not answer.corrections:
        return ""
    read = "; ".join(
        f"“{escape_markdown(_as_typed(answer.query, typed))}” as “{escape_markdown(used)}”"
        for typed, used in answer.corrections
    )
    return f"Read {read}."


def render_answer(library: Library, answer: Answer, *, viewer: Viewer) -> Reply:
    """The reply to a search: the answer first, or the document's silence first, never a dead end."""
    if not answer.answered:
        return _render_silent(library, answer, viewer=viewer)
    best = answer.hits[0]
    lines = [
        f"**{escape_markdown(clip(squash(best.title), 200))}**",
        f"> {_clip_bold(best.snippet, SENTENCE_ROOM)}",
        f"— {_where(library, best)}",
    ]
    if note := _corrections(answer):
        lines.append(f"-# {note}")
    fields, buttons = _hit_fields_and_buttons(library, answer, viewer, first=2)
    if fields:
        lines.append("\n**Also in the document**")
    embed = Embed(
        title=clip(RESULTS_TITLE.format(query=shown_query(answer.query)), limits.EMBED_TITLE),
        description=clip("\n".join(lines), limits.EMBED_DESCRIPTION),
        colour=library.pack.colour,
        fields=tuple(fields),
        footer=_footer(library, "Quoted verbatim; words in bold are what matched · press a number to open it"),
    )
    return Reply(embeds=(embed,), rows=_button_rows(buttons), ephemeral=viewer.private)


def _render_silent(library: Library, answer: Answer, *, viewer: Viewer) -> Reply:
    """Nothing answers: say so first, naming the words the document lacks; then the closest, labelled."""
    blank = not squash(clean_text(answer.query))
    if blank:
        lines = ["Type a question or a few words to search the document."]
    elif answer.missing:
        lines = [f"The document does not mention {_quoted_words(answer.query, answer.missing)}."]
    else:
        lines = ["Nothing in the document matches that."]
    if note := _corrections(answer):
        lines.append(f"-# {note}")
    closest = dataclasses.replace(answer, hits=answer.hits[:CLOSEST])
    fields, buttons = _hit_fields_and_buttons(library, closest, viewer, first=1)
    if fields:
        lines.append("\n**Closest in the document** (not an answer to all of the question)")
    else:
        lines.append("See `/topics` for what it covers.")
        buttons.append(Button(page_id(CONTENTS, 0, viewer, "f"), TOPICS_LABEL, ButtonStyle.SECONDARY))
    embed = Embed(
        title=clip(EMPTY_TITLE if blank else RESULTS_TITLE.format(query=shown_query(answer.query)), limits.EMBED_TITLE),
        description=clip("\n".join(lines), limits.EMBED_DESCRIPTION),
        colour=library.pack.colour,
        fields=tuple(fields),
        footer=_footer(library, "Try other words"),
    )
    return Reply(embeds=(embed,), rows=_button_rows(buttons), ephemeral=viewer.private)


def _with_back(reply: Reply, query: str, viewer: Viewer) -> Reply:
    back = search_id(query, viewer) if query else None
    if back is None or len(reply.rows) >= limits.ACTION_ROWS:
        return reply
    row = ActionRow((Button(back, BACK_LABEL, ButtonStyle.SECONDARY),))
    return dataclasses.replace(reply, rows=(*reply.rows, row))


def render_hit(library: Library, key: str, point: int | None, viewer: Viewer, query: str = "") -> Reply | None:
    """What a hit's button opens: its topic at the page of `point`, that point marked (an event: the timeline
    at the event, marked), with "Back to results" when `query` is known; None when it names nothing now."""
    if key.startswith(EVENT_MARK):
        event_id = find_by_key(key[len(EVENT_MARK) :], (e.id for e in library.timeline))
        if event_id is None:
            return None
        index = next(i for i, e in enumerate(library.timeline) if e.id == event_id)
        return _with_back(render_timeline(library, viewer=viewer, focus=index), query, viewer)
    topic_id = find_by_key(key, library.by_id)
    if topic_id is None:
        return None
    topic = library.by_id[topic_id]
    if point is not None and not 0 <= point < len(topic.points):
        point = None
    if point is not None and point not in shown_points(library, topic):
        # A point the list folds into the summary: the result opens that point in full instead.
        full = render_point(library, topic, point, viewer)
        if full is not None:
            return _with_back(full, query, viewer)
    page = point_page(library, topic, point) if point is not None else 0
    return _with_back(render_topic(library, topic, page, viewer=viewer, marked=point), query, viewer)


def render_pick(library: Library, kind: Kind, item_id: str, point: int | None, viewer: Viewer) -> Reply | None:
    """What an autocomplete pick opens: that topic at that point (marked), or the timeline at that event."""
    key = EVENT_MARK + key_of(item_id) if kind is Kind.EVENT else key_of(item_id)
    return render_hit(library, key, point, viewer)
