"""Source drift: what a changed document does to a pack's quotes and citations, and the fix for those that moved.

Reads the pack's YAML as it is (it need not load: after a change of the document it usually does not), cuts the
new text with the loader's own rule, and sorts every quote of a point or timeline event into: still where it is
cited; moved (the same words, in another paragraph of the same block, or for an event of another block); or
changed (the words are gone; the closest passage of the new text is named). Paragraphs that no quote reaches and
headings that no topic claims are listed too. `fix_citations` rewrites the paragraph numbers (and an event's
topic) of the moved quotes in place, leaving every other byte of the YAML as the editor wrote it.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from ..text import clip
from .files import MAX_SOURCE_BYTES, MAX_YAML_BYTES, Unreadable, read_text, read_utf8
from .loader import PACK_FILE, TIMELINE_FILE, TOPICS_DIR
from .models import Block, Paragraph
from .source import Line, cut_blocks, find_start, heading_lines, lines_of, normalise
from .yamlfile import KeyPath, YamlDocument, YamlSyntaxError, format_key, parse_yaml

log = logging.getLogger(__name__)

SHOWN: Final = 120


@dataclass(frozen=True, slots=True)
class Quote:
    """One quote of the pack and the citation it carries."""

    doc: YamlDocument
    path: KeyPath
    topic: str
    paragraph: int
    text: str

    def where(self, key: str) -> str:
        """`file:line: points[2].key`: the line of `key` in this quote's point or event."""
        path = (*self.path, key)
        line = self.doc.line(path)
        return f"{self.doc.name}:{line}: {format_key(path)}" if line else f"{self.doc.name}: {format_key(path)}"


@dataclass(frozen=True, slots=True)
class Moved:
    quote: Quote
    topic: str
    paragraph: int


@dataclass(frozen=True, slots=True)
class Changed:
    quote: Quote
    closest: str | None


@dataclass
class DriftReport:
    source: str
    paragraphs: int = 0
    moved: list[Moved] = field(default_factory=list)
    # The same words now in another topic's block: a point must be moved to that topic by hand.
    elsewhere: list[Moved] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
    unquoted: list[tuple[str, Paragraph]] = field(default_factory=list)
    unclaimed: list[Line] = field(default_factory=list)
    lost: list[tuple[str, str, str | None]] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.moved or self.elsewhere or self.changed or self.unquoted or self.unclaimed or self.lost)

    def lines(self) -> list[str]:
        out = [f"drift against {self.source} ({self.paragraphs} paragraphs):"]
        for topic, start, closest in self.lost:
            hint = f" (closest: {closest!r})" if closest else ""
            out.append(f"  block not found: topic '{topic}' starts at {start!r}, not in the document{hint}")
        paragraphs = sorted({(m.quote.topic, m.quote.paragraph, m.topic, m.paragraph) for m in self.moved})
        if paragraphs:
            moves = [f"'{t}' ¶{a} → " + (f"'{u}' " if u != t else "") + f"¶{b}" for t, a, u, b in paragraphs]
            out.append(f"  paragraphs moved: {', '.join(moves)}")
        for m in self.moved:
            where = f"'{m.topic}' " if m.topic != m.quote.topic else ""
            old = f"'{m.quote.topic}' ¶{m.quote.paragraph}"
            out.append(f"  moved: {m.quote.where('paragraph')}: {old} → {where}¶{m.paragraph}")
        for m in self.elsewhere:
            now = f"now in '{m.topic}' ¶{m.paragraph}"
            out.append(f"  moved to another topic: {m.quote.where('quote')}: {now}; move the point there")
        for c in self.changed:
            cited = f"'{c.quote.topic}' ¶{c.quote.paragraph}"
            out.append(f"  changed: {c.quote.where('quote')} ({cited}): “{clip(c.quote.text, SHOWN)}”")
            out.append(f"      closest now: {c.closest}" if c.closest else "      nothing close in the new text")
        for topic, p in self.unquoted:
            out.append(f"  not quoted: source line {p.line} ('{topic}' ¶{p.number}): “{clip(p.text, SHOWN)}”")
        for line in self.unclaimed:
            out.append(f"  new heading with no topic: source line {line.number}: {line.text!r}")
        if self.clean:
            out.append("  every quote is where its citation says, and every paragraph is quoted")
        elif self.moved:
            out.append(f"  {len(self.moved)} citation(s) only moved: `--fix-citations` rewrites them")
        return out


