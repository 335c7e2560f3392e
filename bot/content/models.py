"""Frozen, typed content models.

Built once by the loader, after validation; nothing downstream ever sees a half-valid pack. The `Library` is
immutable and is swapped whole on reload.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .. import limits
from .derived import Derived
from .fields import (
    AN_ID,
    COLOUR_PATTERN,
    ID_PATTERN,
    URL_PATTERN,
    record_field,
    records_field,
    text_field,
    texts_field,
    whole_field,
)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A body paragraph of the source: its 1-based number inside its block and in the whole document."""

    block: int
    number: int
    ordinal: int
    line: int
    text: str
    bullet: bool


@dataclass(frozen=True, slots=True)
class Block:
    """A contiguous part of the source document: the introduction, a headed section, or the closing."""

    index: int
    heading: str | None
    first_line: int
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True, init=False)
class SourceDocument:
    title: str
    path: str
    blocks: tuple[Block, ...]
    # The whole text is read back only by checks, never to answer: kept as UTF-8, mostly ASCII, it is half the
    # size of a str, which one typographic quote makes two bytes a character (3.5 MiB at 100 times the pack).
    utf8: bytes

    def __init__(self, title: str, path: str, text: str, blocks: tuple[Block, ...]) -> None:
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "blocks", blocks)
        object.__setattr__(self, "utf8", text.encode())

    @property
    def text(self) -> str:
        return self.utf8.decode()

    @property
    def paragraph_count(self) -> int:
        return sum(len(b.paragraphs) for b in self.blocks)


CITED = "the citation of that paragraph of the topic's block"


def _rgb(colour: str) -> int:
    return int(colour[1:], 16)


# --- what the YAML files hold -------------------------------------------------------------------------------
# Each attribute below is declared with the field table (`fields.py`): its YAML key, whether it is required, and
# what makes it valid. The loader reads, checks and builds from these declarations alone, so a new field is one
# line here plus its line in content/README.md.


@dataclass(frozen=True, slots=True)
class Pack:
    title: str = text_field(max_len=limits.EMBED_TITLE)
    description: str = text_field(max_len=1000)
    source_title: str = text_field(key="source.title", max_len=100)
    source_file: str = text_field(key="source.file")
    colour: int = text_field(pattern=COLOUR_PATTERN, expected='a colour like "#1F5AA6"', convert=_rgb)
    version: str = text_field(max_len=32)
    url: str | None = text_field(required=False, pattern=URL_PATTERN, expected="an http(s) URL")


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a quote comes from: a paragraph of a block of the source."""

    block: int
    section: str
    paragraph: int


@dataclass(frozen=True, slots=True)
class Point:
    heading: str = text_field(max_len=limits.POINT_HEADING)
    text: str = text_field()
    quote: str = text_field()
    citation: Citation = whole_field(key="paragraph", into=CITED)  # noqa: RUF009 (a field declaration)
    # Questions this point answers, in members' words; search reads them, nothing shows them.
    asks: tuple[str, ...] = texts_field(max_len=limits.ASK, max_items=limits.ASKS_PER_POINT)


@dataclass(frozen=True, slots=True)
class CommandOption:
    """The option of a parent topic's command that opens one of its children."""

    name: str = text_field(pattern=limits.COMMAND_NAME_PATTERN, expected="a Discord option name")
    description: str = text_field(max_len=limits.COMMAND_DESCRIPTION)


@dataclass(frozen=True, slots=True)
class BlockStart:
    """Where a topic's block starts in the source: a heading line, or the first words of a paragraph."""

    heading: str | None = text_field(required=False)
    starts: str | None = text_field(required=False)


