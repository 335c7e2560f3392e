"""Loading a content pack: YAML files → validated, frozen `Library`, or one `ContentError` listing every problem.

Each file is read bounded (`files.py`), parsed (`yamlfile.py`) and checked against its model's field table
(`fields.py`); the rules that tie fields, files and the source text together are below. Every check runs on
whatever could be read, so one problem never hides another; where a problem leaves something unchecked (a file
that could not be read, a source that could not be cut), a note says that more may follow.
"""

from __future__ import annotations

import bisect
import gc
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import limits
from . import fields
from . import files as bounded
from .errors import ContentError, Problem, clip, shown
from .fields import COLOUR_PATTERN, ID_PATTERN, URL_PATTERN, Record, build
from .files import Unreadable, read_all_utf8, read_text
from .models import (
    Block,
    BlockStart,
    Citation,
    Library,
    Pack,
    Point,
    SourceDocument,
    TimelineEvent,
    TimelineFile,
    Topic,
)
from .source import Line, cut_blocks, heading_lines, lines_of, normalise
from .yamlfile import KeyPath, YamlDocument, YamlSyntaxError, format_key, parse_all, parse_yaml

__all__ = ["COLOUR_PATTERN", "ID_PATTERN", "PACK_FILE", "TIMELINE_FILE", "TOPICS_DIR", "URL_PATTERN", "load_library"]

log = logging.getLogger(__name__)

PACK_FILE = "pack.yaml"
TIMELINE_FILE = "timeline.yaml"
TOPICS_DIR = "topics"
# A pack broken everywhere is still reported in a readable length: the first problems, and how many more.
MAX_PROBLEMS = 1000


# --- rules that tie several fields of one record together ---------------------------------------------------


def _topic_rule(t: Record) -> None:
    command, parent, choice = t.get("command"), t.get("parent"), t.get("choice")
    if command and parent:
        t.fail("parent", "a topic has a command or a parent, not both")
    elif not command and not parent and "command" not in t.data and "parent" not in t.data:
        t.fail("command", "missing: a topic needs a command, or a parent whose command reaches it")
    if parent and not choice:
        t.fail("choice", "missing: a topic with a parent needs the label of its choice")
    if choice and not parent:
        t.fail("choice", "only a topic with a parent has a choice")


def _block_rule(b: Record) -> None:
    if (b.get("heading") is None) == (b.get("starts") is None):
        b.fail((), "give exactly one of 'heading' (a heading line) or 'starts' (a paragraph's first words)")


def _body_rule(r: Record) -> None:
    """A point or event is shown as one embed field; its text and quote must fit there together."""
    text, quote = r.get("text"), r.get("quote")
    if text and quote and len(text) + len(quote) > limits.POINT_BODY:
        r.fail("quote", f"text and quote are {len(text) + len(quote)} characters; at most {limits.POINT_BODY} fit")


def _event_rule(e: Record) -> None:
    _body_rule(e)
    when, quote = e.get("when"), e.get("quote")
    if when and quote and normalise(when).lower() not in normalise(quote).lower():
        e.fail("when", f"{shown(when)} is not in the quote: use the document's own wording")


RULES: dict[type, Callable[[Record], None]] = {
    Topic: _topic_rule,
    BlockStart: _block_rule,
    Point: _body_rule,
    TimelineEvent: _event_rule,
}


# --- reading the files --------------------------------------------------------------------------------------


@dataclass
class _Pending:
    """A problem whose line is looked up only if it is listed: finding it may mean composing its file's nodes."""

    file: str
    doc: YamlDocument | None
    path: KeyPath
    message: str
    line: int | None

    def problem(self) -> Problem:
        line = self.doc.line(self.path) if self.doc is not None else self.line
        return Problem(self.file, line, format_key(self.path), self.message)


