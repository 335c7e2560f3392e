"""Discord's published OpenAPI spec (API v10), for tests that hold the simulator to it.

The spec is not shipped with the project: it is read from ``../shared/reference/discord-openapi.json`` beside the
repository (CI lays ``shared/`` there), and tests that need it skip when it is absent. The simulator never reads
it: what it takes from the spec is written in its own code; these helpers check that code against the source.

``$ref``s are resolved with a :mod:`referencing` registry that holds the whole document under one URI, so a
schema is validated exactly as the spec writes it, with ``format`` checked for ``date-time``, ``uri`` and the
integer widths the spec uses. Where the spec contradicts Discord's docs, a short list of errata (``ERRATA``, each
with its reason) corrects it before use.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from bot.simulator import ServedResponse

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT.parent / "shared" / "reference" / "discord-openapi.json"
SPEC_URI = "urn:discord-openapi"
ABSENT_REASON = f"Discord's OpenAPI spec is not at {SPEC_PATH}"

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    # RFC 3339: a date, "T", a time and an offset (or Z). fromisoformat alone would also take a bare date.
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value, re.IGNORECASE):
        return False
    datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return True


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urllib.parse.urlsplit(value)
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme not in ("http", "https"))


def _bits(width: int) -> Any:
    def check(value: object) -> bool:
        return not isinstance(value, int) or -(2 ** (width - 1)) <= value < 2 ** (width - 1)

    return check


FORMATS.checks("int32")(_bits(32))
FORMATS.checks("int64")(_bits(64))


# Where the spec contradicts Discord's documentation, the documentation wins (the spec calls itself a preview).
# Each erratum: where in the document, how it is corrected (from what the spec says), and why.
ERRATA: tuple[tuple[tuple[str, ...], Callable[[Any], Any], str], ...] = (
    (
        ("components", "schemas", "InnerErrors", "properties", "_errors", "items"),
        lambda _: {
            "type": "object",
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            "required": ["code", "message"],
        },
        "Discord's docs (Error Messages) show a field error as {'code': 'BASE_TYPE_REQUIRED', 'message': ...}: "
        "its code is a string; the spec reuses the top-level Error object there, whose code is an integer",
    ),
    (
        ("components", "schemas", "ChannelTypes", "oneOf"),
        lambda kinds: [*kinds, {"title": "GUILD_MEDIA", "const": 16}],
        "Discord's docs (Channel Types) list 16, GUILD_MEDIA, which the spec's ChannelTypes lacks",
    ),
)


def _apply_errata(document: dict[str, Any]) -> None:
    for where, correct, _why in ERRATA:
        node = document
        for part in where[:-1]:
            node = node[part]
        assert where[-1] in node, f"erratum for {'/'.join(where)}: the spec changed, look again"
        node[where[-1]] = correct(node[where[-1]])


def _pointer(*parts: str) -> str:
    """A URI fragment for a JSON pointer into the spec (``/`` and ``~`` escaped, then percent-encoded)."""
    escaped = "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)
    return urllib.parse.quote("/" + escaped, safe="/~@")


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    template: str  # the spec's path, e.g. /webhooks/{webhook_id}/{webhook_token}/messages/@original
    body: dict[str, Any]


class DiscordSpec:
    """Routes, response schemas and request schemas of the spec, with validators built once per schema."""

    def __init__(self, document: dict[str, Any]) -> None:
        _apply_errata(document)
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        routes = []
        for template in document["paths"]:
            segments = template.strip("/").split("/")
            pattern = "/".join("[^/]+" if s.startswith("{") else re.escape(s) for s in segments)
            literal = sum(1 for s in segments if not s.startswith("{"))
            routes.append((literal, template, re.compile(f"/{pattern}")))
        # A literal segment wins over a parameter: /messages/@original before /messages/{message_id}.
        routes.sort(key=lambda r: -r[0])
        self._routes = [(template, pattern) for _, template, pattern in routes]

    @classmethod
    @functools.cache
    def load(cls) -> DiscordSpec | None:
        if not SPEC_PATH.is_file():
            return None
        return cls(json.loads(SPEC_PATH.read_text(encoding="utf-8")))

    def operation(self, method: str, path: str) -> Operation | None:
        """The spec's operation for a request path (``/channels/1/messages``, without ``/api/v10``)."""
        for template, pattern in self._routes:
            if pattern.fullmatch(path):
                body = self.document["paths"][template].get(method.lower())
                return None if body is None else Operation(method.upper(), template, body)
        return None

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            ref = node["$ref"]
            assert ref.startswith("#/"), ref
            node = self.document
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def response_pointer(self, operation: Operation | None, status: int) -> tuple[str, str] | None:
        """Where the spec describes this answer: (its name, a pointer to its JSON schema or ``""`` for none).

        ``None`` when the spec describes no response of that status there. A path the spec does not have is
        answered with Discord's generic client error (``components/responses/ClientErrorResponse``).
        """
        if operation is None:
            if 400 <= status < 500 and status != 429:
                where = ("components", "responses", "ClientErrorResponse")
                return "unknown route", _pointer(*where, "content", "application/json", "schema")
            return None
        responses = operation.body["responses"]
        for key in (str(status), f"{status // 100}XX", "default"):
            if key in responses:
                break
        else:
            return None
        name = f"{operation.method} {operation.template} {key}"
        entry = responses[key]
        if "$ref" in entry:
            where = tuple(entry["$ref"][2:].split("/"))
            entry = self._resolve(entry)
        else:
            where = ("paths", operation.template, operation.method.lower(), "responses", key)
        if "application/json" not in entry.get("content", {}):
            return name, ""
        return name, _pointer(*where, "content", "application/json", "schema")

    @functools.cache  # noqa: B019 - one spec per session, kept for the run
    def validator(self, pointer: str) -> Draft202012Validator:
        return Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=self.registry, format_checker=FORMATS)

    def schema_validator(self, name: str) -> Draft202012Validator:
        """A validator for ``components/schemas/NAME``."""
        return self.validator(_pointer("components", "schemas", name))

    def request_validator(self, method: str, path: str) -> Draft202012Validator:
        """A validator for the JSON request body of an operation."""
        operation = self.operation(method, path)
        assert operation is not None, f"the spec has no {method} {path}"
        where = ("paths", operation.template, method.lower(), "requestBody", "content", "application/json", "schema")
        return self.validator(_pointer(*where))

    def check_response(self, method: str, path: str, status: int, body: bytes | None) -> Iterator[str]:
        """Every way this answer differs from what the spec says of that route and status."""
        operation = self.operation(method, path)
        described = self.response_pointer(operation, status)
        if described is None:
            where = f"{method} {path}" if operation is None else f"{operation.method} {operation.template}"
            yield f"the spec describes no {status} answer to {where}"
            return
        name, pointer = described
        if not pointer:
            if body:
                yield f"{name}: the spec describes no body, got {body[:200]!r}"
            return
        try:
            data = json.loads(body or b"")
        except ValueError:
            yield f"{name}: the spec describes a JSON body, got {(body or b'')[:200]!r}"
            return
        for error in sorted(self.validator(pointer).iter_errors(data), key=lambda e: list(e.absolute_path)):
            yield f"{name}: {_short(error)}"


