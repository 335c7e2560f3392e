"""The field table: one declaration per content field, written on the model attribute it fills.

A model in `models.py` declares each of its fields with `text_field()`, `whole_field()`, `texts_field()`,
`record_field()` or `records_field()`: the YAML key it is read from, whether it is required, and what makes it
valid. `read()` checks a YAML mapping against those declarations and returns what it found, every fault located by
its key path; `build()` turns a faultless `Record` into the frozen model. Nothing else in the loader names a
field's type or limits, so adding a field is one line on its model (and its line in content/README.md). Rules
that tie several fields together (a command or a parent, never both) are the loader's `RULES`.

Where the install could build it, `_fieldreader` (C) reads a mapping against the same table first, and gives it
back at the first fault; every fault is found and worded by the Python reader here. It builds the models too,
walking the fields as `_build` does.
"""

from __future__ import annotations

import dataclasses
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any, Final

from .errors import shown
from .yamlfile import KeyPath

try:
    from . import _fieldreader
except ImportError:  # not built here (no C compiler at install): the Python reader does it all
    _fieldreader = None  # type: ignore[assignment]

ID_PATTERN: Final = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR_PATTERN: Final = re.compile(r"^#[0-9a-fA-F]{6}$")
URL_PATTERN: Final = re.compile(r"^https?://\S+$")
AN_ID: Final = "an id of lower-case letters, digits and dashes"

_SPEC: Final = "content"
_MISSING: Final = object()


@dataclass(frozen=True, slots=True)
class Spec:
    """How one field is written in YAML and checked. `key` is the attribute's name unless given; a dotted key
    ("source.title") is read from a nested mapping. `into` says what the loader makes of the value read when the
    attribute holds something else (a block's index, a citation); `build()` then needs it given."""

    kind: str
    key: str = ""
    required: bool = True
    required_with: str = ""
    max_len: int | None = None
    pattern: re.Pattern[str] | None = None
    expected: str = ""
    minimum: int = 1
    model: type | None = None
    convert: Callable[[Any], Any] | None = None
    into: str = ""
    max_items: int | None = None


def _declare(spec: Spec, default: Any) -> Any:
    if default is _MISSING:
        return field(metadata={_SPEC: spec})
    return field(default=default, metadata={_SPEC: spec})


def text_field(
    *,
    key: str = "",
    required: bool = True,
    required_with: str = "",
    max_len: int | None = None,
    pattern: re.Pattern[str] | None = None,
    expected: str = "",
    convert: Callable[[str], Any] | None = None,
    default: Any = _MISSING,
) -> Any:
    """Text (a number is taken as its digits), stripped, not empty."""
    spec = Spec("text", key, required, required_with, max_len, pattern, expected, convert=convert)
    return _declare(spec, default)


def whole_field(*, key: str = "", minimum: int = 1, into: str = "", default: Any = _MISSING) -> Any:
    """A whole number of at least `minimum`."""
    return _declare(Spec("whole", key, minimum=minimum, into=into), default)


def texts_field(
    *,
    key: str = "",
    max_len: int,
    max_items: int | None = None,
    pattern: re.Pattern[str] | None = None,
    expected: str = "",
    default: Any = (),
) -> Any:
    """An optional list of texts; items that are not valid are reported and left out."""
    spec = Spec("texts", key, False, max_len=max_len, pattern=pattern, expected=expected, max_items=max_items)
    return _declare(spec, default)


def record_field(model: type, *, key: str = "", required: bool = True, into: str = "", default: Any = _MISSING) -> Any:
    """A mapping read as `model`'s own fields."""
    return _declare(Spec("record", key, required, model=model, into=into), default)


def records_field(model: type, *, key: str = "", required: bool = True, default: Any = _MISSING) -> Any:
    """A list of mappings, each read as `model`'s fields; required means not empty."""
    return _declare(Spec("records", key, required, model=model), default)


_SPECS: dict[type, tuple[tuple[str, Spec], ...]] = {}


