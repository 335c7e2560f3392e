"""YAML that PyYAML's safe loader would refuse, or read in an unusual way, is refused or read the same way here:
the event path that builds the data fast must never mean something else than the full loader."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.content import ContentError, load_library
from bot.content.yamlfile import MAX_DEPTH, SafeLoader, YamlSyntaxError, parse_yaml

from .test_content import OBJ, only_problem

SAMPLES = [
    "a: 1\nb: '1'\nc: 1.5\nd: yes\ne: ~\nf: null\ng: 0o17\nh: 017\ni: 0x1F\nj: 2004-06-28\nk: .inf\nl: -3\nm: +4\n",
    "a: ''\nb:\nc: []\nd: {}\ne: [1, two, 'three']\nf: {x: y}\n",
    "a: &x [1, 2]\nb: *x\nc: &y text\nd: *y\n",
    "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n",
    "a: !!str 12\nb: !!int '12'\nc: !!float 1\nd: !!binary aGVsbG8=\ne: !!set {x, y}\n",
    "? [complex, key]\n: value\n",
    "text: >-\n  folded\n  lines\nlit: |\n  kept\n  lines\nTrue: key\n1: one\n",
    "words: [Yes, NO, on, Off, y, n, True, fAlSe, Null, NULL, nulls, longer word]\n",
    "",
    "# only a comment\n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_the_fast_path_means_what_the_safe_loader_means(text: str) -> None:
    try:
        expected = yaml.load(text, Loader=SafeLoader)
    except yaml.YAMLError:
        with pytest.raises(YamlSyntaxError):
            parse_yaml(text, "x.yaml")
        return
    assert parse_yaml(text, "x.yaml").data == expected


def test_nesting_too_deep_is_refused_before_anything_recursive_sees_it() -> None:
    with pytest.raises(YamlSyntaxError, match=f"nested more than {MAX_DEPTH} levels deep"):
        parse_yaml("a: " + "[" * 500 + "]" * 500 + "\n", "x.yaml")
    with pytest.raises(YamlSyntaxError, match="nested more than"):
        parse_yaml("a: !!set {}\nb: " + "[" * 500 + "]" * 500 + "\n", "x.yaml")  # on the full loader's path


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("!!int twelve", "cannot read the value as int"),
        ("!!float x", "cannot read the value as float"),
        ("!!timestamp 2004-13-45", "cannot read the value as timestamp"),
    ],
)
def test_a_tagged_value_its_type_refuses(pack: Path, value: str, said: str) -> None:
    path = pack / OBJ
    path.write_text(path.read_text(encoding="utf-8").replace("short: Objectives", f"short: {value}"), "utf-8")
    message = only_problem(pack)
    assert message.startswith(f"{OBJ}:6: YAML error: ")
    assert said in message


def test_two_documents_in_one_file(pack: Path) -> None:
    path = pack / OBJ
    path.write_text(path.read_text(encoding="utf-8") + "---\nid: again\n", "utf-8")
    message = only_problem(pack)
    assert message.startswith(f"{OBJ}:")
    assert "expected a single document" in message


def test_a_pack_broken_everywhere_is_listed_in_a_bounded_length(pack: Path) -> None:
    path = pack / OBJ
    path.write_text(path.read_text(encoding="utf-8") + "".join(f"k{n}: 1\n" for n in range(3000)), "utf-8")
    with pytest.raises(ContentError) as caught:
        load_library(pack)
    assert len(caught.value.problems) == 1000
    assert "2000 more problems are not listed" in str(caught.value)


def test_an_alias_bomb_with_a_repeated_key_is_looked_at_once_per_node() -> None:
    lines = ["a0: &a0 {k: 1, k: 2}"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 12)]  # 9**11 paths, 12 nodes
    doc = parse_yaml("\n".join(lines) + "\n", "x.yaml")
    assert [(path[-1], first, line) for path, first, line in doc.duplicates()] == [("k", 1, 1)]
