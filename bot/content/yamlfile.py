"""Parsing one YAML file safely and fast, while still knowing the line of every key for messages.

A content file is built straight from the C parser's events into plain data (dicts, lists, text, numbers):
that is several times faster than composing a node tree and constructing from it. The node tree, which knows
where each key was written, is composed only when a problem in that file needs a line. Anything the event path
does not handle itself (tags beyond the plain types, merge keys, complex keys, several documents) goes through
PyYAML's own safe loader, so the two never disagree about what a file means; neither runs any code.

Where the install could build it, `_plainyaml` (C, on the same libyaml) reads the events first, without making
a Python object of each: at the size of a large pack those objects cost more than the parsing. It takes the
common case and declines the rest (an anchor, a tag on a collection, a syntax error…) to the event path here;
its scalars that may not be text are resolved by `_scalar` below, so the rules stay in one place. libyaml's
part runs without the GIL: for a pack's topic files (`parse_all`), it reads the next files in a thread of the C
path's own while the loader checks this one, so a large pack loads on two cores.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Final

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import clip

try:
    from . import _plainyaml
except ImportError:  # not built here (no C compiler or no libyaml headers at install): the event path does it all
    _plainyaml = None  # type: ignore[assignment]

# The C loader is several times faster where PyYAML was built with libyaml; both construct only plain types.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

KeyPath = tuple[str | int, ...]

# Deeper nesting than any pack needs is refused before anything recursive (the composer, the constructor) sees it.
MAX_DEPTH: Final = 64

_TAG = "tag:yaml.org,2002:"
_STR: Final = _TAG + "str"
_PLAIN_TYPES: Final = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "binary"))
_COLLECTION_TAGS: Final = {MappingStartEvent: (None, "!", _TAG + "map"), SequenceStartEvent: (None, "!", _TAG + "seq")}
# A plain scalar starting with any other character is text: no implicit resolver (number, bool, null…) applies.
# The empty string is there too: an empty plain scalar is null.
_MAYBE_NOT_TEXT: Final = frozenset(k for k in SafeLoader.yaml_implicit_resolvers if k is not None) | {""}
_OPEN: Final = object()
# How short plain scalars resolve ("title", "true", "2004"…): keys repeat in every file, so ask the resolver once.
_RESOLVED: dict[str, str] = {}


def _first_bytes(chars: frozenset[str]) -> bytes | None:
    """`_MAYBE_NOT_TEXT` as the C path's table of 256 flags, or None where a resolver starts with a character a
    byte cannot stand for (one added for a non-ASCII start): then the C path is not used at all."""
    flags = bytearray(256)
    for char in chars - {""}:
        if len(char) != 1 or not char.isascii():
            return None
        flags[ord(char)] = 1
    return bytes(flags)


_MAYBE_FLAGS: Final = _first_bytes(_MAYBE_NOT_TEXT)
# Resolving a scalar uses only a loader's resolver and its constructors of plain types, which keep no state:
# one loader, never parsing, serves every file the C path reads, in any thread.
_SCALARS: Final = SafeLoader(b"")


def format_key(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{clip(part, 100)}" if out else clip(part, 100))
    return out


class YamlSyntaxError(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Unusual(Exception):
    """The event path met something only PyYAML's full safe loader handles."""


