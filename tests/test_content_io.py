"""Files that cannot be read, or should not be: every one is a located problem, never a traceback or a hang.

The tests run as root, for whom no permission bit stops a read, so unreadable files are made of what root
cannot read either: a folder where a file should be, a FIFO, a link to nothing or to outside the pack, bytes
that are not UTF-8. Only the errors the kernel alone can produce (EACCES, EIO) are injected.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content import ContentError, load_library
from bot.content import files as content_files

from .test_content import OBJ, edit, line_of, only_problem

ROOT = Path(__file__).resolve().parent.parent


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_library(root)
    return [str(p) for p in caught.value.problems]


def check(root: Path) -> subprocess.CompletedProcess[str]:
    """The real `python -m bot check`, as an editor runs it."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "check", "--content-dir", str(root)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_folder_named_pack_yaml(pack: Path) -> None:
    (pack / "pack.yaml").unlink()
    (pack / "pack.yaml").mkdir()
    assert "pack.yaml: is a folder, not a file" in problems_of(pack)


def test_a_fifo_among_the_topics_is_refused_without_blocking(pack: Path) -> None:
    os.mkfifo(pack / "topics/x.yaml")
    result = check(pack)  # a read that waited for a writer would hit the timeout instead
    assert result.returncode == 1
    assert "topics/x.yaml: is a FIFO, not a regular file" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_link_says_where_it_points(pack: Path) -> None:
    (pack / "topics/x.yaml").symlink_to(pack / "topics/gone.yaml")
    assert "topics/x.yaml: is a link to nothing (topics/gone.yaml does not exist)" in problems_of(pack)


def test_a_topic_linked_from_outside_the_pack_is_refused(pack: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    (pack / OBJ).rename(outside)
    (pack / OBJ).symlink_to(outside)
    assert only_problem(pack) == f"{OBJ}: is outside the content folder (it links to {outside})"


@pytest.mark.parametrize("name", ["pack.yaml", "timeline.yaml"])
def test_the_manifest_and_timeline_must_be_inside_the_pack(pack: Path, tmp_path: Path, name: str) -> None:
    outside = tmp_path / name
    (pack / name).rename(outside)
    (pack / name).symlink_to(outside)
    assert f"{name}: is outside the content folder (it links to {outside})" in problems_of(pack)


def test_invalid_utf8_names_its_line(pack: Path) -> None:
    path = pack / OBJ
    lines = path.read_bytes().split(b"\n")
    number = line_of(pack, OBJ, 'title: "Objectives of NATO’s')
    lines[number - 1] = lines[number - 1].replace("’".encode(), b"\x92")  # a Windows-1252 apostrophe
    path.write_bytes(b"\n".join(lines))
    column = lines[number - 1].index(b"\x92") + 1
    assert only_problem(pack) == f"{OBJ}:{number}: not UTF-8 text (byte 0x92 at column {column})"


def test_invalid_utf8_in_the_source_text(pack: Path) -> None:
    path = pack / "source/nato-in-iraq.txt"
    path.write_bytes(path.read_bytes().replace(b"Iraq", b"Ir\xe4q", 1))
    problems = problems_of(pack)
    assert problems[0].startswith("source/nato-in-iraq.txt:1: not UTF-8 text (byte 0xe4 at column ")
    assert len(problems) == 1, problems


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"source/nato\\0iraq.txt"', "'source/nato\\x00iraq.txt' is not a usable file name"),
        ("source/" + "x" * 5000, "is not a usable file name (File name too long)"),
    ],
)
def test_a_source_file_name_the_system_refuses(pack: Path, value: str, message: str) -> None:
    edit(pack, "pack.yaml", lambda s: s.replace("file: source/nato-in-iraq.txt", f"file: {value}"))
    result = check(pack)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    line = line_of(pack, "pack.yaml", "file:")
    assert f"pack.yaml:{line}: source.file: " in result.stderr
    assert message in result.stderr


def test_a_source_file_that_links_to_itself(pack: Path) -> None:
    source = pack / "source/nato-in-iraq.txt"
    source.unlink()
    source.symlink_to(source)
    result = check(pack)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = line_of(pack, "pack.yaml", "file:")
    assert f"pack.yaml:{line}: source.file: 'source/nato-in-iraq.txt' is a link that loops" in result.stderr


def test_a_source_file_that_is_a_folder(pack: Path) -> None:
    source = pack / "source/nato-in-iraq.txt"
    source.unlink()
    source.mkdir()
    line = line_of(pack, "pack.yaml", "file:")
    assert only_problem(pack) == f"pack.yaml:{line}: source.file: 'source/nato-in-iraq.txt' is a folder, not a file"


def test_topics_that_is_a_file(pack: Path) -> None:
    for path in (pack / "topics").iterdir():
        path.unlink()
    (pack / "topics").rmdir()
    (pack / "topics").write_text("", encoding="utf-8")
    assert "topics: is not a folder" in problems_of(pack)


@pytest.mark.parametrize(("code", "said"), [(errno.EACCES, "permission denied"), (errno.EIO, "Input/output error")])
def test_errors_only_the_kernel_gives(pack: Path, monkeypatch: pytest.MonkeyPatch, code: int, said: str) -> None:
    original = os.read

    def failing_read(fd: int, size: int) -> bytes:
        if os.readlink(f"/proc/self/fd/{fd}").endswith("objectives.yaml"):
            raise OSError(code, os.strerror(code))
        return original(fd, size)

    monkeypatch.setattr(content_files.os, "read", failing_read)
    assert only_problem(pack).lower() == f"{OBJ}: cannot be read: {said}".lower()


