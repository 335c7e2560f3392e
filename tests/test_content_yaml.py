"""YAML that PyYAML's safe loader would refuse, or read in an unusual way, is refused or read the same way here:
the event path that builds the data fast must never mean something else than the full loader, and the C path
(`_plainyaml`) must build exactly what the event path builds, or decline the file."""

from __future__ import annotations

import gc
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.content import ContentError, load_library, yamlfile
from bot.content.source import normalise
from bot.content.yamlfile import MAX_DEPTH, SafeLoader, YamlSyntaxError, parse_yaml
from bot.settings import SHIPPED_CONTENT_DIR

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


# --- the C path -----------------------------------------------------------------------------------------------

needs_c_path = pytest.mark.skipif(
    yamlfile._plainyaml is None and os.environ.get("CI", "").lower() != "true",
    reason="the C path is not built here (no C compiler or libyaml headers at install)",
)

# Plain scalars that an implicit type may claim, or nearly: each must come out as the event path makes it.
TRICKY = [
    "yes", "No", "ON", "off", "y", "n", "true", "False", "TRUE", "fAlSe", "null", "Null", "~", "",
    "0", "7", "-7", "+7", "007", "0o17", "0x1F", "0b101", "1_000", "12:30:00", "190:20:30", "1e3", "1.5",
    "-.5", ".inf", "-.Inf", ".nan", "2004-06-28", "2004-06-28 12:00:00", "2004-6-8T1:2:3Z", "123456789012345678",
    "1234567890123456789", "99999999999999999999999", "=", "<<", "false!", "nulls", "tl;dr", "NTM-I", "2003 war",
    "falsey", "Trueish", "onwards", "é", "Ünïcödé", "“quoted”", "a: b",
]  # fmt: skip


def both_paths(text: bytes) -> tuple[Any, Any]:
    """(what the C path built or None, what the event path built), each with the types of every value shown."""
    built = yamlfile._from_libyaml(text)
    try:
        expected = yamlfile._from_events(text)
    except (yamlfile._Unusual, YamlSyntaxError, yaml.YAMLError, ValueError, TypeError, OverflowError):
        expected = None
    # repr tells True from 1 and 1.0, and a dict's order, which == does not.
    return (None if built is None else repr(built)), (None if expected is None else repr(expected))


def check_agree(text: bytes) -> None:
    built, expected = both_paths(text)
    if built is not None:
        assert built == expected


@needs_c_path
@pytest.mark.parametrize("text", SAMPLES)
def test_the_c_path_builds_what_the_event_path_builds_or_declines(text: str) -> None:
    check_agree(text.encode("utf-8"))


@needs_c_path
@pytest.mark.parametrize("word", TRICKY)
def test_a_plain_scalar_that_may_not_be_text_means_the_same_on_both_paths(word: str) -> None:
    text = f"{word}: {word}\nlist: [{word}]\nblock:\n  - {word}\nquoted: '{word}'\n".encode()
    built, expected = both_paths(text)
    assert built == expected  # and so taken by the C path wherever the event path takes it


scalars = st.one_of(
    st.text(max_size=40),
    st.sampled_from(TRICKY),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
keys = st.text(max_size=12) | st.sampled_from(TRICKY)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=30,
)


@needs_c_path
@given(
    data=documents,
    flow=st.sampled_from([None, True, False]),
    style=st.sampled_from([None, "'", '"', "|", ">"]),
    unicode=st.booleans(),
    width=st.sampled_from([20, 80, 10_000]),
)
def test_any_document_is_built_the_same_on_both_paths(
    data: Any, flow: bool | None, style: str | None, unicode: bool, width: int
) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, default_style=style, allow_unicode=unicode, width=width)
    check_agree(text.encode("utf-8"))


@needs_c_path
def test_the_c_path_declines_what_only_pyyaml_handles() -> None:
    declined = [
        "a: &x [1]\nb: *x\n",  # anchors and aliases
        "base: &b {x: 1}\nother:\n  <<: *b\n",  # a merge key
        "a: !!set {x, y}\n",  # a tag on a collection
        "? [complex, key]\n: value\n",
        "a: 1\n---\nb: 2\n",  # two documents
        "a: [1, 2\n",  # a syntax error, worded by the event path
        "a: !!int twelve\n",  # a value its tag refuses
        "a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n",
        "a: \udcff\n",
    ]
    for text in declined:
        assert yamlfile._from_libyaml(text.encode("utf-8", "surrogatepass")) is None, text