def served_mismatches(spec: DiscordSpec, served: Iterable[ServedResponse], tally: Counter[str]) -> list[str]:
    """Every answer in ``served`` that the spec does not describe, one line each; ``tally`` counts what was
    checked (``validated``) and what was left out (``exempt``: injected 5xx and Cloudflare's HTML ban, which the
    spec cannot describe)."""
    problems: list[str] = []
    for answer in served:
        if answer.status >= 500 or answer.fault == "cloudflare_ban":
            tally["exempt"] += 1
            continue
        tally["validated"] += 1
        found = spec.check_response(answer.method, answer.path, answer.status, answer.body)
        problems += [f"{answer.method} {answer.path} -> {answer.status}: {p}" for p in found]
    return problems


def _wrong_variant(errors: list[Any]) -> bool:
    """Whether a oneOf/anyOf branch failed because it describes another kind (its ``type`` tag differs)."""
    return any(e.validator in ("enum", "const") and list(e.path)[-1:] == ["type"] for e in errors)


def _short(error: Any) -> str:
    """The most telling message of a validation error: inside a oneOf, the branch of the object's own kind."""
    while error.context:
        branches: dict[Any, list[Any]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        candidates = [b for b in branches.values() if not _wrong_variant(b)] or list(branches.values())
        chosen = min(candidates, key=len)
        error = max(chosen, key=lambda e: len(list(e.absolute_path)))
    message = error.message if len(error.message) < 300 else error.message[:300] + "..."
    path = "/".join(str(p) for p in error.absolute_path) or "<body>"
    return f"at {path}: {message}"