@dataclass
class _Collector:
    """Gathers problems across files so the editor sees all of them at once."""

    pending: list[_Pending] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, doc: YamlDocument | str, path: KeyPath, message: str, line: int | None = None) -> None:
        if isinstance(doc, YamlDocument):
            self.pending.append(_Pending(doc.name, doc, path, message, None))
        else:
            self.pending.append(_Pending(doc, None, path, message, line))

    def note(self, text: str) -> None:
        self.notes.append(text)

    def listed(self, source_file: str) -> list[Problem]:
        """The first MAX_PROBLEMS problems as an editor walks the pack: the manifest, each topic file, the
        timeline, the source; by line within a file. A note says how many more there are."""
        order = {PACK_FILE: 0, TIMELINE_FILE: 2, source_file: 3}

        def rank(file: str) -> tuple[int, str]:
            return (1, file) if file.startswith(f"{TOPICS_DIR}/") else (order.get(file, 4), file)

        by_file: dict[str, list[_Pending]] = {}
        for item in self.pending:
            by_file.setdefault(item.file, []).append(item)
        out: list[Problem] = []
        for file in sorted(by_file, key=rank):
            if len(out) < MAX_PROBLEMS:
                out += sorted((p.problem() for p in by_file[file]), key=lambda p: p.line or 0)
        if len(self.pending) > MAX_PROBLEMS:
            self.note(f"{len(self.pending) - MAX_PROBLEMS} more problems are not listed")
        return out[:MAX_PROBLEMS]


@dataclass
class _File:
    """One YAML file as read: its document and what its field table made of it."""

    doc: YamlDocument
    rec: Record


@dataclass
class _Topic(_File):
    stem: str = ""
    start: Line | None = None

    @property
    def id(self) -> str:
        return self.rec.get("id") or self.stem


class _Files:
    def __init__(self, root: Path, problems: _Collector) -> None:
        self.root, self.resolved, self.problems = root, root.resolve(), problems
        self.folders: dict[str, bool] = {}

    def raw(self, name: str) -> bytes | None:
        """The UTF-8 text of a YAML file, or None (and the problem) when it cannot be read."""
        return self.raws([name])[0]

    def raws(self, names: list[str]) -> list[bytes | None]:
        paths = [os.path.join(self.root, name) for name in names]
        read = read_all_utf8(paths, self.resolved, bounded.MAX_YAML_BYTES, self.folders)
        out: list[bytes | None] = []
        for name, raw in zip(names, read, strict=True):
            if isinstance(raw, Unreadable):
                message = "file not found" if raw.message == "not found" else raw.message
                self.problems.add(name, (), message, raw.line)
            out.append(None if isinstance(raw, Unreadable) else raw)
        return out

    def parse(self, name: str, model: type) -> _File | None:
        raw = self.raw(name)
        if raw is None:
            return None
        try:
            return self.use(name, parse_yaml(raw, name), model)
        except YamlSyntaxError as exc:
            return self.use(name, exc, model)

    def parse_all(self, names: list[str]) -> Iterator[tuple[str, YamlDocument | YamlSyntaxError | None]]:
        """Each file as parsed (None: it could not be read, and the problem is noted). The files are read at
        once, and libyaml goes on parsing each next one while the caller checks those before."""
        raws = list(zip(names, self.raws(names), strict=True))
        parsed = parse_all([(name, raw) for name, raw in raws if raw is not None])
        return ((name, next(parsed) if raw is not None else None) for name, raw in raws)

    def use(self, name: str, parsed: YamlDocument | YamlSyntaxError | None, model: type) -> _File | None:
        """What `model`'s field table makes of a parsed file, its problems noted; None for a file with no fields."""
        if parsed is None:
            return None
        if isinstance(parsed, YamlSyntaxError):
            self.problems.add(name, (), parsed.message, parsed.line)
            return None
        doc = parsed
        rec = fields.read(model, doc.data, (), RULES)
        for fault in rec.faults:
            self.problems.add(doc, fault.path, fault.message)
        for path, first, line in doc.duplicates():
            self.problems.add(doc.name, path, f"duplicate key (first on line {first})", line)
        return _File(doc, rec) if isinstance(doc.data, dict) else None

    def topic_names(self) -> list[str]:
        try:
            with os.scandir(self.root / TOPICS_DIR) as entries:
                names = sorted(e.name for e in entries if e.name.endswith(".yaml"))
        except FileNotFoundError:
            names = []
        except NotADirectoryError:
            self.problems.add(TOPICS_DIR, (), "is not a folder")
            return []
        except OSError as exc:
            self.problems.add(f"{TOPICS_DIR}/", (), f"cannot be read: {exc.strerror or exc}")
            return []
        if not names:
            self.problems.add(f"{TOPICS_DIR}/", (), "no topic files (topics/*.yaml) found")
        return [f"{TOPICS_DIR}/{name}" for name in names]

    def source(self, pack: _File) -> str | None:
        """The source text the manifest names; a fault in its name is reported where the name is written."""
        name = pack.rec.get("source.file")
        if name is None:
            return None
        try:
            return read_text(self.root / name, self.resolved, bounded.MAX_SOURCE_BYTES)
        except Unreadable as exc:
            if not exc.of_path:
                self.problems.add(name, (), exc.message, exc.line)
            elif exc.outside:
                self.problems.add(pack.doc, ("source", "file"), "must be inside the content folder")
            else:
                self.problems.add(pack.doc, ("source", "file"), f"{shown(name)} {exc.message}")
            return None


