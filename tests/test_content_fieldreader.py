"""The field table's C reader (`_fieldreader`) must read a mapping exactly as the Python reader does, or give it
back at the first fault the table itself would report, so that the Python reader words every fault."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.content import fields, yamlfile
from bot.content.loader import RULES
from bot.content.models import Pack, TimelineFile, Topic
from bot.settings import SHIPPED_CONTENT_DIR

pytestmark = pytest.mark.skipif(
    fields._fieldreader is None and os.environ.get("CI", "").lower() != "true",
    reason="the C reader is not built here (no C compiler at install)",
)

SHIPPED: list[tuple[type, Path]] = [
    (Pack, SHIPPED_CONTENT_DIR / "pack.yaml"),
    (TimelineFile, SHIPPED_CONTENT_DIR / "timeline.yaml"),
    *((Topic, path) for path in sorted((SHIPPED_CONTENT_DIR / "topics").glob("*.yaml"))),
]


def data_of(path: Path) -> Any:
    return yamlfile.parse_yaml(path.read_bytes(), path.name).data


def python_read(model: type, data: Any, rules: fields.Rules | None) -> fields.Record:
    saved = fields._fieldreader
    fields._fieldreader = None  # type: ignore[assignment]
    try:
        return fields.read(model, data, (), rules)
    finally:
        fields._fieldreader = saved  # type: ignore[assignment]


def c_read(model: type, data: dict[Any, Any], rules: dict[type, Any] | None) -> fields.Record | None:
    assert fields._fieldreader is not None
    record: fields.Record | None = fields._fieldreader.read(fields._compiled(model), data, (), rules, fields.Record)
    return record


def check_same(model: type, data: dict[Any, Any]) -> fields.Record | None:
    """The C reader's record, shown as repr shows it (values, nested records, paths, faults), is the Python
    reader's; it gives up exactly where the table (not a rule) finds a fault. A faultless record builds the same
    model in C as in Python."""
    for rules in (RULES, None):
        fast = c_read(model, data, rules)
        slow = python_read(model, data, rules)
        if fast is not None:
            assert repr(fast) == repr(slow)
    table_faults = python_read(model, data, None).faults
    assert (c_read(model, data, RULES) is None) == bool(table_faults), table_faults
    record = c_read(model, data, RULES)
    if record is not None and not record.faults:
        check_same_build(model, record)
    return record


def loader_given(model: type) -> dict[str, Any]:
    """A stand-in for each field the loader computes, as `build` must be given them: those it says so of, and
    those of models that hold one (the loader builds a topic's points itself, and gives them)."""
    return {name: f"<{name}>" for name, spec in fields.specs(model) if loader_computes(spec)}


def loader_computes(spec: fields.Spec) -> bool:
    return bool(spec.into) or (spec.model is not None and any(loader_computes(s) for _, s in fields.specs(spec.model)))


def check_same_build(model: type, record: fields.Record, **extra: Any) -> Any:
    given = loader_given(model) | extra
    fast = fields.build(model, record, **given)
    slow = fields._build(model, record, given)
    assert type(fast) is type(slow) is model
    assert fast == slow
    assert repr(fast) == repr(slow)
    return fast


@pytest.mark.parametrize(("model", "path"), SHIPPED, ids=[p.name for _, p in SHIPPED])
def test_the_c_reader_reads_every_shipped_file_as_the_python_reader_does(model: type, path: Path) -> None:
    assert check_same(model, data_of(path)) is not None


def test_read_takes_the_c_reader_and_a_rule_still_reports() -> None:
    data = data_of(SHIPPED_CONTENT_DIR / "topics" / "objectives.yaml")
    data["parent"] = "background"  # a command and a parent, with no choice: only the topic rule says so
    record = fields.read(Topic, data, (), RULES)
    assert [f.message for f in record.faults] == [
        "a topic has a command or a parent, not both",
        "missing: a topic with a parent needs the label of its choice",
    ]
    assert c_read(Topic, data, RULES) is not None
    assert record == python_read(Topic, data, RULES)


# Values that every kind of field may meet: valid ones, and each way one is wrong.
ODD_VALUES = [
    None, "", "  ", " padded ", "x", 0, 1, -1, 7, True, False, 1.5, [], {}, ["a"], [1, "b"], {"x": 1}, "x" * 3000,
    "Not An Id", "objectives", "#12ab34", "https://example.org", "2004", "\u00a0nbsp\u2003", ["", "a"], [True],
]  # fmt: skip
ODD = st.sampled_from(ODD_VALUES)


def paths_in(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in `data`, nested ones included."""
    out = [path] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            out += paths_in(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += paths_in(value, (*path, index))
    return out


def mutated(data: Any, draw: st.DrawFn) -> Any:
    out = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        paths = paths_in(out)
        if not paths:
            break
        *parent_path, last = draw(st.sampled_from(paths))
        parent = out
        for part in parent_path:
            parent = parent[part]
        action = draw(st.sampled_from(["set", "delete", "unknown"]))
        if action == "delete" and isinstance(parent, dict):
            del parent[last]
        elif action == "unknown" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "titel", 3, "quote"]))] = copy.deepcopy(draw(ODD))
        else:
            parent[last] = copy.deepcopy(draw(ODD))  # a sample is shared: changing it would change the next
    return out


def test_each_value_anywhere_in_a_topic_is_read_the_same_or_given_back() -> None:
    """Every odd value, in turn, at every key path of a shipped topic: each kind of field meets each kind of
    wrong value at least once."""
    original = data_of(SHIPPED_CONTENT_DIR / "topics" / "objectives.yaml")
    for path in paths_in(original):
        for value in ODD_VALUES:
            changed = copy.deepcopy(original)
            parent = changed
            for part in path[:-1]:
                parent = parent[part]
            parent[path[-1]] = copy.deepcopy(value)
            check_same(Topic, changed)


@given(st.data())
def test_a_file_changed_anywhere_is_read_the_same_or_given_back(data: st.DataObject) -> None:
    model, path = data.draw(st.sampled_from(SHIPPED))
    changed = mutated(data_of(path), data.draw)
    if isinstance(changed, dict):
        check_same(model, changed)


@given(st.dictionaries(st.sampled_from(["id", "title", "summary", "points", "aliases", "extra"]), ODD, max_size=6))
def test_a_mapping_of_anything_is_read_the_same_or_given_back(data: dict[str, Any]) -> None:
    check_same(Topic, copy.deepcopy(data))


def test_a_yaml_file_of_plain_numbers_and_dates_is_read_the_same() -> None:
    text = "id: 2004\ntitle: 12.5\nsummary: 2004-06-28\ncommand: yes\npoints:\n  - heading: 1\n    text: 0x1F\n"
    data = yaml.safe_load(text)
    check_same(Topic, data)


def test_the_c_reader_takes_only_a_dict_and_a_tuple_path() -> None:
    assert fields._fieldreader is not None
    with pytest.raises(TypeError):
        fields._fieldreader.read(fields._compiled(Topic), [], (), None, fields.Record)  # type: ignore[arg-type]
    record = fields.read(Topic, [1, 2], (), RULES)  # the Python reader says what is wrong
    assert [f.message for f in record.faults] == ["expected a mapping, got a list"]


def test_the_shipped_library_built_in_c_is_the_one_built_in_python(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.content.loader import load_library

    fast = load_library(SHIPPED_CONTENT_DIR)
    monkeypatch.setattr(fields, "_fieldreader", None)
    slow = load_library(SHIPPED_CONTENT_DIR)
    assert fast == slow
    assert repr(fast.topics) == repr(slow.topics)
    assert repr(fast.timeline) == repr(slow.timeline)


def test_build_without_a_field_the_loader_gives_says_so_in_c_as_in_python() -> None:
    record = fields.read(Topic, data_of(SHIPPED_CONTENT_DIR / "topics" / "objectives.yaml"), (), RULES)
    with pytest.raises(TypeError) as fast:
        fields.build(Topic, record)
    with pytest.raises(TypeError) as slow:
        fields._build(Topic, record, {})
    assert str(fast.value) == str(slow.value)
    assert "the loader must give it" in str(fast.value)


def test_a_nested_model_without_a_field_the_loader_gives_says_so_in_c_as_in_python() -> None:
    """Built as a records field, each point needs its citation: the builder reaches the points, as in Python."""
    record = fields.read(Topic, data_of(SHIPPED_CONTENT_DIR / "topics" / "objectives.yaml"), (), RULES)
    given = loader_given(Topic)
    del given["points"]
    with pytest.raises(TypeError) as fast:
        fields.build(Topic, record, **given)
    with pytest.raises(TypeError) as slow:
        fields._build(Topic, record, given)
    assert str(fast.value) == str(slow.value)
    assert str(fast.value).startswith("Point.citation is ")


def test_what_the_loader_gives_overrides_what_was_read() -> None:
    record = fields.read(Topic, data_of(SHIPPED_CONTENT_DIR / "topics" / "objectives.yaml"), (), RULES)
    built = check_same_build(Topic, record, title="Given", aliases=("x",))
    assert (built.title, built.aliases) == ("Given", ("x",))


@pytest.mark.parametrize(
    "args",
    [
        ((Topic,), None, {}),  # a compiled model without its plan
        (None, None, {}),
        ("compiled", None, {}),
    ],
)
def test_the_c_builder_refuses_what_is_not_its_shape(args: tuple[Any, ...]) -> None:
    assert fields._fieldreader is not None
    with pytest.raises(TypeError):
        fields._fieldreader.build(*args)


def test_the_c_builder_takes_only_a_dict_of_given_fields_and_a_record() -> None:
    assert fields._fieldreader is not None
    record = fields.read(Topic, data_of(SHIPPED_CONTENT_DIR / "topics" / "objectives.yaml"), (), RULES)
    with pytest.raises(TypeError):
        fields._fieldreader.build(fields._compiled(Topic), record, [])  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        fields._fieldreader.build(fields._compiled(Topic), object(), {})
