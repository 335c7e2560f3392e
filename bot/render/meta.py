"""The answers about the bot itself: the table of contents, help, about, and short notices."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from .. import limits
from ..content import Library
from ..text import clip, squash
from .ids import CONTENTS, Viewer, jump_id, key_of
from .mentions import NO_COMMAND_IDS, Mentions
from .model import ActionRow, Embed, Field, Reply, Select
from .pages import JUMP_PLACEHOLDER, option
from .reading import READING_BUDGET, says_again, shown
from .text import join_fitting, source_name
from .topic import command_hint

CONTENTS_TITLE: Final = "Contents"
CONTENTS_INTRO_ROOM: Final = 150
NEST: Final = "↳ "
SHORT_ROOM: Final = 40
# Header rooms that keep each reply within the reading budget whatever the pack holds:
# 150 + 6 fields × (name ≤ 25 + value ≤ 170) < 1200.
HELP_DESCRIPTION_ROOM: Final = 150
HELP_FIELD: Final = 170
ABOUT_DESCRIPTION_ROOM: Final = 2000
# Discord rejects an embed whose url is not a URL; the loader checks the pack's, this guards hand-made ones.
_LINK: Final = re.compile(r"https?://\S{1,2000}")


def render_contents(
    library: Library, page: int = 0, *, viewer: Viewer, others: Sequence[tuple[str, str]] = ()
) -> Reply:
    """The table of contents: one line per command, each part nested under its topic, then the other commands.

    `others` are the commands that are not topics (name, description), e.g. /timeline and /search: the
    caller reads them from the command tree, so the list names exactly the commands there are.
    """
    mentions = viewer.commands
    # The document's title is in the footer.
    intro = "Every command I answer, one line each; the menu opens any of them."
    said = [shown(intro)]
    lines: list[str] = []
    for topic in library.commands:
        command = mentions.command(str(topic.command))
        line = f"{command} {clip(squash(topic.short), SHORT_ROOM)}".rstrip()
        # A name that says what is said already (the document's title, another topic's) is not read twice:
        # the command alone stands for it.
        line = command if says_again(shown(line), said) else line
        said.append(shown(line))
        lines.append(line)
        for child in library.children(topic) if all(c in library.by_id for c in topic.children) else ():
            lines.append(f"{NEST}{command_hint(library, child, mentions)}")
    if others:
        # /topics is this very answer: naming it here would only send the reader back to it.
        more = [mentions.command(name) for name, _what in others if name != "topics"]
        if more:
            lines.append("**More:** " + " · ".join(more))
    description = intro + "\n" + join_fitting(lines, "\n", READING_BUDGET - len(CONTENTS_TITLE) - len(intro) - 1)
    embed = Embed(
        title=CONTENTS_TITLE,
        description=description,
        colour=library.pack.colour,
        footer=clip(f"Source: {source_name(library)}", limits.FOOTER_TEXT),
    )
    jumps = tuple(option(t.short or t.command or t.id, key_of(t.id), squash(t.summary)) for t in library.commands)
    options = tuple({o.value: o for o in jumps if o.value}.values())[: limits.SELECT_OPTIONS]
    rows = (ActionRow((Select(jump_id(CONTENTS, viewer), JUMP_PLACEHOLDER, options),)),) if options else ()
    return Reply(embeds=(embed,), rows=rows, ephemeral=viewer.private)


def render_help(
    library: Library, *, mentions: Mentions = NO_COMMAND_IDS, others: Sequence[tuple[str, str]] = ()
) -> Reply:
    """How to use the bot, leading with /search, with examples drawn from the pack itself, only for the asker."""
    commands = library.commands
    names = {name for name, _what in others}
    intro = clip(f"I answer from *{source_name(library)}*, citing its paragraphs.", HELP_DESCRIPTION_ROOM)
    fields: list[Field] = []
    if "search" in names:
        # The longest alias reads most like a question in one's own words.
        example = max((squash(a) for t in commands for a in t.aliases), key=len, default="")
        tail = f", for example {mentions.command('search', f'query:{clip(squash(example), 40)}')}" if example else ""
        fields.append(
            Field("Ask in your own words", clip(f"{mentions.command('search')} finds it anywhere{tail}.", HELP_FIELD))
        )
    if commands:
        said = [shown(intro)]
        examples = []
        for topic in commands[:3]:
            command = mentions.command(str(topic.command))
            example = f"{command} {clip(squash(topic.short), SHORT_ROOM)}"
            # A topic named like the document itself is shown by its command alone, not read twice.
            examples.append(command if says_again(shown(example), said) else example)
            said.append(shown(examples[-1]))
        fields.append(Field("Or pick a topic", join_fitting(examples, " · ", HELP_FIELD)))
    parent = next((t for t in commands if t.option is not None and t.children), None)
    if parent is not None and parent.option is not None and parent.children[0] in library.by_id:
        child = library.by_id[parent.children[0]]
        fields.append(
            Field("Open one part", clip(f"{command_hint(library, child, mentions)} goes straight to it.", HELP_FIELD))
        )
    era = library.timeline[0].when if library.timeline else None
    if era:
        shown_era = mentions.command("timeline", f"era:{clip(squash(era), 60)}")
        fields.append(Field("Follow the timeline", clip(f"{shown_era} opens one moment in full.", HELP_FIELD)))
    fields.append(
        Field(
            "Check the source",
            "Press **Source** under an answer for the document’s own words. Add `private:True` to keep an answer "
            "to yourself; pressing buttons on someone else’s gives you your own copy.",
        )
    )
    see = " · ".join(mentions.command(n) for n in ("topics", "about") if n in names)
    if see:
        fields.append(Field("See everything", clip(see, HELP_FIELD)))
    embed = Embed(
        title="How to use me",
        description=intro,
        colour=library.pack.colour,
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