@needs_c_path
def test_the_c_path_reads_every_file_of_the_shipped_pack() -> None:
    files = sorted(SHIPPED_CONTENT_DIR.glob("**/*.yaml"))
    assert len(files) > 10
    for path in files:
        built, expected = both_paths(path.read_bytes())
        assert built is not None, path
        assert built == expected, path


@needs_c_path
@given(data=st.data())
def test_a_cut_or_corrupted_file_is_declined_or_built_the_same(data: st.DataObject) -> None:
    """Every way a parse can stop half-way (an error on any event, in any collection) is an exit the C path must
    leave cleanly, with nothing half-built returned."""
    files = sorted(SHIPPED_CONTENT_DIR.glob("**/*.yaml"))
    text = bytearray(data.draw(st.sampled_from(files)).read_bytes())
    at = data.draw(st.integers(0, len(text) - 1))
    if data.draw(st.booleans()):
        del text[at:]
    else:
        text[at] = data.draw(st.integers(0, 255))
    check_agree(bytes(text))


# --- the batch: files parsed ahead in a thread of the C path's own --------------------------------------------

DECLINED_AND_BROKEN = ["a: &x [1]\nb: *x\n", "a: [1, 2\n", "a: !!int twelve\n", "a: 1\n---\nb: 2\n", "x: [\n"]


def batch_of(texts: list[bytes]) -> Any:
    return yamlfile._plainyaml.Batch(texts, yamlfile._MAYBE_FLAGS, yamlfile._resolve, MAX_DEPTH)


def built_one_by_one(texts: list[bytes]) -> list[str | None]:
    """What `_from_libyaml` builds of each text on its own, shown as `both_paths` shows it."""
    return [both_paths(text)[0] for text in texts]


@needs_c_path
@given(data=st.lists(documents, max_size=12), broken=st.lists(st.sampled_from(DECLINED_AND_BROKEN), max_size=4))
def test_a_batch_builds_each_file_as_it_is_built_alone(data: list[Any], broken: list[str]) -> None:
    texts = [yaml.safe_dump(d).encode() for d in data] + [b.encode() for b in broken]
    texts.sort(key=hash)  # the broken ones anywhere among the others
    batch = batch_of(texts)
    got = [yamlfile._next_built(batch) for _ in texts]
    assert [None if g is None else repr(g) for g in got] == built_one_by_one(texts)
    with pytest.raises(IndexError):
        batch.build()


@needs_c_path
def test_a_batch_reads_the_shipped_pack_as_each_file_is_read_alone() -> None:
    texts = [path.read_bytes() for path in sorted(SHIPPED_CONTENT_DIR.glob("**/*.yaml"))] * 40  # past read-ahead
    batch = batch_of(texts)
    assert [repr(batch.build()) for _ in texts] == built_one_by_one(texts)


@needs_c_path
def test_the_builder_reads_next_files_itself_rather_than_wait_and_builds_each_in_its_place() -> None:
    """Files of long comments take libyaml long to read and no time to build: the builder, waiting for each, reads
    some of the next ones itself, and every file is still built in its own place, once."""
    texts = [b"# " + b"x" * 100_000 + b"\n" + f"file: {number}\n".encode() for number in range(30)]
    batch = batch_of(texts)
    got = [batch.build() for _ in texts]
    assert [data for data, _, _ in got] == [{"file": number} for number in range(30)]
    assert batch.scanned_by_builder > 0
    with pytest.raises(IndexError):
        batch.build()


@needs_c_path
def test_a_key_kept_for_its_bytes_is_never_given_for_the_same_bytes_written_another_way() -> None:
    """Keys are made once and given again (a cache by their bytes): a plain `yes` is true, a quoted one text."""
    words = ["yes", "null", "1", "title", "x" * 24, "x" * 25, "é", "~"]
    lines = [f"{w}: plain\n'{w}': single\n\"{w}\": double\n{w}: again\n" for w in words]
    texts = [line.encode() for line in lines] + ["".join(lines).encode()] * 2
    batch = batch_of(texts)
    assert [repr(batch.build()) for _ in texts] == built_one_by_one(texts)
    assert built_one_by_one(texts) == [both_paths(text)[1] for text in texts]


@needs_c_path
def test_a_scalar_refused_while_building_leaves_the_batch_going_on_with_the_next_file() -> None:
    def resolve(value: str, tag: str | None) -> Any:
        if value == "refused":
            raise ValueError(value)
        return yamlfile._resolve(value, tag)

    batch = yamlfile._plainyaml.Batch([b"a: 1\n", b"b: !!str refused\n", b"c: 3\n"], yamlfile._MAYBE_FLAGS, resolve, 64)
    assert batch.build()[0] == {"a": 1}
    with pytest.raises(ValueError, match="refused"):
        batch.build()
    assert batch.build()[0] == {"c": 3}