def load_library(content_dir: Path | str) -> Library:
    """Load, validate and freeze the pack in `content_dir`; raise `ContentError` listing every problem."""
    # Loading makes many objects and no cycles: collecting while it runs is work for nothing.
    collecting = gc.isenabled()
    gc.disable()
    # What only loading needed is garbage when this returns, in a large pack more than the library kept, but the
    # heap is not trimmed here: what comes next (the search index, a reload's swap) reuses those pages and then
    # trims once, as trimming a large heap is not free (`heap.give_back`).
    try:
        return _load(Path(content_dir))
    finally:
        if collecting:
            gc.enable()


def _load(root: Path) -> Library:
    try:
        found = root.is_dir()
    except (OSError, ValueError) as exc:  # a name the system refuses: too long, or with a NUL in it
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ContentError([Problem(clip(str(root)), None, "", f"content folder not usable ({reason})")]) from None
    if not found:
        raise ContentError([Problem(str(root), None, "", "content folder not found")])
    problems = _Collector()
    files = _Files(root, problems)
    pack = files.parse(PACK_FILE, Pack)
    # Started first, the timeline (one large file) is parsed while the topic files are checked.
    timeline_file = files.parse_all([TIMELINE_FILE])
    topics, broken, unreadable = _read_topics(files, files.parse_all(files.topic_names()))
    timeline = files.use(*next(timeline_file), TimelineFile)
    source_text = files.source(pack) if pack is not None else None
    if source_text is None:
        problems.note("the quotes and blocks were not checked: the source text could not be found or read")
    check = _Check(problems, topics, broken, timeline)
    check.unreadable = unreadable
    library = check.run(pack, source_text)
    if problems.pending:
        listed = problems.listed(_source_name(pack))
        raise ContentError(listed, problems.notes)
    assert library is not None
    log.debug("loaded pack %s: %d topics, %d events", library.pack.version, len(topics), len(library.timeline))
    return library


def _source_name(pack: _File | None) -> str:
    return (pack.rec.get("source.file") if pack is not None else None) or ""


def _read_topics(
    files: _Files, parsed: Iterable[tuple[str, YamlDocument | YamlSyntaxError | None]]
) -> tuple[list[_Topic], set[str], bool]:
    """The topic files that could be read; the names of those without a usable id (a reference to one is not
    reported again as unknown); whether some file could not be read at all."""
    topics: list[_Topic] = []
    broken: set[str] = set()
    unreadable = False
    for name, doc in parsed:
        stem = name.removeprefix(f"{TOPICS_DIR}/").removesuffix(".yaml")
        read = files.use(name, doc, Topic)
        if read is None:
            broken.add(stem)
            unreadable = True
            files.problems.note(f"{name} could not be used: what refers to '{stem}' was not checked")
            continue
        topic = _Topic(read.doc, read.rec, stem)
        topic_id = read.rec.get("id")
        if topic_id is None:
            broken.add(stem)
        elif topic_id != stem:
            files.problems.add(read.doc, ("id",), f"{shown(topic_id)} should match the file name '{stem}.yaml'")
        topics.append(topic)
    return topics, broken, unreadable


# --- the rules across files -----------------------------------------------------------------------------------