@dataclass(frozen=True, slots=True)
class Topic:
    id: str = text_field(pattern=ID_PATTERN, expected=AN_ID)
    command: str | None = text_field(
        required=False,
        pattern=limits.COMMAND_NAME_PATTERN,
        expected="a Discord command name (1-32 of a-z, 0-9, - and _)",
    )
    parent: str | None = text_field(required=False, pattern=ID_PATTERN, expected="a topic id")
    choice: str | None = text_field(required=False, max_len=limits.CHOICE_NAME)
    option: CommandOption | None = record_field(CommandOption, required=False)  # noqa: RUF009 (a field declaration)
    title: str = text_field(max_len=limits.EMBED_TITLE)
    short: str = text_field(max_len=limits.SHORT_NAME)
    summary: str = text_field(max_len=limits.SUMMARY)
    description: str | None = text_field(required=False, required_with="command", max_len=limits.COMMAND_DESCRIPTION)
    block: int = record_field(BlockStart, into="the index of the block it starts in the source")
    points: tuple[Point, ...] = records_field(Point)
    related: tuple[str, ...] = texts_field(max_len=64, pattern=ID_PATTERN, expected="a topic id")
    aliases: tuple[str, ...] = texts_field(max_len=limits.CHOICE_NAME)
    children: tuple[str, ...] = ()
    # The file (and line) the topic is written in, for messages about it found after loading.
    origin: tuple[str, int | None] = field(default=("", None), compare=False)

    @property
    def paragraphs(self) -> tuple[int, ...]:
        """The block's paragraphs this topic quotes, in order, without repeats."""
        return tuple(sorted({p.citation.paragraph for p in self.points}))


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    id: str = text_field(pattern=ID_PATTERN, expected=AN_ID)
    when: str = text_field(max_len=limits.CHOICE_NAME)
    title: str = text_field(max_len=limits.EMBED_TITLE)
    text: str = text_field()
    quote: str = text_field()
    topic: str = text_field(pattern=ID_PATTERN, expected="a topic id")
    citation: Citation = whole_field(key="paragraph", into=CITED)  # noqa: RUF009 (a field declaration)


@dataclass(frozen=True, slots=True)
class TimelineFile:
    """timeline.yaml: the document's temporal references, in the document's order."""

    # A document may name no moment in time (a server's rules): `events: []` is a valid, empty timeline.
    events: tuple[TimelineEvent, ...] = records_field(TimelineEvent, required=False, default=())


@dataclass(frozen=True, slots=True)
class Library:
    """A whole, validated content pack: what every command, search and render reads."""

    pack: Pack
    source: SourceDocument
    topics: tuple[Topic, ...]
    timeline: tuple[TimelineEvent, ...]
    by_id: Mapping[str, Topic] = field(init=False, repr=False, compare=False)
    by_command: Mapping[str, Topic] = field(init=False, repr=False, compare=False)
    # What renders, search and images compute from this library: kept with it, dropped with it.
    derived: Derived = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Derived lookups are built here so they can never disagree with `topics`.
        object.__setattr__(self, "by_id", MappingProxyType({t.id: t for t in self.topics}))
        object.__setattr__(self, "by_command", MappingProxyType({t.command: t for t in self.topics if t.command}))
        object.__setattr__(self, "derived", Derived())

    @property
    def commands(self) -> tuple[Topic, ...]:
        """Topics that are slash commands, in document order."""
        return tuple(t for t in self.topics if t.command)

    def topic(self, topic_id: str) -> Topic:
        return self.by_id[topic_id]

    def children(self, topic: Topic) -> tuple[Topic, ...]:
        return tuple(self.by_id[c] for c in topic.children)

    def command_of(self, topic: Topic) -> Topic:
        """The topic whose slash command reaches `topic` (itself, or its parent)."""
        return self.by_id[topic.parent] if topic.parent else topic

    @property
    def quoted_paragraphs(self) -> frozenset[tuple[int, int]]:
        """(block, paragraph) pairs quoted by at least one point or timeline event."""
        cited = {(p.citation.block, p.citation.paragraph) for t in self.topics for p in t.points}
        cited |= {(e.citation.block, e.citation.paragraph) for e in self.timeline}
        return frozenset(cited)
