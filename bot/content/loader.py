"""Loading a content pack: YAML files → validated, frozen `Library`, or one `ContentError` listing every problem."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import limits
from .errors import ContentError, Problem
from .models import (
    Block,
    Citation,
    CommandOption,
    Library,
    Pack,
    Point,
    SourceDocument,
    TimelineEvent,
    Topic,
)
from .source import Line, cut_blocks, find_start, heading_lines, lines_of, normalise
from .yamlfile import KeyPath, YamlDocument, YamlSyntaxError, format_key, read_yaml

log = logging.getLogger(__name__)

PACK_FILE = "pack.yaml"
TIMELINE_FILE = "timeline.yaml"
TOPICS_DIR = "topics"

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
URL_PATTERN = re.compile(r"^https?://\S+$")


@dataclass
class _Collector:
    """Gathers problems across files so the editor sees all of them at once."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, doc: YamlDocument | str, path: KeyPath, message: str) -> None:
        if isinstance(doc, str):
            self.problems.append(Problem(doc, None, format_key(path), message))
        else:
            self.problems.append(Problem(doc.name, doc.line(path), format_key(path), message))


class _Reader:
    """Typed access to one mapping of a YAML document, reporting each fault with its key path."""

    def __init__(self, doc: YamlDocument, problems: _Collector, data: Any, path: KeyPath = ()) -> None:
        self.doc, self.problems, self.path = doc, problems, path
        self.ok = isinstance(data, dict)
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        if not self.ok:
            what = "the file is empty" if data is None and not path else f"expected a mapping, got {_kind(data)}"
            problems.add(doc, path, what)

    def fail(self, key: str | int | KeyPath, message: str) -> None:
        sub = key if isinstance(key, tuple) else (key,)
        self.problems.add(self.doc, self.path + sub, message)

    def only(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                hint = _closest(str(key), allowed)
                self.fail(str(key), "unknown field" + (f" (did you mean '{hint}'?)" if hint else ""))

    def _get(self, key: str, required: bool) -> Any:
        if key not in self.data or self.data[key] is None:
            if required and self.ok:
                self.fail(key, "missing required field")
            return None
        return self.data[key]

    def text(
        self,
        key: str,
        *,
        required: bool = True,
        max_len: int | None = None,
        pattern: re.Pattern[str] | None = None,
        expected: str = "",
    ) -> str | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(key, f"expected text, got {_kind(value)}")
            return None
        value = str(value).strip()
        if not value:
            self.fail(key, "must not be empty")
            return None
        if max_len is not None and len(value) > max_len:
            self.fail(key, f"is {len(value)} characters; at most {max_len} fit")
        if pattern is not None and not pattern.match(value):
            self.fail(key, f"'{value}' is not {expected or 'valid'}")
            return None
        return value

    def integer(self, key: str, *, minimum: int = 1) -> int | None:
        value = self._get(key, True)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"expected a whole number, got {_kind(value)}")
            return None
        if value < minimum:
            self.fail(key, f"must be at least {minimum}")
            return None
        return value

    def mapping(self, key: str, *, required: bool = True) -> _Reader | None:
        value = self._get(key, required)
        if value is None:
            return None
        return _Reader(self.doc, self.problems, value, (*self.path, key))

    def items(self, key: str, *, required: bool = True) -> Iterator[tuple[int, Any]]:
        value = self._get(key, required)
        if value is None:
            return
        if not isinstance(value, list):
            self.fail(key, f"expected a list, got {_kind(value)}")
            return
        if required and not value:
            self.fail(key, "must not be empty")
        yield from enumerate(value)

    def texts(self, key: str, *, max_len: int, pattern: re.Pattern[str] | None = None) -> tuple[str, ...]:
        out: list[str] = []
        for index, value in self.items(key, required=False):
            if isinstance(value, bool) or not isinstance(value, str | int | float) or not str(value).strip():
                self.fail((key, index), f"expected non-empty text, got {_kind(value)}")
                continue
            value = str(value).strip()
            if len(value) > max_len:
                self.fail((key, index), f"is {len(value)} characters; at most {max_len} fit")
            elif pattern is not None and not pattern.match(value):
                self.fail((key, index), f"'{value}' is not a topic id")
            else:
                out.append(value)
        return tuple(out)


