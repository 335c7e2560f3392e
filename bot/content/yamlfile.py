"""Reading one YAML file safely, keeping the line of every key so problems can point at it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# The C loader is several times faster where PyYAML was built with libyaml; both construct only plain types.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

KeyPath = tuple[str | int, ...]


def format_key(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """A parsed file: its plain data, and the node tree that knows where each key was written."""

    name: str
    data: Any
    node: yaml.Node | None

    def line(self, path: KeyPath) -> int | None:
        """1-based line of the value at `path`, or of the nearest ancestor that exists."""
        node = self.node
        best = node.start_mark.line + 1 if node is not None else None
        for part in path:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
                if match is None:
                    return best
                key_node = next(k for k, v in node.value if v is match)
                node, best = match, key_node.start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                best = node.start_mark.line + 1
            else:
                return best
        return best


class YamlSyntaxError(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def read_yaml(path: Path, name: str) -> YamlDocument:
    """Parse `path` with a safe loader. Raises `YamlSyntaxError` with the line of the fault."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(None, f"not UTF-8 text ({exc.reason})") from exc
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlSyntaxError(line, f"YAML syntax error: {problem}") from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, f"YAML error: {exc}") from exc
    finally:
        loader.dispose()
    return YamlDocument(name=name, data=data, node=node)