class YamlDocument:
    """A parsed file: its plain data, and (composed when first asked, from its UTF-8 text) the node tree that
    knows where each key was written."""

    def __init__(
        self,
        name: str,
        data: Any,
        text: bytes,
        node: Node | None = None,
        duplicates: bool = False,
        top_lines: dict[Any, int] | None = None,
    ) -> None:
        self.name, self.data, self._text, self._node = name, data, text, node
        self.has_duplicates = duplicates
        # The line of each key of the top mapping, noted while parsing: asked for on every load (a command's
        # origin), they must not cost the node tree.
        self._top_lines = top_lines or {}
        # Each mapping's keys, indexed when a line in it is first asked for: a file with many faults in one big
        # mapping must not scan it once per fault.
        self._keys: dict[int, dict[Any, tuple[Node, Node]]] = {}

    @property
    def node(self) -> Node | None:
        if self._node is None and self._text:
            loader = SafeLoader(self._text)
            try:
                self._node = loader.get_single_node()
            finally:
                loader.dispose()
        return self._node

    def line(self, path: KeyPath) -> int | None:
        """1-based line of the value at `path`, or of the nearest ancestor that exists."""
        if len(path) == 1 and path[0] in self._top_lines:
            return self._top_lines[path[0]]
        node = self.node
        best = node.start_mark.line + 1 if node is not None else None
        for part in path:
            if isinstance(node, MappingNode) and isinstance(part, str):
                pair = self._keys_of(node).get(part)
                if pair is None:
                    return best
                node, best = pair[1], pair[0].start_mark.line + 1
            elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                best = node.start_mark.line + 1
            else:
                return best
        return best

    def _keys_of(self, node: MappingNode) -> dict[Any, tuple[Node, Node]]:
        found = self._keys.get(id(node))
        if found is None:
            found = {}
            for key, value in node.value:
                found.setdefault(getattr(key, "value", None), (key, value))
            self._keys[id(node)] = found
        return found

    def duplicates(self) -> Iterator[tuple[KeyPath, int, int]]:
        """(path of the repeated key, line of its first use, line of the repeat) for every key given twice."""
        if not self.has_duplicates or self.node is None:
            return
        todo: list[tuple[KeyPath, Node]] = [((), self.node)]
        seen: set[int] = set()  # a node reached again through an alias is looked at once
        while todo:
            path, node = todo.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, SequenceNode):
                todo += [((*path, index), item) for index, item in enumerate(node.value)]
            elif isinstance(node, MappingNode):
                first: dict[tuple[str, str], int] = {}
                for key, value in node.value:
                    if isinstance(key, ScalarNode):
                        line = key.start_mark.line + 1
                        if (key.tag, key.value) in first:
                            yield (*path, key.value), first[key.tag, key.value], line
                        first.setdefault((key.tag, key.value), line)
                        todo.append(((*path, key.value), value))


def parse_yaml(text: str | bytes, name: str) -> YamlDocument:
    """Parse `text` (bytes: UTF-8) safely. Raises `YamlSyntaxError` with the line where the fault starts."""
    # Parsed, and kept for the lines of any problem found later, as UTF-8: the C parser reads that anyway, and
    # kept as text, one typographic quote makes a file two bytes a character, every file of a pack at once.
    try:
        raw = text.encode("utf-8") if isinstance(text, str) else text
    except UnicodeEncodeError as exc:  # a lone surrogate: refused as the parser would refuse it
        raise YamlSyntaxError(None, f"YAML error: {clip(str(exc), 300)}") from exc
    return _document(raw, name, _from_libyaml(raw))


def parse_all(files: Sequence[tuple[str, bytes]]) -> Iterator[YamlDocument | YamlSyntaxError]:
    """`parse_yaml` of each (name, UTF-8 text), in order: the document, or the error that file raised. Where the
    C path is built, libyaml starts at once, in a thread of its own, and reads each next file while the caller
    uses those before."""
    batch = None
    if _plainyaml is not None and _MAYBE_FLAGS is not None and files:
        batch = _plainyaml.Batch([raw for _, raw in files], _MAYBE_FLAGS, _resolve, MAX_DEPTH)
    return _parsed(files, batch)


def _parsed(
    files: Sequence[tuple[str, bytes]], batch: _plainyaml.Batch | None
) -> Iterator[YamlDocument | YamlSyntaxError]:
    for name, raw in files:
        try:
            yield _document(raw, name, _next_built(batch))
        except YamlSyntaxError as exc:
            yield exc


_Built = tuple[Any, bool, dict[Any, int]] | None
# What `_resolve` may raise for a scalar `_scalar` refuses: the event path meets it again, and says where it is.
_REFUSED: Final = (_Unusual, YamlSyntaxError, yaml.YAMLError, ValueError, TypeError, OverflowError)


def _from_libyaml(text: bytes) -> _Built:
    """What `_from_events` gives, built by the C path; None where it is not built or declines the file."""
    if _plainyaml is None or _MAYBE_FLAGS is None:
        return None
    try:
        return _plainyaml.build(text, _MAYBE_FLAGS, _resolve, MAX_DEPTH)
    except _REFUSED:
        return None


def _next_built(batch: _plainyaml.Batch | None) -> _Built:
    """`_from_libyaml` of the batch's next file."""
    if batch is None:
        return None
    try:
        return batch.build()
    except _REFUSED:
        return None


