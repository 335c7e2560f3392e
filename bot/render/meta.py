"""The answers about the bot itself: the table of contents, help, about, and short notices."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from .. import limits
from ..content import Library
from ..text import clip, squash
from .ids import CONTENTS, Viewer, key_of
from .model import Embed, Field, Reply
from .pages import Document, entry, option, render_document
from .text import join_fitting
from .topic import command_hint

CONTENTS_TITLE: Final = "Contents"
# Header rooms that keep each embed under the 6000-character total whatever the pack holds.
HELP_DESCRIPTION_ROOM: Final = 1500
ABOUT_DESCRIPTION_ROOM: Final = 2000
# Discord rejects an embed whose url is not a URL; the loader checks the pack's, this guards hand-made ones.
_LINK: Final = re.compile(r"https?://\S{1,2000}")


def render_contents(
    library: Library, page: int = 0, *, viewer: Viewer, others: Sequence[tuple[str, str]] = ()
) -> Reply:
    """Every command with its summary, each part indented under its parent's command.

    `others` are the commands that are not topics (name, description), e.g. /timeline and /search: the
    caller reads them from the command tree, so the list names exactly the commands there are.
    """
    entries = []
    for topic in library.commands:
        lines = [squash(topic.summary)]
        for child_id in topic.children:
            child = library.by_id.get(child_id)
            if child is not None:
                lines.append(f"↳ `{command_hint(library, child)}` — {squash(child.summary)}")
        value = join_fitting(lines, "\n", limits.FIELD_VALUE)
        entries.append(entry(f"/{topic.command} — {topic.short}", value, fallback=f"/{topic.command}"))
    if others:
        lines = [f"`/{name}` — {squash(what)}" for name, what in others]
        entries.append(entry("More commands", join_fitting(lines, "\n", limits.FIELD_VALUE)))
    document = Document(
        key=CONTENTS,
        title=CONTENTS_TITLE,
        description=(
            f"Everything I can answer about *{clip(library.source.title or library.pack.source_title, 100)}*. "
            "Add `private:True` to a topic command to see the answer on your own."
        ),
        colour=library.pack.colour,
        source_title=library.source.title or library.pack.source_title,
        entries=tuple(entries),
        author=library.pack.title,
        # A table of contents reads best whole, so only Discord's own limits break it into pages.
        reading_chars=limits.EMBED_TOTAL,
        reading_fields=limits.EMBED_FIELDS,
    )
    jumps = tuple(option(t.short or t.command or t.id, key_of(t.id), squash(t.summary)) for t in library.commands)
    return render_document(document, page, viewer, jump=jumps)


def render_help(library: Library) -> Reply:
    """How to use the bot, with examples drawn from the pack itself, shown only to the asker."""
    commands = library.commands
    fields: list[Field] = []
    if commands:
        examples = [f"`/{t.command}` — {squash(t.description or t.summary)}" for t in commands[:3]]
        fields.append(Field("Ask about a topic", join_fitting(examples, "\n", limits.FIELD_VALUE)))
    parent = next((t for t in commands if t.option is not None and t.children), None)
    if parent is not None and parent.option is not None:
        child = library.by_id.get(parent.children[0])
        if child is not None:
            fields.append(
                Field(
                    "Open one part",
                    clip(
                        f"`{command_hint(library, child)}` — pick the `{parent.option.name}` option to go "
                        f"straight to one part of /{parent.command}.",
                        limits.FIELD_VALUE,
                    ),
                )
            )
    era = library.timeline[0].when if library.timeline else None
    fields.append(
        Field(
            "Follow the timeline",
            clip(
                "`/timeline` lists the moments the document names, in its order."
                + (f" `/timeline era:{era}` opens at one of them; start typing to see suggestions." if era else ""),
                limits.FIELD_VALUE,
            ),
        )
    )
    fields.append(
        Field(
            "Keep it to yourself",
            "Add `private:True` to any topic or `/timeline` and only you will see the answer.",
        )
    )
    fields.append(
        Field(
            "Turn pages and jump",
            "Long answers have ⏮ ◀ ▶ ⏭ buttons, and the menu under them jumps to related topics. "
            "When you press them on someone else's answer, you get your own private copy.",
        )
    )
    fields.append(Field("See everything", "`/topics` lists every command; `/about` tells where the answers come from."))
    embed = Embed(
        title="How to use me",
        description=clip(
            f"I answer questions about *{library.source.title or library.pack.source_title}* with its key points, "
            "each backed by a verbatim quote and the paragraph it comes from.",
            HELP_DESCRIPTION_ROOM,
        ),
        colour=library.pack.colour,
        author=clip(library.pack.title, limits.AUTHOR_NAME) or None,
        fields=tuple(fields),
    )
    return Reply(embeds=(embed,), ephemeral=True)


def render_about(library: Library) -> Reply:
    """What the pack is, which document it comes from, and how much of the document it quotes."""
    pack = library.pack
    points = sum(len(t.points) for t in library.topics)
    quoted_count = len(library.quoted_paragraphs)
    total = library.source.paragraph_count
    contents = (
        f"{len(library.topics)} topics ({len(library.commands)} commands) · {points} key points · "
        f"{quoted_count} of {total} paragraphs quoted · {len(library.timeline)} timeline events"
    )
    fields = [
        Field("Source document", clip(library.source.title or pack.source_title, 300) or "—"),
        Field("Pack version", clip(pack.version, 100) or "—"),
        Field("Contents", contents),
    ]
    if pack.url and pack.url.strip():
        fields.append(Field("Project", clip(pack.url, limits.FIELD_VALUE)))
    embed = Embed(
        title=clip(pack.title, limits.EMBED_TITLE) or "About",
        description=clip(pack.description, ABOUT_DESCRIPTION_ROOM) or None,
        colour=pack.colour,
        url=pack.url if pack.url and _LINK.fullmatch(pack.url) else None,
        fields=tuple(fields),
        footer="Every answer quotes the source and names the paragraph it comes from.",
    )
    return Reply(embeds=(embed,))


def render_notice(text: str) -> Reply:
    """A short private answer: a stale button, a value I do not know, an error."""
    return Reply(content=clip(text, limits.CONTENT) or "…", ephemeral=True)
