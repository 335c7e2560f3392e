"""Writing the pack's YAML by hand, so every file can carry comments where an editor will want to refine it.

Each value is written in the plainest form that reads back as the same text (checked by parsing it again):
plain when short and unambiguous, a folded block (`>-`) when long, double-quoted with escapes otherwise.
"""

from __future__ import annotations

import re
from typing import Any, Final

import yaml

from ..yamlfile import SafeLoader

WIDTH: Final = 110
# Characters YAML cannot hold as they are (PyYAML's own test), and line breaks, which a scalar would fold.
_UNPRINTABLE: Final = re.compile("[^\x09\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]")
_ESCAPES: Final = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _reads_as(text: str, value: str) -> bool:
    try:
        data = yaml.load(f"k: {text}\n", Loader=SafeLoader)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and data.get("k") == value


def quoted(value: str) -> str:
    """`value` double-quoted, with every character YAML could not hold escaped."""

    def escape(char: str) -> str:
        if char in _ESCAPES:
            return _ESCAPES[char]
        if not _UNPRINTABLE.fullmatch(char):
            return char
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"

    return '"' + "".join(escape(c) for c in value) + '"'


def _folded(value: str, indent: int) -> list[str] | None:
    """`value` as the lines of a folded block at `indent`, or None when that would not read back right."""
    if _UNPRINTABLE.search(value) or value != value.strip():
        return None
    words = value.split()
    room = max(40, WIDTH - indent)
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= room:
            lines[-1] += " " + word
        else:
            lines.append(word)
    pad = " " * indent
    body = "\n".join(pad + line for line in lines)
    if not _reads_as(">-\n" + body, " ".join(words)):
        return None
    return lines


def scalar(key: str, value: Any, indent: int, *, first: str = "") -> list[str]:
    """The lines of `key: value` at `indent` (`first` replaces the indent of the first line, for `- `)."""
    lead = first or " " * indent
    if isinstance(value, bool | int | float):
        return [f"{lead}{key}: {value}"]
    text = str(value)
    one_line = len(lead) + len(key) + 2 + len(text) <= WIDTH
    if one_line and text and not _UNPRINTABLE.search(text) and _reads_as(text, text):
        return [f"{lead}{key}: {text}"]
    if one_line or len(text) < 60:
        return [f"{lead}{key}: {quoted(text)}"]
    folded = _folded(text, indent + 2)
    if folded is None:
        return [f"{lead}{key}: {quoted(text)}"]
    return [f"{lead}{key}: >-", *(" " * (indent + 2) + line for line in folded)]


def comment(text: str, indent: int = 0) -> list[str]:
    return [" " * indent + "# " + line if line else " " * indent + "#" for line in text.splitlines()]


def mapping(data: dict[str, Any], indent: int = 0, *, notes: dict[str, str] | None = None) -> list[str]:
    """`data` as YAML lines: scalars, nested mappings, lists of scalars or of mappings; `notes` comment keys."""
    notes = notes or {}
    out: list[str] = []
    for key, value in data.items():
        if key in notes:
            out += comment(notes[key], indent)
        out += _entry(key, value, indent)
    return out


def _entry(key: str, value: Any, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict):
        return [f"{pad}{key}:", *mapping(value, indent + 2)]
    if isinstance(value, list):
        if not value:
            return [f"{pad}{key}: []"]
        lines = [f"{pad}{key}:"]
        for item in value:
            if isinstance(item, dict):
                lines += list_mapping(item, indent + 2)
            else:
                lines += _list_scalar(item, indent + 2)
        return lines
    return scalar(key, value, indent)


def _list_scalar(value: Any, indent: int) -> list[str]:
    text = str(value)
    # An item of a block list is read as a block value is: the same test as `key: value`.
    if text and not _UNPRINTABLE.search(text) and _reads_as(text, text):
        return [f"{' ' * indent}- {text}"]
    return [f"{' ' * indent}- {quoted(text)}"]


def list_mapping(item: dict[str, Any], indent: int) -> list[str]:
    """One mapping as an item of a list: `- key: value`, the other keys under it."""
    lines: list[str] = []
    for number, (key, value) in enumerate(item.items()):
        first = " " * indent + "- " if number == 0 else ""
        if isinstance(value, dict | list):
            sub = _entry(key, value, indent + 2)
            lines += [first + sub[0].lstrip(), *sub[1:]] if first else sub
        else:
            lines += scalar(key, value, indent + 2, first=first)
    return lines