def specs(model: type) -> tuple[tuple[str, Spec], ...]:
    """(attribute, spec) for each declared field of `model`, in declaration order, with every key filled in."""
    found = _SPECS.get(model)
    if found is None:
        found = tuple(
            (f.name, dataclasses.replace(f.metadata[_SPEC], key=f.metadata[_SPEC].key or f.name))
            for f in dataclasses.fields(model)
            if _SPEC in f.metadata
        )
        _SPECS[model] = found
    return found


def keys(model: type) -> set[str]:
    """Every key a model's YAML may hold, nested ones written `option.name`, `points[].heading`."""
    out: set[str] = set()
    for _, spec in specs(model):
        if "." in spec.key:
            out.add(spec.key.split(".")[0])
        out.add(spec.key)
        if spec.model is not None:
            joint = "[]." if spec.kind == "records" else "."
            out.update(f"{spec.key}{joint}{inner}" for inner in keys(spec.model))
    return out


@dataclass(frozen=True, slots=True)
class Fault:
    path: KeyPath
    message: str


@dataclass(slots=True)
class Record:
    """What was read of one mapping: valid values by YAML key (dotted for nested ones), and the faults found
    (shared by every record of one file, in the order found). `data` is the mapping as written."""

    path: KeyPath
    data: Mapping[Any, Any]
    faults: list[Fault]
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def fail(self, key: str | int | KeyPath, message: str) -> None:
        sub = key if isinstance(key, tuple) else (key,)
        self.faults.append(Fault(self.path + sub, message))

    def records(self, key: str) -> list[Record]:
        return self.values.get(key) or []

    def items(self, key: str) -> tuple[tuple[int, str], ...]:
        """A `texts` field as (index in the YAML list, text) pairs, so a fault can point at its item."""
        return self.values.get(key) or ()


Rules = Mapping[type, Callable[[Record], None]]