def _document(raw: bytes, name: str, built: _Built) -> YamlDocument:
    """The document of `raw`: from what the C path built, or else the Python way."""
    try:
        try:
            data, duplicates, top_lines = built or _from_events(raw)
            return YamlDocument(name, data, raw, duplicates=duplicates, top_lines=top_lines)
        except _Unusual:
            return _full_load(raw, name)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, raw) from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, f"YAML error: {clip(str(exc), 300)}") from exc
    except (ValueError, TypeError, OverflowError) as exc:  # a tagged value its constructor refuses: `!!int x`
        raise YamlSyntaxError(None, f"YAML error: {clip(str(exc), 300)}") from exc


def _resolve(value: str, tag: str | None) -> Any:
    """`_scalar` for the C path, which has no event to give: an untagged scalar it passes is plain."""
    if tag is None and _RESOLVED.get(value) == _STR:
        return value  # a key such as "text" or "title", asked in every file: known to be text without an event
    return _scalar(_SCALARS, ScalarEvent(None, tag, (True, False), value), value)


def _from_events(text: bytes) -> tuple[Any, bool, dict[Any, int]]:
    """(data, whether some mapping repeats a key, the line of each top-level key), built from the parser's
    events without a node tree."""
    loader = SafeLoader(text)
    try:
        get = loader.get_event
        get()  # the stream's start
        if isinstance(get(), StreamEndEvent):
            return None, False, {}
        build = _EventBuilder(loader)
        data = build.value(get(), 0)
        if not isinstance(get(), DocumentEndEvent) or not isinstance(get(), StreamEndEvent):
            raise _Unusual  # a second document: the full loader reports it
        return data, build.duplicates, build.top_lines
    finally:
        loader.dispose()


class _EventBuilder:
    """Plain data from a stream of parser events: one method per kind of collection, with the scalar case,
    by far the most common, handled inline."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader, self.get = loader, loader.get_event
        self.anchors: dict[str, Any] = {}
        self.open: list[Any] = []  # collections not yet closed: an alias to one would make a cycle
        self.duplicates = False
        self.top_lines: dict[Any, int] = {}

    def value(self, event: Any, depth: int) -> Any:
        kind = type(event)
        if kind is ScalarEvent:
            value: Any = event.value
            # Quoted or folded text without a tag is text: only plain scalars and tags need resolving.
            if event.tag is not None or (event.implicit[0] and value[:1] in _MAYBE_NOT_TEXT):
                value = _scalar(self.loader, event, value)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.tag not in _COLLECTION_TAGS[kind]:
                raise _Unusual
            if depth >= MAX_DEPTH:
                raise YamlSyntaxError(_line(event), f"nested more than {MAX_DEPTH} levels deep")
            value = {} if kind is MappingStartEvent else []
            if event.anchor is not None:
                self.anchors[event.anchor] = value
            self.open.append(value)
            if kind is MappingStartEvent:
                self.mapping(value, depth + 1)
            else:
                self.sequence(value, depth + 1)
            self.open.pop()
            return value
        elif kind is AliasEvent:
            value = self.anchors.get(event.anchor, _OPEN)
            if value is _OPEN or any(value is open_ for open_ in self.open):
                raise _Unusual  # undefined or recursive: the full loader says what it makes of it
            return value
        else:
            raise _Unusual
        if event.anchor is not None:
            self.anchors[event.anchor] = value
        return value

    def mapping(self, out: dict[Any, Any], depth: int) -> None:
        get, value, loader, anchors = self.get, self.value, self.loader, self.anchors
        lines = self.top_lines if depth == 1 else None
        while True:
            event = get()
            kind = type(event)
            if kind is MappingEndEvent:
                return
            if kind is not ScalarEvent:
                raise _Unusual  # a mapping, a list or an alias as a key
            key = event.value
            if event.tag is not None or (event.implicit[0] and key[:1] in _MAYBE_NOT_TEXT):
                key = _scalar(loader, event, key)
            if event.anchor is not None:
                anchors[event.anchor] = key
            if lines is not None:
                lines.setdefault(key, event.start_mark.line + 1)  # a repeated key: its first, as the tree says
            event = get()
            if type(event) is ScalarEvent and event.anchor is None:  # the usual case, without a call
                item = event.value
                if event.tag is not None or (event.implicit[0] and item[:1] in _MAYBE_NOT_TEXT):
                    item = _scalar(loader, event, item)
            else:
                item = value(event, depth)
            if key in out:
                self.duplicates = True
            out[key] = item

    def sequence(self, out: list[Any], depth: int) -> None:
        get, value, append = self.get, self.value, out.append
        while True:
            event = get()
            if type(event) is SequenceEndEvent:
                return
            append(value(event, depth))


def _scalar(loader: yaml.SafeLoader, event: ScalarEvent, value: str) -> Any:
    """What a tagged or possibly-not-text plain scalar means, as PyYAML's safe loader would construct it."""
    tag = event.tag
    if tag is None:
        if len(value) > 5 and value[0].isalpha():
            return value  # of the implicit types only true/false/null words start with a letter, all short
        if value.isdigit() and value.isascii() and (value[0] != "0" or len(value) == 1):
            return int(value)  # a plain decimal (a leading 0 would make it octal)
        tag = _RESOLVED.get(value)
        if tag is None:
            tag = loader.resolve(ScalarNode, value, event.implicit)
            if len(value) <= 16 and len(_RESOLVED) < 4096:
                _RESOLVED[value] = tag
    elif tag == "!":
        return value  # the non-specific tag: text
    if tag == _STR:
        return value
    if tag not in _PLAIN_TYPES:
        raise _Unusual  # a merge key, or a tag the safe loader refuses: it says so, with its line
    node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)  # type: ignore[arg-type]
    try:
        return loader.yaml_constructors[tag](loader, node)
    except (ValueError, TypeError, OverflowError) as exc:
        raise YamlSyntaxError(_line(event), f"YAML error: cannot read the value as {tag[len(_TAG) :]}") from exc


