"""The field table: one declaration per content field drives the loader, and content/README.md documents it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.content import ContentError, Pack, Point, Topic, load_library
from bot.content import fields as table
from bot.content.models import TimelineFile
from bot.settings import SHIPPED_CONTENT_DIR

from .test_content import OBJ, edit, line_of, only_problem

README = Path(__file__).resolve().parent.parent / "content" / "README.md"


def documented(section: str) -> set[str]:
    """The keys in the table under `## <section>` in content/README.md."""
    text = README.read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` \|", body, flags=re.M))


def test_every_declared_field_is_documented_and_nothing_else() -> None:
    assert table.keys(Pack) == documented("`pack.yaml`")
    assert table.keys(Topic) == documented("`topics/<id>.yaml`")
    assert table.keys(TimelineFile) == documented("`timeline.yaml`")


def test_a_points_fields_are_the_ones_the_table_declares() -> None:
    assert {k for k in table.keys(Topic) if k.startswith("points[].")} == {f"points[].{k}" for k in table.keys(Point)}


def test_the_table_alone_drives_reading(pack: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A field added to the table is read, checked and reported with no other change to the loader.
    @dataclass(frozen=True, slots=True)
    class Extra:
        mood: str = table.text_field(max_len=5)

    record = table.read(Extra, {"mood": "cheerful"}, ())
    assert [(p.path, p.message) for p in record.faults] == [(("mood",), "is 8 characters; at most 5 fit")]
    assert table.read(Extra, {}, ()).faults[0].message == "missing required field"


def test_required_with_another_field(pack: Path) -> None:
    edit(pack, OBJ, lambda s: s.replace('description: "What NATO set out', 'summary2: "What NATO set out'))
    with pytest.raises(ContentError) as caught:
        load_library(pack)
    assert f"{OBJ}:1: description: missing required field" in [str(p) for p in caught.value.problems]


def test_a_parts_topic_needs_no_description(pack: Path) -> None:
    assert "description" not in (pack / "topics/training.yaml").read_text(encoding="utf-8")
    load_library(pack)


def test_a_missing_nested_mapping_is_one_problem(pack: Path) -> None:
    edit(pack, "pack.yaml", lambda s: s.replace("source:\n", "origin:\n"))
    with pytest.raises(ContentError) as caught:
        load_library(pack)
    messages = [str(p) for p in caught.value.problems]
    assert "pack.yaml:1: source: missing required field" in messages
    assert f"pack.yaml:{line_of(pack, 'pack.yaml', 'origin:')}: origin: unknown field" in messages


def test_the_shipped_pack_still_loads_through_the_table() -> None:
    library = load_library(SHIPPED_CONTENT_DIR)
    assert library.pack.colour == 0x1F5AA6
    assert library.by_id["role"].block == 3
    assert only_problem is not None