def _read_ahead_tasks() -> list[Path]:
    """The batches' threads alive in this process, by the name each gives itself."""
    return [task for task in Path("/proc/self/task").iterdir() if _name_of(task) == "yaml read-ahead"]


def _name_of(task: Path) -> str | None:
    try:
        return (task / "comm").read_text().strip()
    except (FileNotFoundError, ProcessLookupError):  # a thread that left while the folder was listed
        return None


def _read_ahead_threads() -> int:
    return len(_read_ahead_tasks())


def _gone(seconds: float) -> bool:
    """Whether every batch thread has left within `seconds`. A joined thread may still be listed in /proc for
    a moment (the kernel wakes the joiner before it has removed the thread), and one that has read its last
    file leaves on its own time."""
    deadline = time.monotonic() + seconds
    while _read_ahead_threads() and time.monotonic() < deadline:
        time.sleep(0.005)
    return _read_ahead_threads() == 0


def _no_read_ahead_left() -> None:
    gc.collect()
    assert _gone(5), "a batch of another test is still reading"


def _blocked(task: Path) -> int:
    status = (task / "status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("SigBlk:")).split()[1], 16)


@needs_c_path
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="threads are counted in /proc")
def test_a_batch_dropped_half_built_stops_its_thread_and_frees_what_it_read() -> None:
    _no_read_ahead_left()
    texts = [("- item\n" * 20_000).encode()] * 50  # far more than the thread may read ahead
    for _ in range(20):
        batch = batch_of(texts)
        assert batch.build()[0][0] == "item"
        assert _read_ahead_threads() == 1  # waiting until the builder catches up
        del batch  # stops the thread, which reads at most the file it is on, and joins it
        assert _gone(1)  # a thread left waiting would stay listed, for good


@needs_c_path
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="threads are looked at in /proc")
def test_a_batch_thread_leaves_every_signal_to_the_interpreter() -> None:
    """A Ctrl-C or a SIGTERM must reach a thread of Python's, whose handler stops the bot cleanly."""
    _no_read_ahead_left()
    batch = batch_of([("- item\n" * 20_000).encode()] * 10)
    assert batch.build()[0][0] == "item"  # so the thread has started, and named itself
    (task,) = _read_ahead_tasks()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        assert _blocked(task) & (1 << (signum - 1)), signum
    del batch


def test_parse_all_gives_what_parse_yaml_gives_and_each_file_its_own_error() -> None:
    files = [(path.name, path.read_bytes()) for path in sorted(SHIPPED_CONTENT_DIR.glob("**/*.yaml"))]
    files.insert(3, ("broken.yaml", b"a: [1, 2\n"))
    files.insert(5, ("anchored.yaml", b"a: &x [1]\nb: *x\n"))
    for (name, raw), parsed in zip(files, yamlfile.parse_all(files), strict=True):
        if isinstance(parsed, YamlSyntaxError):
            with pytest.raises(YamlSyntaxError) as alone_error:
                parse_yaml(raw, name)
            assert (parsed.line, parsed.message) == (alone_error.value.line, alone_error.value.message)
            continue
        alone = parse_yaml(raw, name)
        assert isinstance(parsed, yamlfile.YamlDocument), name
        assert (parsed.name, repr(parsed.data)) == (name, repr(alone.data))
        keys = list(alone.data) if isinstance(alone.data, dict) else []
        assert [parsed.line((key,)) for key in keys] == [alone.line((key,)) for key in keys]
        assert list(parsed.duplicates()) == list(alone.duplicates())
    assert list(yamlfile.parse_all([])) == []


def test_the_c_path_is_built_where_ci_runs() -> None:
    """CI installs what builds it (.ci/run): there, a loader without it is a failure, not a slower pass."""
    if os.environ.get("CI", "").lower() != "true":
        pytest.skip("only CI must have the C path; without it the loader is only slower")
    assert yamlfile._plainyaml is not None


# --- the form quotes are compared in -------------------------------------------------------------------------

# Every kind of white space str.split() knows, and the typographic quotes normalise makes plain.
SPACES = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2007\u200a\u2028\u2029\u202f\u205f\u3000"
texts = st.text(st.sampled_from(SPACES + "’‘“”ab.é") | st.characters(), max_size=60)


@given(texts)
def test_normalise_is_its_definition_whatever_the_white_space(text: str) -> None:
    """Its shortcut for ASCII with single spaces must give what folding every run of white space gives."""
    plain = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    assert normalise(text) == " ".join(plain.split())