def kind_of(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", bool: "true/false", int: "a number", float: "a number"}
    return "nothing" if value is None else names.get(type(value), type(value).__name__)


def read(
    model: type, data: Any, path: KeyPath = (), rules: Rules | None = None, faults: list[Fault] | None = None
) -> Record:
    """Check `data` against `model`'s declarations. The record's faults say everything that is wrong."""
    if faults is None and _fieldreader is not None and type(data) is dict and (rules is None or type(rules) is dict):
        # The C reader takes a mapping the table finds nothing wrong with, and gives up at the first fault: the
        # reader below then reads it again, and words every fault.
        fast: Record | None = _fieldreader.read(_compiled(model), data, path, rules, Record)
        if fast is not None:
            return fast
    faults = [] if faults is None else faults
    if not isinstance(data, dict):
        empty = data is None and not path
        faults.append(Fault(path, "the file is empty" if empty else f"expected a mapping, got {kind_of(data)}"))
        return Record(path, {}, faults)
    rec = Record(path, data, faults)
    _read_level(rec, data, path, _layout(model), "", rules or {})
    rule = (rules or {}).get(model)
    if rule is not None:
        rule(rec)
    return rec


# A model's fields grouped by the first part of their key: a dotted key is a field of a nested mapping.
_Layout = dict[str, "Spec | _Layout"]
_LAYOUTS: dict[type, _Layout] = {}


def _layout(model: type) -> _Layout:
    found = _LAYOUTS.get(model)
    if found is None:
        found = {}
        for _, spec in specs(model):
            *groups, last = spec.key.split(".")
            level = found
            for group in groups:
                level = level.setdefault(group, {})  # type: ignore[assignment]
            level[last] = spec
        _LAYOUTS[model] = found
    return found


# How `_compiled` numbers a spec's kind (and a nested mapping's), as _fieldreader.c reads them.
_GROUP: Final = 0
_KINDS: Final = {"text": 1, "whole": 2, "texts": 3, "record": 4, "records": 5}
_COMPILED: dict[type, tuple[Any, ...]] = {}


def _compiled(model: type) -> tuple[Any, ...]:
    """`model`'s layout as the C reader walks it: tuples, in the order `_read_level` reads; and its fields as
    `_build` walks them (the shapes are written at the top of _fieldreader.c)."""
    found = _COMPILED.get(model)
    if found is None:
        plan = tuple(
            (name, _KINDS[spec.kind], spec.key, spec.into, None if spec.model is None else _compiled(spec.model))
            for name, spec in specs(model)
        )
        found = _COMPILED[model] = (model, _compiled_level(_layout(model), ""), plan)
    return found


def _compiled_level(layout: _Layout, prefix: str) -> tuple[frozenset[str], tuple[tuple[Any, ...], ...]]:
    entries: list[tuple[Any, ...]] = []
    for name, entry in layout.items():
        if not isinstance(entry, Spec):
            required = any(_required(e) for e in _leaves(entry))
            entries.append((name, _GROUP, required, _compiled_level(entry, f"{prefix}{name}.")))
            continue
        entries.append(
            (
                name,
                _KINDS[entry.kind],
                prefix + name,
                entry.required,
                prefix + entry.required_with if entry.required_with else None,
                -1 if entry.max_len is None else entry.max_len,
                None if entry.pattern is None else entry.pattern.match,
                entry.convert,
                entry.minimum,
                -1 if entry.max_items is None else entry.max_items,
                None if entry.model is None else _compiled(entry.model),
            )
        )
    return frozenset(layout), tuple(entries)


def _read_level(rec: Record, data: dict[Any, Any], path: KeyPath, layout: _Layout, prefix: str, rules: Rules) -> None:
    if not data.keys() <= layout.keys():  # one set comparison in the usual case of no unknown key
        for key in data:
            if key not in layout:
                hint = _closest(str(key), layout)
                said = "unknown field" + (f" (did you mean '{hint}'?)" if hint else "")
                rec.faults.append(Fault((*path, str(key)), said))
    for name, entry in layout.items():
        value = data.get(name)
        if isinstance(entry, Spec):
            if value is None:
                if entry.required or (entry.required_with and prefix + entry.required_with in rec.values):
                    rec.faults.append(Fault((*path, name), "missing required field"))
                continue
            found = _READERS[entry.kind](entry, value, path, name, rec, rules)
            if found is not None:
                rec.values[prefix + name] = found
        elif value is None:
            if any(_required(e) for e in _leaves(entry)):
                rec.faults.append(Fault((*path, name), "missing required field"))
        elif not isinstance(value, dict):
            rec.faults.append(Fault((*path, name), f"expected a mapping, got {kind_of(value)}"))
        else:
            _read_level(rec, value, (*path, name), entry, f"{prefix}{name}.", rules)


def _leaves(layout: _Layout) -> Iterator[Spec]:
    for entry in layout.values():
        if isinstance(entry, Spec):
            yield entry
        else:
            yield from _leaves(entry)


def _required(spec: Spec) -> bool:
    return spec.required and not spec.required_with


def _closest(word: str, options: Mapping[str, Any]) -> str | None:
    found = get_close_matches(word[:100], sorted(options), n=1, cutoff=0.6)
    return found[0] if found else None


def _text(spec: Spec, value: Any, path: KeyPath, name: str, rec: Record, rules: Rules) -> Any:
    if type(value) is str:
        value = value.strip()
    elif isinstance(value, bool) or not isinstance(value, str | int | float):
        rec.faults.append(Fault((*path, name), f"expected text, got {kind_of(value)}"))
        return None
    else:
        value = str(value).strip()
    if not value:
        rec.faults.append(Fault((*path, name), "must not be empty"))
        return None
    if spec.max_len is not None and len(value) > spec.max_len:
        rec.faults.append(Fault((*path, name), f"is {len(value)} characters; at most {spec.max_len} fit"))
    if spec.pattern is not None and not spec.pattern.match(value):
        rec.faults.append(Fault((*path, name), f"{shown(value)} is not {spec.expected or 'valid'}"))
        return None
    return spec.convert(value) if spec.convert is not None else value


def _whole(spec: Spec, value: Any, path: KeyPath, name: str, rec: Record, rules: Rules) -> Any:
    if type(value) is not int:  # true/false are ints to Python, not whole numbers to an editor
        rec.faults.append(Fault((*path, name), f"expected a whole number, got {kind_of(value)}"))
        return None
    if value < spec.minimum:
        rec.faults.append(Fault((*path, name), f"must be at least {spec.minimum}"))
        return None
    return value


def _texts(spec: Spec, value: Any, path: KeyPath, name: str, rec: Record, rules: Rules) -> Any:
    path = (*path, name)
    if not isinstance(value, list):
        rec.faults.append(Fault(path, f"expected a list, got {kind_of(value)}"))
        return None
    if spec.max_items is not None and len(value) > spec.max_items:
        rec.faults.append(Fault(path, f"has {len(value)} items; at most {spec.max_items}"))
    out = []
    for index, written in enumerate(value):
        # Text is by far the usual item: one type check for it, the full ones only for anything else.
        if type(written) is str:
            item = written.strip()
        elif isinstance(written, bool) or not isinstance(written, int | float):
            item = ""
        else:
            item = str(written).strip()
        if not item:
            rec.faults.append(Fault((*path, index), f"expected non-empty text, got {kind_of(written)}"))
            continue
        if spec.max_len is not None and len(item) > spec.max_len:
            rec.faults.append(Fault((*path, index), f"is {len(item)} characters; at most {spec.max_len} fit"))
        elif spec.pattern is not None and not spec.pattern.match(item):
            rec.faults.append(Fault((*path, index), f"{shown(item)} is not {spec.expected or 'valid'}"))
        else:
            out.append((index, item))
    return tuple(out)


def _record(spec: Spec, value: Any, path: KeyPath, name: str, rec: Record, rules: Rules) -> Any:
    assert spec.model is not None
    inner = read(spec.model, value, (*path, name), rules, rec.faults)
    return inner if isinstance(value, dict) else None


def _records(spec: Spec, value: Any, path: KeyPath, name: str, rec: Record, rules: Rules) -> Any:
    assert spec.model is not None
    path = (*path, name)
    if not isinstance(value, list):
        rec.faults.append(Fault(path, f"expected a list, got {kind_of(value)}"))
        return None
    if spec.required and not value:
        rec.faults.append(Fault(path, "must not be empty"))
    out = []
    for index, item in enumerate(value):
        if isinstance(item, dict):
            out.append(read(spec.model, item, (*path, index), rules, rec.faults))
        else:
            rec.faults.append(Fault((*path, index), f"expected a mapping, got {kind_of(item)}"))
    return out


_READERS: Final[dict[str, Callable[[Spec, Any, KeyPath, str, Record, Rules], Any]]] = {
    "text": _text,
    "whole": _whole,
    "texts": _texts,
    "record": _record,
    "records": _records,
}


# A `texts` field is read as (index, text) pairs; the model keeps the texts.
_TEXT_OF_ITEM: Final = operator.itemgetter(1)


def build(model: type, rec: Record, **given: Any) -> Any:
    """The frozen model from a faultless record; `given` supplies what the loader computes (and overrides)."""
    # The same walk in C where the install built it (a large pack builds some 80,000 models), over the plan of
    # the fields `_compiled` makes; it gives None where the loader left out a field it must give, and the walk
    # here says which.
    reader = _fieldreader
    built = None if reader is None else reader.build(_compiled(model), rec, given)
    return _build(model, rec, given) if built is None else built


def _build(model: type, rec: Record, given: dict[str, Any]) -> Any:
    values = rec.values
    arguments = dict(given)
    for name, spec in specs(model):
        if name in arguments:
            continue
        if spec.into:
            raise TypeError(f"{model.__name__}.{name} is {spec.into}: the loader must give it")
        value = values.get(spec.key)
        if spec.kind == "texts":
            value = tuple(map(_TEXT_OF_ITEM, value)) if value else ()
        elif spec.kind == "record":
            value = None if value is None else _build(spec.model, value, {})  # type: ignore[arg-type]
        elif spec.kind == "records":
            value = tuple(_build(spec.model, item, {}) for item in value or ())  # type: ignore[arg-type]
        arguments[name] = value
    return model(**arguments)
