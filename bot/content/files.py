"""Reading one content file, bounded: inside the pack, a regular file, not too big, UTF-8.

Every way a read can fail becomes `Unreadable` with a sentence an editor can act on. A FIFO or a device is
refused before it is read (and opened without blocking, should it become one in between), so a stray special file
can neither hang nor flood the loader.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Final

MIB: Final = 2**20
# Far above any real pack: benchmarks/_packs.py at 1000x the shipped pack writes a 4.1 MiB timeline.yaml and a
# 17.4 MiB source text, and still loads.
MAX_YAML_BYTES: Final = 8 * MIB
MAX_SOURCE_BYTES: Final = 32 * MIB

_SPECIAL: Final = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)
_CHUNK: Final = MIB
# How many files `read_all_utf8` holds open at once: enough for the disk to fetch them together, few enough to
# stay far below any limit on open files.
_OPEN_AT_ONCE: Final = 32
# Not on macOS or Windows: there, files are only slower to read from a cold cache.
_ADVISE: Final = getattr(os, "posix_fadvise", None)


class Unreadable(Exception):
    """Why a file could not be read. `of_path`: the name itself is the fault (missing, a folder, a link that
    goes nowhere or outside), so the problem belongs where the name is written; otherwise it is in the file,
    at `line` when there is one."""

    def __init__(self, message: str, *, of_path: bool = False, line: int | None = None, outside: bool = False) -> None:
        super().__init__(message)
        self.message, self.of_path, self.line, self.outside = message, of_path, line, outside


def size_message(size: int, limit: int) -> str:
    shown = f"{size / MIB:.1f} MiB"
    if round(size / MIB, 1) <= limit / MIB:  # so close to the limit that one decimal would hide the difference
        shown = f"{size} bytes"
    limit_shown = f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit} bytes"
    return f"file is {shown}; the limit is {limit_shown}"


def read_text(path: str | Path, root: Path, limit: int, folders: dict[str, bool] | None = None) -> str:
    """The text of `path`, which must resolve inside `root` (itself resolved) and hold at most `limit` bytes.
    `folders` remembers which folders resolve inside `root`, so that a file that is no link needs no resolving."""
    return _decoded(_read(path, root, limit, folders))


def read_utf8(path: str | Path, root: Path, limit: int, folders: dict[str, bool] | None = None) -> bytes:
    """What `read_text` reads, as the UTF-8 bytes it checked: for a parser that reads bytes anyway."""
    return _utf8(_read(path, root, limit, folders))


def read_all_utf8(
    paths: Sequence[str], root: Path, limit: int, folders: dict[str, bool] | None = None
) -> list[bytes | Unreadable]:
    """`read_utf8` of each path, or what it raised for a file that cannot be read. A few files at a time are
    opened first and the system told they are about to be read, so that from a cold cache it fetches them from
    the disk together, not one after another (a quarter of the time, for 16,000 small files)."""
    out: list[bytes | Unreadable] = []
    for first in range(0, len(paths), _OPEN_AT_ONCE):
        opened: deque[int | Unreadable] = deque()
        try:
            for path in paths[first : first + _OPEN_AT_ONCE]:
                try:
                    fd = _open(path, root, limit, folders)
                except Unreadable as exc:
                    opened.append(exc)
                else:
                    opened.append(fd)
                    _will_need(fd)
            while opened:
                item = opened.popleft()
                try:
                    out.append(item if isinstance(item, Unreadable) else _utf8(_read_open(item, limit)))
                except Unreadable as exc:
                    out.append(exc)
        finally:  # only when something else went wrong: what is still open is closed
            for item in opened:
                if not isinstance(item, Unreadable):
                    os.close(item)
    return out


def _will_need(fd: int) -> None:
    if _ADVISE is not None:
        with contextlib.suppress(OSError):  # a file system that takes no advice is read all the same
            _ADVISE(fd, 0, 0, os.POSIX_FADV_WILLNEED)


def _utf8(data: bytes) -> bytes:
    if not data.isascii():  # ASCII is UTF-8 already
        _decoded(data)
    return data


def _read(path: str | Path, root: Path, limit: int, folders: dict[str, bool] | None) -> bytes:
    return _read_open(_open(path, root, limit, folders), limit)


def _open(path: str | Path, root: Path, limit: int, folders: dict[str, bool] | None) -> int:
    """A descriptor of `path`, open for reading, once every check that needs no descriptor has passed."""
    info = _check_inside(os.fspath(path), root, folders)
    path = Path(path) if info is None else path
    if info is None:  # a link, or in a folder not known to be inside: what it points at is what counts
        try:
            info = os.stat(path)
        except OSError as exc:
            raise _opening_error(path, root, exc) from exc
    _check_regular(info.st_mode)
    if info.st_size > limit:
        raise Unreadable(size_message(info.st_size, limit))
    try:
        return os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except OSError as exc:
        raise _opening_error(path, root, exc) from exc


def _read_open(fd: int, limit: int) -> bytes:
    """What `fd` holds, checked again now it is open; the descriptor is closed whatever happens."""
    try:
        info = os.fstat(fd)
        _check_regular(info.st_mode)  # it may have been swapped since it was looked at
        return _read_at_most(fd, limit, info.st_size)
    except OSError as exc:
        raise Unreadable(f"cannot be read: {_reason(exc)}") from exc
    finally:
        os.close(fd)


def _check_inside(name: str, root: Path, folders: dict[str, bool] | None) -> os.stat_result | None:
    """Refuse a path that resolves outside `root`. Returns the file's own status when that settled it."""
    if folders is not None:
        folder = os.path.dirname(name)
        inside = folders.get(folder)
        if inside is None:
            try:
                inside = folders[folder] = Path(folder).resolve().is_relative_to(root)
            except (RuntimeError, OSError, ValueError):
                inside = False
        try:
            info = os.lstat(name) if inside else None
            if info is not None and not stat.S_ISLNK(info.st_mode):
                return info
        except (OSError, ValueError):
            pass  # said below, or when it is opened
    try:
        resolved = Path(name).resolve()
    except RuntimeError as exc:  # Python 3.11 reports a symlink loop so
        raise Unreadable("is a link that loops", of_path=True) from exc
    except (OSError, ValueError) as exc:
        raise Unreadable(f"is not a usable file name ({_reason(exc)})", of_path=True) from exc
    if not resolved.is_relative_to(root):
        raise Unreadable(f"is outside the content folder (it links to {resolved})", of_path=True, outside=True)
    return None


