"""Frozen, typed content models.

Built once by the loader, after validation; nothing downstream ever sees a half-valid pack. The `Library` is
immutable and is swapped whole on reload.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .derived import Derived


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


@dataclass(frozen=True, slots=True)
class SourceDocument:
    title: str
    path: str
    text: str
    blocks: tuple[Block, ...]

    @property
    def paragraph_count(self) -> int:
        return sum(len(b.paragraphs) for b in self.blocks)


@dataclass(frozen=True, slots=True)
class Pack:
    title: str
    description: str
    source_title: str
    source_file: str
    colour: int
    version: str
    url: str | None


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a quote comes from: a paragraph of a block of the source."""

    block: int
    section: str
    paragraph: int


@dataclass(frozen=True, slots=True)
class Point:
    heading: str
    text: str
    quote: str
    citation: Citation


@dataclass(frozen=True, slots=True)
class CommandOption:
    """The option of a parent topic's command that opens one of its children."""

    name: str
    description: str


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    command: str | None
    parent: str | None
    choice: str | None
    option: CommandOption | None
    title: str
    short: str
    summary: str
    description: str | None
    block: int
    points: tuple[Point, ...]
    related: tuple[str, ...]
    aliases: tuple[str, ...]
    children: tuple[str, ...] = ()
    # The file (and line) the topic is written in, for messages about it found after loading.
    origin: tuple[str, int | None] = field(default=("", None), compare=False)

    @property
    def paragraphs(self) -> tuple[int, ...]:
        """The block's paragraphs this topic quotes, in order, without repeats."""
        return tuple(sorted({p.citation.paragraph for p in self.points}))


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    id: str
    when: str
    title: str
    text: str
    quote: str
    topic: str
    citation: Citation


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