@dataclass
class _Pack:
    source_file: str
    topics: dict[str, tuple[YamlDocument, dict[str, Any]]]
    quotes: list[Quote]


def read_yaml(root: Path, name: str) -> YamlDocument:
    """One file of the pack, read within the loader's bounds; `YamlSyntaxError` if it cannot be used."""
    try:
        return parse_yaml(read_utf8(root / name, root.resolve(), MAX_YAML_BYTES), name)
    except Unreadable as exc:
        raise YamlSyntaxError(None, str(exc)) from exc


def source_file_of(root: Path) -> str:
    """The pack's source file, relative to `root`, as pack.yaml names it ("" if it names none)."""
    pack = read_yaml(root, PACK_FILE)
    source = pack.data.get("source") if isinstance(pack.data, dict) else None
    return str(source.get("file")) if isinstance(source, dict) and source.get("file") else ""


def _read_pack(root: Path) -> _Pack:
    """The parts of the pack drift needs, read leniently: what cannot be read is left out."""
    source_file = source_file_of(root)
    topics: dict[str, tuple[YamlDocument, dict[str, Any]]] = {}
    quotes: list[Quote] = []
    for path in sorted((root / TOPICS_DIR).glob("*.yaml")):
        try:
            doc = read_yaml(root, f"{TOPICS_DIR}/{path.name}")
        except YamlSyntaxError:
            continue
        if isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
            topics[doc.data["id"]] = (doc, doc.data)
            quotes += _quotes(doc, "points", doc.data["id"])
    if (root / TIMELINE_FILE).is_file():
        try:
            timeline = read_yaml(root, TIMELINE_FILE)
            quotes += _quotes(timeline, "events", None)
        except YamlSyntaxError:
            pass
    return _Pack(source_file, topics, quotes)


def _quotes(doc: YamlDocument, key: str, topic: str | None) -> Iterator[Quote]:
    items = doc.data.get(key) if isinstance(doc.data, dict) else None
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        quote, paragraph, owner = item.get("quote"), item.get("paragraph"), topic or item.get("topic")
        if isinstance(quote, str) and isinstance(paragraph, int) and isinstance(owner, str):
            yield Quote(doc, (key, index), owner, paragraph, quote)


def _start(data: dict[str, Any]) -> tuple[str | None, str | None]:
    found = data.get("block")
    block: dict[str, Any] = found if isinstance(found, dict) else {}
    heading, starts = block.get("heading"), block.get("starts")
    return (str(heading) if heading is not None else None, str(starts) if starts is not None else None)


def _blocks(pack: _Pack, lines: tuple[Line, ...], report: DriftReport) -> dict[str, Block]:
    """Each topic's block in the new text, cut where the loader would cut it."""
    starts: dict[int, tuple[Line, bool, str]] = {}
    for topic_id, (_, data) in pack.topics.items():
        heading, begins = _start(data)
        line = find_start(lines, heading=heading, starts=begins)
        if line is None:
            wanted = heading or begins or ""
            candidates = [ln.text for ln in (heading_lines(lines) if heading else lines)]
            close = difflib.get_close_matches(wanted, candidates, n=1, cutoff=0.5)
            report.lost.append((topic_id, wanted, close[0] if close else None))
        elif line.number not in starts:
            starts[line.number] = (line, heading is not None, topic_id)
    claimed = set(starts)
    report.unclaimed = [ln for ln in heading_lines(lines) if ln.number not in claimed]
    ordered = sorted(starts.values(), key=lambda s: s[0].number)
    blocks = cut_blocks(lines, [(line, is_heading) for line, is_heading, _ in ordered])
    return {topic_id: block for (_, _, topic_id), block in zip(ordered, blocks, strict=True)}