def _check_regular(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise Unreadable("is a folder, not a file", of_path=True)
    for test, kind in _SPECIAL:
        if test(mode):
            raise Unreadable(f"is {kind}, not a regular file", of_path=True)
    raise Unreadable("is not a regular file", of_path=True)


def _opening_error(path: str | Path, root: Path, exc: OSError) -> Unreadable:
    path = Path(path)
    if isinstance(exc, FileNotFoundError) and path.is_symlink():
        target = path.resolve()
        where = target.relative_to(root) if target.is_relative_to(root) else target
        return Unreadable(f"is a link to nothing ({where} does not exist)", of_path=True)
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return Unreadable("not found", of_path=True)
    if exc.errno == errno.ELOOP:
        return Unreadable("is a link that loops", of_path=True)
    if exc.errno == errno.ENAMETOOLONG:
        return Unreadable(f"is not a usable file name ({_reason(exc)})", of_path=True)
    return Unreadable(f"cannot be read: {_reason(exc)}")


def _reason(exc: Exception) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def _read_at_most(fd: int, limit: int, size: int) -> bytes:
    first = os.read(fd, min(size, limit) + 1)
    if len(first) <= size:
        return first  # a short read of a regular file is its end
    parts = [first]
    total = len(first)
    while total <= limit and (chunk := os.read(fd, min(_CHUNK, limit + 1 - total))):
        parts.append(chunk)
        total += len(chunk)
    if total > limit:  # it grew after it was measured
        raise Unreadable(f"file is over the limit of {limit // MIB} MiB")
    return b"".join(parts)


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        message = f"not UTF-8 text (byte 0x{data[exc.start]:02x} at column {column})"
        raise Unreadable(message, line=line) from exc