class _Check:
    """Everything that ties the files together and to the source, run on whatever could be read."""

    def __init__(self, problems: _Collector, topics: list[_Topic], broken: set[str], timeline: _File | None) -> None:
        self.problems, self.topics, self.broken, self.timeline = problems, topics, broken, timeline
        self.unreadable = False  # some topic file could not be read: it may have claimed any heading
        self.by_id: dict[str, _Topic] = {}
        for t in topics:
            if t.rec.get("id") is not None:
                self.by_id.setdefault(t.id, t)

    def run(self, pack: _File | None, source_text: str | None) -> Library | None:
        self.unique()
        self.links()
        self.choices()
        events = self.events()
        if source_text is None:
            return None
        lines = lines_of(source_text)
        starts = self.place(lines, _source_name(pack))
        blocks = cut_blocks(lines, starts)
        citer = _Citer(self.problems, blocks, self.topics, lines)
        points = {t.stem: citer.points(t) for t in self.topics}
        cited = [(e, citer.cite(doc, e, topic)) for doc, e, topic in events]
        if self.problems.pending or pack is None:
            return None
        return self.build(pack, source_text, citer, points, cited)

    def unique(self) -> None:
        def dupes(key: str, what: str) -> None:
            first: dict[str, _Topic] = {}
            for t in self.topics:
                value = t.rec.get(key)
                if value is None:
                    continue
                if value in first:
                    self.problems.add(
                        t.doc, (key,), f"duplicate {what} {shown(value)} (also in {first[value].doc.name})"
                    )
                first.setdefault(value, t)

        dupes("id", "topic id")
        dupes("command", "command name")

    def known(self, topic_id: str, doc: YamlDocument, path: KeyPath) -> _Topic | None:
        """The topic named, or None, reported when it is neither there nor in a file that could not be read."""
        found = self.by_id.get(topic_id)
        if found is None and topic_id not in self.broken:
            self.problems.add(doc, path, f"unknown topic {shown(topic_id)}")
        return found

    def links(self) -> None:
        children = Counter(t.rec.get("parent") for t in self.topics)
        for t in self.topics:
            parent_id = t.rec.get("parent")
            if parent_id is not None and (parent := self.known(parent_id, t.doc, ("parent",))) is not None:
                if parent.rec.get("command") is None:
                    self.problems.add(
                        t.doc, ("parent",), f"'{parent_id}' has no command of its own to reach this topic from"
                    )
                elif parent.rec.get("option") is None and "option" not in parent.rec.data:
                    self.problems.add(parent.doc, ("option",), f"missing: '{t.id}' names this topic as its parent")
            for index, rel in t.rec.items("related"):
                if self.known(rel, t.doc, ("related", index)) is not None and rel == t.id:
                    self.problems.add(t.doc, ("related", index), "a topic cannot be related to itself")
            if t.rec.get("option") is not None and not children[t.id]:
                self.problems.add(t.doc, ("option",), "no topic names this one as its parent")

    def choices(self) -> None:
        commands = [t for t in self.topics if t.rec.get("command")]
        if len(commands) > limits.COMMANDS_PER_SCOPE:
            self.problems.add(commands[-1].doc, ("command",), f"more than {limits.COMMANDS_PER_SCOPE} commands")
        children_of: dict[str, list[_Topic]] = {}
        for t in self.topics:
            if t.rec.get("parent") is not None:
                children_of.setdefault(t.rec.get("parent"), []).append(t)
        for parent_id, children in children_of.items():
            parent = self.by_id.get(parent_id)
            if parent is not None and len(children) > limits.OPTION_CHOICES:
                self.problems.add(parent.doc, ("option",), f"{len(children)} children; at most {limits.OPTION_CHOICES}")
            labels: set[str] = set()
            for c in children:
                label = c.rec.get("choice")
                if label and label.lower() in labels:
                    self.problems.add(c.doc, ("choice",), f"duplicate choice {shown(label)} under '{parent_id}'")
                if label:
                    labels.add(label.lower())

    def events(self) -> list[tuple[YamlDocument, Record, _Topic]]:
        """Each event whose topic is known, with the file it is in; ids and topics checked."""
        if self.timeline is None:
            return []
        doc = self.timeline.doc
        seen: set[str] = set()
        out = []
        for e in self.timeline.rec.records("events"):
            event_id = e.get("id")
            if event_id in seen:
                self.problems.add(doc, (*e.path, "id"), f"duplicate event id {shown(event_id)}")
            if event_id is not None:
                seen.add(event_id)
            topic_id = e.get("topic")
            if topic_id is not None and (topic := self.known(topic_id, doc, (*e.path, "topic"))) is not None:
                out.append((doc, e, topic))
        return out

    def place(self, lines: tuple[Line, ...], source_file: str) -> list[tuple[Line, bool]]:
        """Each topic's start line in the source, checked: found, not shared, and together covering it all."""
        finder = _StartFinder(lines)
        placed: list[_Topic] = []
        for t in self.topics:
            block = t.rec.get("block")
            if block is None:
                continue
            heading, starts = block.get("heading"), block.get("starts")
            if (heading is None) == (starts is None):
                continue  # reported by the block's own rule
            t.start = finder.heading(heading) if heading is not None else finder.starts(starts)
            if t.start is None:
                key = "heading" if heading is not None else "starts"
                self.problems.add(t.doc, ("block", key), f"{shown(heading or starts)} is not in the source")
                self.problems.note(f"the quotes of '{t.id}' were not checked: its block is not in the source")
            else:
                placed.append(t)
        sharing = Counter(t.start.number for t in placed if t.start is not None)
        for t in placed:
            assert t.start is not None
            if sharing[t.start.number] > 1:
                self.problems.add(t.doc, ("block",), f"another topic also starts at source line {t.start.number}")
        if any(count > 1 for count in sharing.values()):
            self.problems.note("the quotes of topics that share a start were not checked")
        starts = {t.start.number: (t.start, t.rec.get("block").get("heading") is not None) for t in placed if t.start}
        self.uncovered(lines, starts, source_file)
        return list(starts.values())

    def uncovered(self, lines: tuple[Line, ...], starts: dict[int, tuple[Line, bool]], source_file: str) -> None:
        if self.unreadable:
            self.problems.note("headings without a topic were not looked for: a topic file could not be used")
        else:
            for heading in heading_lines(lines):
                if heading.number not in starts:
                    self.problems.add(source_file, (), f"heading {shown(heading.text)} has no topic", heading.number)
        if lines and starts and min(starts) != lines[0].number:
            self.problems.add(source_file, (), f"lines before line {min(starts)} belong to no topic", lines[0].number)

    def build(
        self,
        pack: _File,
        source_text: str,
        citer: _Citer,
        points: dict[str, list[Point]],
        cited: list[tuple[Record, Citation | None]],
    ) -> Library:
        """The frozen Library, once nothing is wrong."""
        ordered = sorted(self.topics, key=lambda t: t.start.number if t.start else 0)
        children_of: dict[str, list[str]] = {}
        for t in ordered:
            if t.rec.get("parent") is not None:
                children_of.setdefault(t.rec.get("parent"), []).append(t.id)
        # A reference to a topic is the topic's own id, not an equal copy of it read from another file.
        ids = {t.id: t.id for t in ordered}
        built = [
            build(
                Topic,
                t.rec,
                parent=ids.get(t.rec.get("parent")),
                related=tuple(ids[r] for _, r in t.rec.items("related")),
                block=citer.block_of(t),
                points=tuple(points[t.stem]),
                children=tuple(children_of.get(t.id, ())),
                # Only a command is reported by line after loading (by the command set): only it needs one.
                origin=(t.doc.name, t.doc.line(("command",)) if t.rec.get("command") else None),
            )
            for t in ordered
        ]
        timeline = [build(TimelineEvent, e, citation=c) for e, c in cited]
        model: Pack = build(Pack, pack.rec)
        blocks = citer.blocks
        source = SourceDocument(title=model.source_title, path=model.source_file, text=source_text, blocks=blocks)
        return Library(pack=model, source=source, topics=tuple(built), timeline=tuple(timeline))