def _closest(wanted: str, blocks: dict[str, Block], own: str) -> str | None:
    """The passage of the new text most like `wanted`: as many sentences as it has, from any paragraph."""
    size = max(1, wanted.count(". ") + 1)
    best: tuple[float, str] = (0.0, "")
    order = sorted(blocks.items(), key=lambda item: item[0] != own)
    for topic_id, block in order:
        for p in block.paragraphs:
            sentences = normalise(p.text).split(". ")
            for start in range(max(1, len(sentences) - size + 1)):
                passage = ". ".join(sentences[start : start + size])
                matcher = difflib.SequenceMatcher(None, wanted, passage, autojunk=False)
                if matcher.real_quick_ratio() > best[0] and matcher.quick_ratio() > best[0]:
                    ratio = matcher.ratio()
                    if ratio > best[0]:
                        best = (ratio, f"'{topic_id}' ¶{p.number}: “{clip(passage, SHOWN)}”")
    return best[1] if best[0] >= 0.5 else None


def drift(content_dir: Path, source_text: str | None = None, source_name: str | None = None) -> DriftReport:
    """The pack in `content_dir` against `source_text` (default: its own source file)."""
    pack = _read_pack(content_dir)
    if source_text is None:
        try:
            source_text = read_text(content_dir / pack.source_file, content_dir.resolve(), MAX_SOURCE_BYTES)
        except Unreadable as exc:
            raise YamlSyntaxError(None, f"{pack.source_file}: {exc}") from exc
        source_name = pack.source_file
    report = DriftReport(source_name or "the new text")
    lines = lines_of(source_text)
    blocks = _blocks(pack, lines, report)
    normal = {(t, p.number): normalise(p.text) for t, b in blocks.items() for p in b.paragraphs}
    report.paragraphs = len(normal)
    covered: set[tuple[str, int]] = set()
    for quote in pack.quotes:
        wanted = normalise(quote.text)
        if normal.get((quote.topic, quote.paragraph), "").find(wanted) >= 0 and wanted:
            covered.add((quote.topic, quote.paragraph))
            continue
        found = [key for key, text in normal.items() if wanted and wanted in text]
        here = [key for key in found if key[0] == quote.topic]
        if here or found:
            topic, number = (here or found)[0]
            covered.add((topic, number))
            moved = Moved(quote, topic, number)
            # An event names its topic, so it can follow its paragraph anywhere; a point lives in its topic.
            (report.moved if here or quote.path[0] == "events" else report.elsewhere).append(moved)
        elif quote.topic in blocks:
            report.changed.append(Changed(quote, _closest(wanted, blocks, quote.topic)))
        else:
            report.changed.append(Changed(quote, None))
    report.unquoted = [(t, p) for t, b in blocks.items() for p in b.paragraphs if (t, p.number) not in covered]
    report.unquoted.sort(key=lambda item: item[1].line)
    return report


def _scalar_node(node: yaml.Node, path: KeyPath) -> yaml.ScalarNode | None:
    for part in path:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            found = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if found is None:
                return None
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return None
    return node if isinstance(node, yaml.ScalarNode) else None


def fix_citations(content_dir: Path, report: DriftReport) -> list[str]:
    """Rewrite the citation of every moved quote in its file, in place; return the files changed."""
    edits: dict[str, list[tuple[KeyPath, str]]] = {}
    for m in report.moved:
        changes = edits.setdefault(m.quote.doc.name, [])
        changes.append(((*m.quote.path, "paragraph"), str(m.paragraph)))
        if m.topic != m.quote.topic:
            changes.append(((*m.quote.path, "topic"), m.topic))
    for name, changes in edits.items():
        path = content_dir / name
        text = path.read_text(encoding="utf-8")
        # The pure-Python composer's marks count characters of this very text, so a span is exact.
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        spans = []
        for key, value in changes:
            node = _scalar_node(root, key) if root is not None else None
            if node is not None:
                spans.append((node.start_mark.index, node.end_mark.index, value))
        for start, end, value in sorted(spans, reverse=True):
            text = text[:start] + value + text[end:]
        path.write_text(text, encoding="utf-8")
        log.info("%s: %d citation(s) rewritten", name, len(spans))
    return sorted(edits)