def test_a_file_over_the_limit_is_not_read(pack: Path) -> None:
    with (pack / "topics/huge.yaml").open("w", encoding="utf-8") as out:
        out.write("# padding\n" * ((content_files.MAX_YAML_BYTES + 2**20) // 10))
    size = (pack / "topics/huge.yaml").stat().st_size
    limit = content_files.MAX_YAML_BYTES // 2**20
    assert only_problem(pack) == f"topics/huge.yaml: file is {size / 2**20:.1f} MiB; the limit is {limit} MiB"


def test_a_source_text_over_its_limit(pack: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(content_files, "MAX_SOURCE_BYTES", 2**20)
    (pack / "source/nato-in-iraq.txt").write_text("x\n" * 2**20, encoding="utf-8")
    problems = problems_of(pack)
    assert "source/nato-in-iraq.txt: file is 2.0 MiB; the limit is 1 MiB" in problems


def test_the_limits_leave_room_for_the_biggest_benchmark_packs() -> None:
    # benchmarks/_packs.py at 1000x writes a 4.1 MiB timeline.yaml and a 17.4 MiB source text.
    assert content_files.MAX_YAML_BYTES >= 8 * 2**20
    assert content_files.MAX_SOURCE_BYTES >= 32 * 2**20


def test_the_cli_lists_every_unreadable_file_at_once(pack: Path, tmp_path: Path) -> None:
    (pack / "timeline.yaml").unlink()
    (pack / "timeline.yaml").mkdir()
    os.mkfifo(pack / "topics/fifo.yaml")
    (pack / "topics/broken.yaml").symlink_to(pack / "nowhere.yaml")
    (pack / "topics/outside.yaml").symlink_to(tmp_path)
    result = check(pack)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for expected in (
        "timeline.yaml: is a folder, not a file",
        "topics/fifo.yaml: is a FIFO, not a regular file",
        "topics/broken.yaml: is a link to nothing (nowhere.yaml does not exist)",
        f"topics/outside.yaml: is outside the content folder (it links to {tmp_path})",
    ):
        assert expected in result.stderr


@pytest.mark.parametrize("name", ["x" * 5000, "bad\0name"])
def test_a_content_folder_name_the_system_refuses(tmp_path: Path, name: str) -> None:
    with pytest.raises(ContentError) as caught:
        load_library(tmp_path / name)
    assert "content folder not" in str(caught.value)
    assert len(str(caught.value)) < 1000


def test_a_device_among_the_topics_is_never_read(pack: Path) -> None:
    try:
        os.mknod(pack / "topics/zero.yaml", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # what /dev/zero is
    except PermissionError:
        pytest.skip("this machine does not let even root make a device node")
    assert "topics/zero.yaml: is a character device, not a regular file" in problems_of(pack)


# --- many files at once ----------------------------------------------------------------------------------------


def _outcome(read: bytes | content_files.Unreadable) -> object:
    if isinstance(read, content_files.Unreadable):
        return ("unreadable", read.message, read.of_path, read.line, read.outside)
    return read


def test_reading_many_files_at_once_gives_what_reading_each_gives(tmp_path: Path) -> None:
    """Every kind of file, among more than are opened at once: each read or refused as `read_utf8` does, and
    no descriptor left open."""
    root = tmp_path / "pack"
    root.mkdir()
    outside = tmp_path / "outside.yaml"
    outside.write_text("a: 1\n")
    kinds = {
        "good": lambda p: p.write_text("id: x\n"),
        "typographic": lambda p: p.write_text("title: “quoted”\n", encoding="utf-8"),
        "latin1": lambda p: p.write_bytes("title: caf\xe9\n".encode("latin-1")),
        "folder": lambda p: p.mkdir(),
        "fifo": lambda p: os.mkfifo(p),
        "inside-link": lambda p: p.symlink_to(root / "0-good.yaml"),
        "outside-link": lambda p: p.symlink_to(outside),
        "broken-link": lambda p: p.symlink_to(root / "nowhere.yaml"),
        "too-big": lambda p: p.write_bytes(b"a: " + b"x" * 2000 + b"\n"),
        "missing": lambda p: None,
    }
    names = []
    for number in range(3 * content_files._OPEN_AT_ONCE // len(kinds) + 1):
        for kind, make in kinds.items():
            path = root / f"{number}-{kind}.yaml"
            make(path)
            names.append(str(path))
    fds = len(os.listdir("/proc/self/fd"))
    together = content_files.read_all_utf8(names, root.resolve(), 1000, {})
    assert len(os.listdir("/proc/self/fd")) == fds
    alone = []
    for name in names:
        try:
            alone.append(content_files.read_utf8(name, root.resolve(), 1000, {}))
        except content_files.Unreadable as exc:
            alone.append(exc)
    assert [_outcome(r) for r in together] == [_outcome(r) for r in alone]
    assert sum(isinstance(r, bytes) for r in together) > len(names) // 5  # not all refused: the test sees reads


def test_a_failure_half_way_through_many_files_leaves_none_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = []
    for number in range(content_files._OPEN_AT_ONCE):
        (tmp_path / f"{number}.yaml").write_text("a: 1\n")
        names.append(str(tmp_path / f"{number}.yaml"))
    reads = 0

    def failing_read(fd: int, limit: int) -> bytes:
        nonlocal reads
        reads += 1
        data = original(fd, limit)  # which closes its own descriptor whatever happens
        if reads == 3:
            raise KeyboardInterrupt  # not a problem of a file: it must go through, and close what is open
        return data

    original = content_files._read_open
    monkeypatch.setattr(content_files, "_read_open", failing_read)
    fds = len(os.listdir("/proc/self/fd"))
    with pytest.raises(KeyboardInterrupt):
        content_files.read_all_utf8(names, tmp_path.resolve(), 1000, {})
    assert len(os.listdir("/proc/self/fd")) == fds