class _StartFinder:
    """Where a block starts, found through indexes instead of a scan of the source per topic."""

    def __init__(self, lines: Iterable[Line]) -> None:
        self.exact: dict[str, Line] = {}
        for line in lines:
            self.exact.setdefault(line.normal, line)
        self.sorted = sorted(self.exact)

    def heading(self, text: str) -> Line | None:
        return self.exact.get(normalise(text))

    def starts(self, words: str) -> Line | None:
        """The first line, in document order, that begins with `words`."""
        wanted = normalise(words)
        best: Line | None = None
        index = bisect.bisect_left(self.sorted, wanted)
        while index < len(self.sorted) and self.sorted[index].startswith(wanted):
            line = self.exact[self.sorted[index]]
            if best is None or line.number < best.number:
                best = line
            index += 1
        return best


class _Citer:
    """Checks each quote against the paragraph it cites, and says where a misplaced quote really is."""

    def __init__(
        self, problems: _Collector, blocks: tuple[Block, ...], topics: list[_Topic], lines: Iterable[Line]
    ) -> None:
        self.problems, self.blocks = problems, blocks
        self.index_at = {b.first_line: b.index for b in blocks}
        shared = Counter(t.start.number for t in topics if t.start is not None)
        self.owner = {t.start.number: t for t in topics if t.start is not None and shared[t.start.number] == 1}
        # A paragraph that is not a bullet is its whole line, whose normal form the line has already: a second
        # copy of every paragraph would only raise what loading a large pack holds at once.
        line_normal = {ln.number: ln.normal for ln in lines}
        self.normal = [[normalise(p.text) if p.bullet else line_normal[p.line] for p in b.paragraphs] for b in blocks]
        self._joined: str | None = None
        # Points quoting one paragraph share its citation: a large pack would otherwise keep thousands of equal ones.
        # Looked up by its fields, so that a citation already made is not made again only to be found equal.
        self.citations: dict[tuple[int, str, int], Citation] = {}
        self.offsets: list[int] = []
        self.where: list[tuple[Block, int]] = []

    def block_of(self, topic: _Topic) -> int:
        assert topic.start is not None
        return self.index_at[topic.start.number]

    def points(self, topic: _Topic) -> list[Point]:
        out = []
        for point in topic.rec.records("points"):
            citation = self.cite(topic.doc, point, topic)
            if citation is not None:
                out.append(build(Point, point, citation=citation))
        return out

    def cite(self, doc: YamlDocument, rec: Record, topic: _Topic) -> Citation | None:
        paragraph, quote = rec.get("paragraph"), rec.get("quote")
        if topic.start is None or topic.start.number not in self.owner or paragraph is None:
            return None  # its block is unknown or shared: noted where that was found
        index = self.index_at[topic.start.number]
        block = self.blocks[index]
        if paragraph > len(block.paragraphs):
            self.problems.add(doc, (*rec.path, "paragraph"), f"'{topic.id}' has {len(block.paragraphs)} paragraphs")
            return None
        if quote is None:
            return None
        wanted = normalise(quote)
        if wanted not in self.normal[index][paragraph - 1]:
            found = self.found_in(wanted)
            hint = f" (found in {', '.join(found)})" if found else " (not found anywhere in the source)"
            self.problems.add(doc, (*rec.path, "quote"), f"not found verbatim in '{topic.id}' ¶{paragraph}{hint}")
            return None
        key = (block.index, topic.rec.get("short") or "", paragraph)
        citation = self.citations.get(key)
        if citation is None:
            citation = self.citations[key] = Citation(block=key[0], section=key[1], paragraph=key[2])
        return citation

    @property
    def joined(self) -> str:
        """Every paragraph in one string, to find a misplaced quote with one search instead of a scan: made when
        a quote is first found misplaced, as a valid pack never needs it."""
        if self._joined is None:
            offset = 0
            for b, normals in zip(self.blocks, self.normal, strict=True):
                for number, text in enumerate(normals, start=1):
                    self.offsets.append(offset)
                    self.where.append((b, number))
                    offset += len(text) + 1
            # Normalised text has no line breaks, so no quote can match across the joins.
            self._joined = "\n".join(text for normals in self.normal for text in normals)
        return self._joined

    def found_in(self, wanted: str) -> list[str]:
        found: list[str] = []
        start = self.joined.find(wanted)
        while start != -1 and len(found) < 10:
            block, number = self.where[bisect.bisect_right(self.offsets, start) - 1]
            owner = self.owner.get(block.first_line)
            name = f"{owner.id} ¶{number}" if owner is not None else None
            if name is not None and name not in found:
                found.append(name)
            start = self.joined.find(wanted, start + 1)
        return found
