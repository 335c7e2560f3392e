"""The document's own words behind an answer: the paragraphs it stands on, verbatim, with their section and ¶."""

from __future__ import annotations

from typing import Final

from .. import limits
from ..content import Library, Paragraph, Topic
from ..text import clip
from .ids import SOURCE_MARK, TIMELINE, Viewer, find_by_key, key_of, page_id, source_key
from .model import ActionRow, Button, ButtonStyle, Reply
from .pages import Document, Entry, entry, render_document
from .text import paragraph_ranges, source_name

# A source page is read on purpose, after a tap, so it may hold a whole section of the document (the
# longest has 1,300 characters); longer ones page.
SOURCE_READING: Final = 2400
SOURCE_FIELDS: Final = 8
CONTINUED: Final = " (continued)"
BACK_ROOM: Final = 40


def section_names(library: Library) -> dict[int, str]:
    """Block index → the short name of the topic whose block it is (the heading when no topic has it)."""
    return library.derived.get("section-names", lambda: _section_names(library))


def _section_names(library: Library) -> dict[int, str]:
    names = {b.index: b.heading or "" for b in library.source.blocks}
    for topic in library.topics:
        names[topic.block] = topic.short or names.get(topic.block, "")
    return names


def _paragraph(library: Library, block: int, number: int) -> Paragraph | None:
    blocks = library.source.blocks
    if not 0 <= block < len(blocks) or not 1 <= number <= len(blocks[block].paragraphs):
        return None
    return blocks[block].paragraphs[number - 1]


def topic_paragraphs(library: Library, topic: Topic) -> tuple[tuple[int, int], ...]:
    """(block, paragraph) the topic stands on: its whole section, then what it quotes from other sections."""
    blocks = library.source.blocks
    own = [(topic.block, p.number) for p in blocks[topic.block].paragraphs] if 0 <= topic.block < len(blocks) else []
    others = [(p.citation.block, p.citation.paragraph) for p in topic.points if p.citation.block != topic.block]
    return tuple(dict.fromkeys([*own, *others]))


def timeline_paragraphs(library: Library) -> tuple[tuple[int, int], ...]:
    return tuple(dict.fromkeys((e.citation.block, e.citation.paragraph) for e in library.timeline))


def _entries(library: Library, cited: tuple[tuple[int, int], ...], home: int | None) -> tuple[Entry, ...]:
    names = section_names(library)
    out: list[Entry] = []
    for block, number in cited:
        paragraph = _paragraph(library, block, number)
        if paragraph is None:
            continue
        section = names.get(block, "")
        name = f"¶{number}" if block == home or not section else f"{clip(section, limits.SHORT_NAME)} ¶{number}"
        for n, chunk in enumerate(_chunks(paragraph.text)):
            out.append(entry(name + (CONTINUED if n else ""), chunk, ((section, number),)))
    return tuple(out)


def _chunks(text: str) -> list[str]:
    """`text` in pieces that each fit a field, cut between words: a long paragraph is still shown whole."""
    words = text.split(" ")
    pieces: list[str] = []
    current = ""
    for word in words:
        while len(word) > limits.FIELD_VALUE:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(word[: limits.FIELD_VALUE])
            word = word[limits.FIELD_VALUE :]
        candidate = f"{current} {word}" if current else word
        if len(candidate) > limits.FIELD_VALUE:
            pieces.append(current)
            current = word
        else:
            current = candidate
    if current.strip() or not pieces:
        pieces.append(current)
    return pieces


def source_document(library: Library, key: str) -> tuple[Document, str, str] | None:
    """The source pages behind `key` (a topic key or `@timeline`), with the key and name to go back to."""
    if key == TIMELINE:
        return library.derived.get("source:timeline", lambda: _timeline_source(library)), key, "the timeline"
    topic_id = find_by_key(key, library.by_id)
    if topic_id is None:
        return None
    topic = library.by_id[topic_id]
    document = library.derived.get(("source", topic.id), lambda: _topic_source(library, topic))
    return document, key, topic.short or topic.title or topic.id


def _topic_source(library: Library, topic: Topic) -> Document:
    blocks = library.source.blocks
    heading = blocks[topic.block].heading if 0 <= topic.block < len(blocks) else None
    entries = _entries(library, topic_paragraphs(library, topic), topic.block)
    return Document(
        key=SOURCE_MARK + key_of(topic.id),
        title=clip(heading or topic.title or topic.short, limits.EMBED_TITLE - 10),
        description=_intro(entries),
        colour=library.pack.colour,
        source_title=source_name(library),
        entries=entries,
        author=clip(f"The document’s own words · {topic.short}", limits.AUTHOR_NAME),
        section=topic.short,
        reading_chars=SOURCE_READING,
        reading_fields=SOURCE_FIELDS,
    )


def _timeline_source(library: Library) -> Document:
    entries = _entries(library, timeline_paragraphs(library), None)
    return Document(
        key=SOURCE_MARK + TIMELINE,
        title="Timeline: the paragraphs it quotes",
        description=_intro(entries),
        colour=library.pack.colour,
        source_title=source_name(library),
        entries=entries,
        author="The document’s own words · Timeline",
        reading_chars=SOURCE_READING,
        reading_fields=SOURCE_FIELDS,
    )


def _intro(entries: tuple[Entry, ...]) -> str:
    if not entries:
        return "The document’s text for this answer is not in the pack."
    return "Verbatim, as the document has it."


def source_label(library: Library, key: str) -> str:
    """`Source ¶1–4`: the button's label, naming the answer's own paragraphs."""
    if key == TIMELINE:
        return "Source"
    topic_id = find_by_key(key, library.by_id)
    if topic_id is None:
        return "Source"
    topic = library.by_id[topic_id]
    own = [n for b, n in topic_paragraphs(library, topic) if b == topic.block]
    return clip(f"Source {paragraph_ranges(own)}".strip(), limits.BUTTON_LABEL)


def source_button(key: str, viewer: Viewer, label: str) -> Button:
    """The button that opens the paragraphs behind `key`, at their first page."""
    return Button(page_id(source_key(key), 0, viewer, "f"), clip(label, limits.BUTTON_LABEL) or "Source")


def back_button(key: str, name: str, viewer: Viewer, page: int = 0) -> Button:
    label = clip(f"Back to {clip(name, BACK_ROOM)}", limits.BUTTON_LABEL)
    return Button(page_id(key, page, viewer, "f"), label, ButtonStyle.SECONDARY)


def render_source(library: Library, key: str, page: int, viewer: Viewer) -> Reply | None:
    """Page `page` of the paragraphs behind `key`, verbatim, with a button back to the answer."""
    found = source_document(library, key)
    if found is None:
        return None
    document, back_key, name = found
    shown = render_document(document, page, viewer)
    rows = (*shown.rows, ActionRow((back_button(back_key, name, viewer),)))
    return Reply(embeds=shown.embeds, rows=rows[: limits.ACTION_ROWS], ephemeral=viewer.private)
