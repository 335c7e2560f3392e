"""From the blocks of the pack's copy to topics and timeline events, in the loader's YAML shape.

Everything written comes from the document: titles are its headings, summaries, point texts and quotes its
sentences, `when` its words. Only labels (`Introduction`, `Section 3`, `part`) are ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final

from ... import limits
from ...text import clip
from ..models import Block, Paragraph
from ..source import normalise
from . import dates, naming

# A point's text and quote share one embed field (limits.POINT_BODY): the text is its quote's first sentence,
# shortened, so each quote gets the rest of the room.
TEXT_CHARS: Final = 200
QUOTE_CHARS: Final = 680
HEADING_CHARS: Final = 60
RELATED_MAX: Final = 5
_SENTENCE: Final = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+")


@dataclass
class PlannedTopic:
    block: Block
    level: int
    id: str = ""
    command: str | None = None
    parent: str | None = None
    choice: str | None = None
    children: list[PlannedTopic] = field(default_factory=list)
    # For a block without a heading: the first words of its first line, which is where the loader finds it.
    starts: str = ""

    @property
    def heading(self) -> str | None:
        return self.block.heading


def sentences(text: str) -> list[tuple[int, int]]:
    """The spans of `text`'s sentences (a full stop, ! or ? then space ends one)."""
    spans, start = [], 0
    for match in _SENTENCE.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _cut(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """[start, end) in pieces of at most `limit` characters, cut at spaces where there are any."""
    out = []
    while end - start > limit:
        space = text.rfind(" ", start + limit // 2, start + limit)
        stop = space if space > start else start + limit
        out.append((start, stop))
        start = stop
        while start < end and text[start].isspace():
            start += 1
    out.append((start, end))
    return out


def chunks(text: str, limit: int = QUOTE_CHARS) -> list[str]:
    """`text` as consecutive verbatim passages of whole sentences (a sentence too long is cut at spaces)."""
    pieces = [piece for s, e in sentences(text) for piece in _cut(text, s, e, limit)]
    out: list[str] = []
    current: tuple[int, int] | None = None
    for start, end in pieces:
        if current is not None and end - current[0] <= limit:
            current = (current[0], end)
            continue
        if current is not None:
            out.append(text[current[0] : current[1]].strip())
        current = (start, end)
    if current is not None:
        out.append(text[current[0] : current[1]].strip())
    return [c for c in out if c]


def first_sentence(text: str, limit: int) -> str:
    start, end = sentences(text)[0] if text.strip() else (0, 0)
    return clip(text[start:end], limit)


def points_of(block: Block) -> list[dict[str, Any]]:
    """One point per passage: every paragraph of the block quoted, in order."""
    out = []
    for para in block.paragraphs:
        for quote in chunks(para.text):
            out.append(
                {
                    "heading": clip(quote, HEADING_CHARS),
                    "text": first_sentence(quote, TEXT_CHARS),
                    "quote": quote,
                    "paragraph": para.number,
                }
            )
    return out


def events_of(topics: list[PlannedTopic]) -> list[dict[str, Any]]:
    """A timeline event for every expression of time, quoting the sentence it is in, in the document's order."""
    ids = naming.Names()
    found: list[dict[str, Any]] = []
    for topic in sorted(topics, key=lambda t: t.block.index):
        for para in topic.block.paragraphs:
            for start, end in sentences(para.text):
                sentence = para.text[start:end]
                seen: set[str] = set()
                for mention in dates.mentions(sentence):
                    when = clip(mention.text, limits.CHOICE_NAME)
                    if normalise(when).lower() in seen or when != mention.text:
                        continue
                    seen.add(normalise(when).lower())
                    found.append(_event(ids, topic, para, sentence, mention))
    return found


def _event(
    ids: naming.Names, topic: PlannedTopic, para: Paragraph, sentence: str, mention: dates.Mention
) -> dict[str, Any]:
    offset = mention.start
    quote = sentence.strip()
    if len(quote) > QUOTE_CHARS:
        # The passage of the sentence around the expression, whole words, still the document's own.
        for start, end in _cut(sentence, 0, len(sentence), QUOTE_CHARS):
            if start <= offset and mention.end <= end:
                quote = sentence[start:end].strip()
                break
        else:
            quote = sentence[max(0, offset - 40) : offset + len(mention.text) + 40].strip()
    return {
        "id": ids.claim(naming.slug(mention.text, naming.ID_CHARS), "moment"),
        "when": mention.text,
        # Where the document says it: the section's own name, until an editor names the moment itself.
        "title": clip(topic.heading or topic.id, HEADING_CHARS),
        "text": first_sentence(quote, TEXT_CHARS),
        "quote": quote,
        "topic": topic.id,
        "paragraph": para.number,
    }


def related_of(topic: PlannedTopic, everyone: list[PlannedTopic]) -> list[str]:
    """Topics whose heading this block's text names (a cross-reference), in document order."""
    text = " ".join(normalise(p.text).casefold() for p in topic.block.paragraphs)
    out = []
    for other in everyone:
        heading = other.heading
        if other is topic or heading is None or other.id in (topic.parent, *(c.id for c in topic.children)):
            continue
        # A heading of one common word ("Examples") would be found everywhere; a longer one is a reference.
        words = [w for w in naming.ascii_words(heading) if w not in naming.STOP_WORDS]
        wanted = normalise(heading).casefold()
        long_enough = len(words) >= 2 or len(heading) >= 12
        if long_enough and wanted in text and re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", text):
            out.append(other.id)
    return out[:RELATED_MAX]
