"""Discord's JSON error codes and the error bodies it answers with."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

# JSON error codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json)
GENERAL_ERROR = 0
UNKNOWN_APPLICATION = 10002
UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
UNKNOWN_INTERACTION = 10062
UNKNOWN_APPLICATION_COMMAND = 10063
MAX_APPLICATION_COMMANDS = 30032
UNAUTHORIZED = 40001
REQUEST_ENTITY_TOO_LARGE = 40005
INTERACTION_ALREADY_ACKNOWLEDGED = 40060
MISSING_ACCESS = 50001
CANNOT_SEND_EMPTY_MESSAGE = 50006
INVALID_WEBHOOK_TOKEN = 50027
INVALID_FORM_BODY = 50035
INVALID_JSON = 50109

PathPart = str | int


@dataclass(frozen=True, slots=True)
class FieldError:
    """One entry of an ``_errors`` list: where in the body, Discord's error code string, and its message."""

    path: tuple[str, ...]
    code: str
    message: str

    @property
    def dotted(self) -> str:
        return ".".join(self.path) or "<body>"


@dataclass(slots=True)
class FormErrors:
    """Collects field errors and renders them as Discord's nested ``errors`` object.

    Discord nests by key and by list index (as a string), ending in ``{"_errors": [{"code", "message"}]}``.
    """

    items: list[FieldError] = field(default_factory=list)

    def add(self, path: Sequence[PathPart], code: str, message: str) -> None:
        self.items.append(FieldError(tuple(str(p) for p in path), code, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self) -> Iterator[FieldError]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def nested(self) -> dict[str, Any]:
        root: dict[str, Any] = {}
        for item in self.items:
            node = root
            for part in item.path:
                node = node.setdefault(part, {})
            node.setdefault("_errors", []).append({"code": item.code, "message": item.message})
        return root

    # Helpers for the usual messages, worded as Discord words them.
    def max_length(self, path: Sequence[PathPart], limit: int) -> None:
        self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def bad_length(self, path: Sequence[PathPart], low: int, high: int) -> None:
        self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    def required(self, path: Sequence[PathPart]) -> None:
        self.add(path, "BASE_TYPE_REQUIRED", "This field is required")

    def bad_type(self, path: Sequence[PathPart], code: str, message: str) -> None:
        self.add(path, code, message)


class DiscordHTTPError(Exception):
    """An error the simulator answers with, in Discord's shape ``{"code", "message"[, "errors"]}``."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        errors: FormErrors | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.headers = headers or {}
        self.interaction_id: int | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors.nested()
        return body

    @classmethod
    def invalid_form_body(cls, errors: FormErrors) -> DiscordHTTPError:
        return cls(400, INVALID_FORM_BODY, "Invalid Form Body", errors)

    @classmethod
    def not_found(cls) -> DiscordHTTPError:
        return cls(404, GENERAL_ERROR, "404: Not Found")

    @classmethod
    def unauthorized(cls) -> DiscordHTTPError:
        return cls(401, GENERAL_ERROR, "401: Unauthorized")

    @classmethod
    def unknown_interaction(cls) -> DiscordHTTPError:
        return cls(404, UNKNOWN_INTERACTION, "Unknown interaction")

    @classmethod
    def already_acknowledged(cls) -> DiscordHTTPError:
        return cls(400, INTERACTION_ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged.")

    @classmethod
    def unknown_webhook(cls) -> DiscordHTTPError:
        return cls(404, UNKNOWN_WEBHOOK, "Unknown Webhook")

    @classmethod
    def invalid_webhook_token(cls) -> DiscordHTTPError:
        return cls(401, INVALID_WEBHOOK_TOKEN, "Invalid Webhook Token")

    @classmethod
    def unknown_message(cls) -> DiscordHTTPError:
        return cls(404, UNKNOWN_MESSAGE, "Unknown Message")

    @classmethod
    def empty_message(cls) -> DiscordHTTPError:
        return cls(400, CANNOT_SEND_EMPTY_MESSAGE, "Cannot send an empty message")

    @classmethod
    def invalid_json(cls) -> DiscordHTTPError:
        return cls(400, INVALID_JSON, "The request body contains invalid JSON.")


class SimulatorUsageError(Exception):
    """A test asked the simulator for something a Discord user could not do (no such command, button, ...)."""