def _line(event: Event) -> int | None:
    """The 1-based line an event starts on (the C parser's marks carry it too)."""
    mark = event.start_mark
    return mark.line + 1 if mark is not None else None


def _full_load(text: bytes, name: str) -> YamlDocument:
    _check_depth(text)
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return YamlDocument(name, data, text, node, duplicates=True)


def _check_depth(text: bytes) -> None:
    loader = SafeLoader(text)
    try:
        depth = 0
        while (event := loader.get_event()) is not None and not isinstance(event, StreamEndEvent):
            if isinstance(event, MappingStartEvent | SequenceStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlSyntaxError(_line(event), f"nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, MappingEndEvent | SequenceEndEvent):
                depth -= 1
    finally:
        loader.dispose()


# Contexts whose mark is where the faulty construct starts (an open quote or bracket, a key without its colon).
_STARTS_HERE: Final = (
    "while scanning a quoted scalar",
    "while parsing a flow",
    "while scanning a simple key",
    "while scanning a block scalar",
)


def _syntax_error(exc: yaml.MarkedYAMLError, text: bytes) -> YamlSyntaxError:
    problem = exc.problem or exc.context or "invalid YAML"
    if exc.problem and exc.context and not exc.context.startswith("while "):
        problem = f"{exc.context}, {exc.problem}"  # "expected a single document…, but found another document"
    problem = clip(problem, 300)
    at, opened = exc.problem_mark, exc.context_mark
    if at is None:
        return YamlSyntaxError(opened.line + 1 if opened else None, f"YAML syntax error: {problem}")
    context = exc.context or ""
    if opened is not None and opened.line != at.line and context.startswith(_STARTS_HERE):
        if context == "while scanning a quoted scalar" and "end of stream" in problem:
            said = f"the quoted text opened here is never closed (the end of the file is line {at.line + 1})"
        else:
            said = f"{problem} on line {at.line + 1}, {context.removeprefix('while ')} that starts here"
        return YamlSyntaxError(opened.line + 1, f"YAML syntax error: {said}")
    quoted = _quote_running_into(text, at)
    if quoted is not None:
        start, end = quoted
        said = (
            f"{problem} on line {end}: the quoted text opened on line {start} runs on to line {end}; "
            "is its closing quote missing?"
        )
        return YamlSyntaxError(start, f"YAML syntax error: {said}")
    return YamlSyntaxError(at.line + 1, f"YAML syntax error: {problem}")


def _quote_running_into(text: bytes, at: yaml.Mark) -> tuple[int, int] | None:
    """(first, last line) of a quoted text spanning lines that ends where the error is: a quote left open
    earlier, closed by accident by the next quote in the file, is the usual cause of such an error."""
    loader = SafeLoader(text)
    last = None
    try:
        while (token := loader.get_token()) is not None and token.start_mark.index < at.index:
            if isinstance(token, yaml.ScalarToken):
                last = token
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    if last is None or last.style not in ('"', "'") or last.end_mark.line != at.line:
        return None
    return (last.start_mark.line + 1, last.end_mark.line + 1) if last.start_mark.line < at.line else None