def _kind(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", bool: "true/false", int: "a number", float: "a number"}
    return "nothing" if value is None else names.get(type(value), type(value).__name__)


def _closest(word: str, options: set[str]) -> str | None:
    from difflib import get_close_matches

    found = get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return found[0] if found else None


# Field sets, kept next to the code that reads them so the two cannot drift.
PACK_FIELDS = {"title", "description", "source", "colour", "version", "url"}
SOURCE_FIELDS = {"title", "file"}
TOPIC_FIELDS = {
    "id",
    "command",
    "parent",
    "choice",
    "option",
    "block",
    "title",
    "short",
    "summary",
    "description",
    "points",
    "related",
    "aliases",
}
POINT_FIELDS = {"heading", "text", "quote", "paragraph"}
OPTION_FIELDS = {"name", "description"}
BLOCK_FIELDS = {"heading", "starts"}
EVENT_FIELDS = {"id", "when", "title", "text", "quote", "topic", "paragraph"}


@dataclass
class _RawPoint:
    path: KeyPath
    heading: str
    text: str
    quote: str
    paragraph: int


@dataclass
class _RawTopic:
    doc: YamlDocument
    id: str
    command: str | None
    parent: str | None
    choice: str | None
    option: CommandOption | None
    block_heading: str | None
    block_starts: str | None
    title: str
    short: str
    summary: str
    description: str | None
    points: list[_RawPoint]
    related: tuple[str, ...]
    aliases: tuple[str, ...]
    start: Line | None = None


@dataclass
class _RawEvent:
    path: KeyPath
    id: str
    when: str
    title: str
    text: str
    quote: str
    topic: str
    paragraph: int


def load_library(content_dir: Path | str) -> Library:
    """Load, validate and freeze the pack in `content_dir`; raise `ContentError` listing every problem."""
    root = Path(content_dir)
    problems = _Collector()
    if not root.is_dir():
        raise ContentError([Problem(str(root), None, "", "content folder not found")])

    pack_doc = _read(root / PACK_FILE, PACK_FILE, problems)
    pack, source_path = _parse_pack(pack_doc, problems, root) if pack_doc else (None, None)

    topic_files = sorted((root / TOPICS_DIR).glob("*.yaml")) if (root / TOPICS_DIR).is_dir() else []
    if not topic_files:
        problems.add(f"{TOPICS_DIR}/", (), "no topic files (topics/*.yaml) found")
    raw_topics = []
    # Topics whose file could not be read: references to them are not reported again as unknown.
    broken: set[str] = set()
    for path in topic_files:
        doc = _read(path, f"{TOPICS_DIR}/{path.name}", problems)
        topic = _parse_topic(doc, problems) if doc is not None else None
        if topic is None:
            broken.add(path.stem)
            continue
        if topic.id != path.stem:
            problems.add(doc, ("id",), f"'{topic.id}' should match the file name '{path.stem}.yaml'")
        raw_topics.append(topic)

    events: list[_RawEvent] = []
    timeline_doc = _read(root / TIMELINE_FILE, TIMELINE_FILE, problems)
    if timeline_doc is not None:
        events = _parse_timeline(timeline_doc, problems)

    source_text = None
    if source_path is not None and pack_doc is not None:
        try:
            source_text = source_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.add(pack_doc, ("source", "file"), f"cannot read the source text: {exc}")

    library = None
    if pack is not None and source_text is not None:
        library = _assemble(pack, source_text, raw_topics, events, timeline_doc, problems, broken)
    if problems.problems:
        raise ContentError(problems.problems)
    assert library is not None
    log.debug("loaded pack %s: %d topics, %d events", pack.version if pack else "?", len(raw_topics), len(events))
    return library


def _read(path: Path, name: str, problems: _Collector) -> YamlDocument | None:
    if not path.is_file():
        problems.add(name, (), "file not found")
        return None
    try:
        return read_yaml(path, name)
    except YamlSyntaxError as exc:
        problems.problems.append(Problem(name, exc.line, "", exc.message))
        return None


def _parse_pack(doc: YamlDocument, problems: _Collector, root: Path) -> tuple[Pack | None, Path | None]:
    r = _Reader(doc, problems, doc.data)
    r.only(PACK_FIELDS)
    title = r.text("title", max_len=limits.EMBED_TITLE)
    description = r.text("description", max_len=1000)
    colour = r.text("colour", pattern=COLOUR_PATTERN, expected='a colour like "#1F5AA6"')
    version = r.text("version", max_len=32)
    url = r.text("url", required=False, pattern=URL_PATTERN, expected="an http(s) URL")
    source = r.mapping("source")
    source_title = source_file = None
    if source is not None:
        source.only(SOURCE_FIELDS)
        source_title = source.text("title", max_len=100)
        source_file = source.text("file")
    source_path = None
    if source_file is not None:
        source_path = (root / source_file).resolve()
        if not source_path.is_relative_to(root.resolve()):
            r.fail(("source", "file"), "must be inside the content folder")
            source_path = None
        elif not source_path.is_file():
            r.fail(("source", "file"), f"'{source_file}' not found")
            source_path = None
    if None in (title, description, colour, version, source_title, source_file):
        return None, source_path
    assert title and description and colour and version and source_title and source_file
    pack = Pack(
        title=title,
        description=description,
        source_title=source_title,
        source_file=source_file,
        colour=int(colour[1:], 16),
        version=version,
        url=url,
    )
    return pack, source_path


def _parse_topic(doc: YamlDocument, problems: _Collector) -> _RawTopic | None:
    r = _Reader(doc, problems, doc.data)
    if not r.ok:
        return None
    r.only(TOPIC_FIELDS)
    topic_id = r.text("id", pattern=ID_PATTERN, expected="an id of lower-case letters, digits and dashes")
    command = r.text(
        "command",
        required=False,
        pattern=limits.COMMAND_NAME_PATTERN,
        expected="a Discord command name (1-32 of a-z, 0-9, - and _)",
    )
    parent = r.text("parent", required=False, pattern=ID_PATTERN, expected="a topic id")
    choice = r.text("choice", required=False, max_len=limits.CHOICE_NAME)
    if command and parent:
        r.fail("parent", "a topic has a command or a parent, not both")
    elif not command and not parent and "command" not in r.data and "parent" not in r.data:
        r.fail("command", "missing: a topic needs a command, or a parent whose command reaches it")
    if parent and not choice:
        r.fail("choice", "missing: a topic with a parent needs the label of its choice")
    if choice and not parent:
        r.fail("choice", "only a topic with a parent has a choice")

    option = None
    if (opt := r.mapping("option", required=False)) is not None:
        opt.only(OPTION_FIELDS)
        name = opt.text("name", pattern=limits.COMMAND_NAME_PATTERN, expected="a Discord option name")
        desc = opt.text("description", max_len=limits.COMMAND_DESCRIPTION)
        if name and desc:
            option = CommandOption(name=name, description=desc)

    block_heading = block_starts = None
    if (block := r.mapping("block")) is not None and block.ok:
        block.only(BLOCK_FIELDS)
        block_heading = block.text("heading", required=False)
        block_starts = block.text("starts", required=False)
        if (block_heading is None) == (block_starts is None):
            r.fail("block", "give exactly one of 'heading' (a heading line) or 'starts' (a paragraph's first words)")

    title = r.text("title", max_len=limits.EMBED_TITLE)
    short = r.text("short", max_len=limits.SHORT_NAME)
    summary = r.text("summary", max_len=limits.SUMMARY)
    description = r.text("description", required=bool(command), max_len=limits.COMMAND_DESCRIPTION)

    points: list[_RawPoint] = []
    for index, item in r.items("points"):
        p = _Reader(doc, problems, item, ("points", index))
        if not p.ok:
            continue
        p.only(POINT_FIELDS)
        heading = p.text("heading", max_len=limits.POINT_HEADING)
        text = p.text("text")
        quote = p.text("quote")
        paragraph = p.integer("paragraph")
        _check_body(p, text, quote)
        if heading and text and quote and paragraph:
            points.append(_RawPoint(("points", index), heading, text, quote, paragraph))
    related = r.texts("related", max_len=64, pattern=ID_PATTERN)
    aliases = r.texts("aliases", max_len=limits.CHOICE_NAME)

    if not (topic_id and title and short and summary):
        return None
    return _RawTopic(
        doc=doc,
        id=topic_id,
        command=command,
        parent=parent,
        choice=choice,
        option=option,
        block_heading=block_heading,
        block_starts=block_starts,
        title=title,
        short=short,
        summary=summary,
        description=description,
        points=points,
        related=related,
        aliases=aliases,
    )


def _check_body(reader: _Reader, text: str | None, quote: str | None) -> None:
    """A point or event is shown as one embed field; its text and quote must fit there together."""
    if text and quote and len(text) + len(quote) > limits.POINT_BODY:
        size = len(text) + len(quote)
        reader.fail("quote", f"text and quote are {size} characters; at most {limits.POINT_BODY} fit")


def _parse_timeline(doc: YamlDocument, problems: _Collector) -> list[_RawEvent]:
    r = _Reader(doc, problems, doc.data)
    r.only({"events"})
    events: list[_RawEvent] = []
    # A document may name no moment in time (a server's rules): `events: []` is a valid, empty timeline.
    for index, item in r.items("events", required=False):
        e = _Reader(doc, problems, item, ("events", index))
        if not e.ok:
            continue
        e.only(EVENT_FIELDS)
        event_id = e.text("id", pattern=ID_PATTERN, expected="an id of lower-case letters, digits and dashes")
        when = e.text("when", max_len=limits.CHOICE_NAME)
        title = e.text("title", max_len=limits.EMBED_TITLE)
        text = e.text("text")
        quote = e.text("quote")
        topic = e.text("topic", pattern=ID_PATTERN, expected="a topic id")
        paragraph = e.integer("paragraph")
        _check_body(e, text, quote)
        if when and quote and normalise(when).lower() not in normalise(quote).lower():
            e.fail("when", f"'{when}' is not in the quote: use the document's own wording")
        if event_id and when and title and text and quote and topic and paragraph:
            events.append(_RawEvent(("events", index), event_id, when, title, text, quote, topic, paragraph))
    return events


def _assemble(
    pack: Pack,
    source_text: str,
    topics: list[_RawTopic],
    events: list[_RawEvent],
    timeline_doc: YamlDocument | None,
    problems: _Collector,
    broken: set[str],
) -> Library | None:
    lines = lines_of(source_text)
    _check_unique(topics, problems)
    by_id = {t.id: t for t in topics}

    starts: list[tuple[Line, bool]] = []
    for t in topics:
        t.start = find_start(lines, heading=t.block_heading, starts=t.block_starts)
        if t.start is None and (t.block_heading or t.block_starts):
            key = "heading" if t.block_heading else "starts"
            problems.add(t.doc, ("block", key), f"'{t.block_heading or t.block_starts}' is not in the source")
        elif t.start is not None:
            starts.append((t.start, t.block_heading is not None))
    claimed = {line.number for line, _ in starts}
    if len(claimed) != len(starts):
        for t in topics:
            if t.start and sum(1 for line, _ in starts if line.number == t.start.number) > 1:
                problems.add(t.doc, ("block",), f"another topic also starts at source line {t.start.number}")
    for heading in heading_lines(lines):
        if heading.number not in claimed and not broken:
            problems.problems.append(
                Problem(pack.source_file, heading.number, "", f"heading '{heading.text}' has no topic")
            )
    if lines and claimed and min(claimed) != lines[0].number:
        problems.problems.append(
            Problem(pack.source_file, lines[0].number, "", f"lines before line {min(claimed)} belong to no topic")
        )

    for t in topics:
        if t.parent is not None:
            parent = by_id.get(t.parent)
            if parent is None and t.parent not in broken:
                problems.add(t.doc, ("parent",), f"unknown topic '{t.parent}'")
            elif parent is None:
                pass
            elif parent.command is None:
                problems.add(t.doc, ("parent",), f"'{t.parent}' has no command of its own to reach this topic from")
            elif parent.option is None:
                problems.add(parent.doc, ("option",), f"missing: '{t.id}' names this topic as its parent")
        for index, rel in enumerate(t.related):
            if rel not in by_id and rel not in broken:
                problems.add(t.doc, ("related", index), f"unknown topic '{rel}'")
            elif rel not in by_id:
                pass
            elif rel == t.id:
                problems.add(t.doc, ("related", index), "a topic cannot be related to itself")
        if t.option is not None and not any(c.parent == t.id for c in topics):
            problems.add(t.doc, ("option",), "no topic names this one as its parent")
    _check_choices(topics, problems)

    if problems.problems or len(starts) != len(topics):
        return None

    blocks = cut_blocks(lines, starts)
    block_of = {line.number: index for index, (line, _) in enumerate(sorted(starts, key=lambda s: s[0].number))}
    section_of = {t.id: t.short for t in topics}
    normal = {p: normalise(p.text) for b in blocks for p in b.paragraphs}

    def cite(doc: YamlDocument, path: KeyPath, topic: _RawTopic, paragraph: int, quote: str) -> Citation | None:
        assert topic.start is not None
        block: Block = blocks[block_of[topic.start.number]]
        if paragraph > len(block.paragraphs):
            problems.add(doc, (*path, "paragraph"), f"'{topic.id}' has {len(block.paragraphs)} paragraphs")
            return None
        wanted = normalise(quote)
        if wanted not in normal[block.paragraphs[paragraph - 1]]:
            elsewhere = [
                f"{by_start[b.first_line].id} ¶{p.number}"
                for b in blocks
                for p in b.paragraphs
                if wanted in normal[p] and b.first_line in by_start
            ]
            hint = f" (found in {', '.join(elsewhere)})" if elsewhere else " (not found anywhere in the source)"
            problems.add(doc, (*path, "quote"), f"not found verbatim in '{topic.id}' ¶{paragraph}{hint}")
            return None
        return Citation(block=block.index, section=section_of[topic.id], paragraph=paragraph)

    by_start = {t.start.number: t for t in topics if t.start}
    ordered = sorted(topics, key=lambda t: t.start.number if t.start else 0)
    children_of: dict[str, list[str]] = {}
    for t in ordered:
        if t.parent is not None:
            children_of.setdefault(t.parent, []).append(t.id)
    built: list[Topic] = []
    for t in ordered:
        points = []
        for rp in t.points:
            citation = cite(t.doc, rp.path, t, rp.paragraph, rp.quote)
            if citation is not None:
                points.append(Point(rp.heading, rp.text, rp.quote, citation))
        assert t.start is not None
        built.append(
            Topic(
                id=t.id,
                command=t.command,
                parent=t.parent,
                choice=t.choice,
                option=t.option,
                title=t.title,
                short=t.short,
                summary=t.summary,
                description=t.description,
                block=block_of[t.start.number],
                points=tuple(points),
                related=t.related,
                aliases=t.aliases,
                children=tuple(children_of.get(t.id, ())),
                origin=(t.doc.name, t.doc.line(("command",))),
            )
        )

    timeline: list[TimelineEvent] = []
    seen_events: dict[str, KeyPath] = {}
    for e in events:
        assert timeline_doc is not None
        if e.id in seen_events:
            problems.add(timeline_doc, (*e.path, "id"), f"duplicate event id '{e.id}'")
        seen_events.setdefault(e.id, e.path)
        topic = by_id.get(e.topic)
        if topic is None:
            if e.topic not in broken:
                problems.add(timeline_doc, (*e.path, "topic"), f"unknown topic '{e.topic}'")
            continue
        citation = cite(timeline_doc, e.path, topic, e.paragraph, e.quote)
        if citation is not None:
            timeline.append(TimelineEvent(e.id, e.when, e.title, e.text, e.quote, e.topic, citation))

    if problems.problems:
        return None
    source = SourceDocument(title=pack.source_title, path=pack.source_file, text=source_text, blocks=blocks)
    return Library(pack=pack, source=source, topics=tuple(built), timeline=tuple(timeline))


def _check_unique(topics: list[_RawTopic], problems: _Collector) -> None:
    def dupes(key: Callable[[_RawTopic], str | None], field_name: str, what: str) -> None:
        first: dict[str, _RawTopic] = {}
        for t in topics:
            value = key(t)
            if value is None:
                continue
            if value in first:
                problems.add(t.doc, (field_name,), f"duplicate {what} '{value}' (also in {first[value].doc.name})")
            first.setdefault(value, t)

    dupes(lambda t: t.id, "id", "topic id")
    dupes(lambda t: t.command, "command", "command name")


def _check_choices(topics: list[_RawTopic], problems: _Collector) -> None:
    commands = [t for t in topics if t.command]
    if len(commands) > limits.COMMANDS_PER_SCOPE:
        problems.add(commands[-1].doc, ("command",), f"more than {limits.COMMANDS_PER_SCOPE} commands")
    children_of: dict[str, list[_RawTopic]] = {}
    for t in topics:
        if t.parent is not None:
            children_of.setdefault(t.parent, []).append(t)
    for parent in topics:
        children = children_of.get(parent.id, [])
        if len(children) > limits.OPTION_CHOICES:
            problems.add(parent.doc, ("option",), f"{len(children)} children; at most {limits.OPTION_CHOICES}")
        labels: dict[str, _RawTopic] = {}
        for c in children:
            if c.choice and c.choice.lower() in labels:
                problems.add(c.doc, ("choice",), f"duplicate choice '{c.choice}' under '{parent.id}'")
            if c.choice:
                labels.setdefault(c.choice.lower(), c)
