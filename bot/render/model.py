"""The reply model: what a command or a click answers, as plain data with no connection to Discord.

`Reply.payload()` is the Discord message JSON the model stands for; tests check it against every limit, and
`bot.app.replies` turns the model into discord.py objects to send.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

EPHEMERAL_FLAG = 1 << 6
# Nobody is ever pinged: every reply carries this, whatever its text holds.


class ButtonStyle(IntEnum):
    PRIMARY = 1
    SECONDARY = 2


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str
    inline: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "inline": self.inline}


@dataclass(frozen=True, slots=True)
class Embed:
    title: str | None = None
    description: str | None = None
    colour: int | None = None
    url: str | None = None
    author: str | None = None
    fields: tuple[Field, ...] = ()
    footer: str | None = None
    # `attachment://<filename>` of a file sent with the message, drawn inside the embed.
    image: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": "rich"}
        if self.title:
            data["title"] = self.title
        if self.description:
            data["description"] = self.description
        if self.colour is not None:
            data["color"] = self.colour
        if self.url:
            data["url"] = self.url
        if self.author:
            data["author"] = {"name": self.author}
        if self.fields:
            data["fields"] = [f.to_dict() for f in self.fields]
        if self.footer:
            data["footer"] = {"text": self.footer}
        if self.image:
            data["image"] = {"url": self.image}
        return data

    @property
    def size(self) -> int:
        """Characters counted towards Discord's per-message embed total."""
        return (
            len(self.title or "")
            + len(self.description or "")
            + len(self.author or "")
            + len(self.footer or "")
            + sum(len(f.name) + len(f.value) for f in self.fields)
        )


@dataclass(frozen=True, slots=True)
class Button:
    custom_id: str
    label: str
    style: ButtonStyle = ButtonStyle.SECONDARY
    disabled: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": 2,
            "style": int(self.style),
            "label": self.label,
            "custom_id": self.custom_id,
            "disabled": self.disabled,
        }


@dataclass(frozen=True, slots=True)
class SelectOption:
    label: str
    value: str
    description: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"label": self.label, "value": self.value}
        if self.description:
            data["description"] = self.description
        return data


@dataclass(frozen=True, slots=True)
class Select:
    custom_id: str
    placeholder: str
    options: tuple[SelectOption, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": 3,
            "custom_id": self.custom_id,
            "placeholder": self.placeholder,
            "min_values": 1,
            "max_values": 1,
            "options": [o.to_dict() for o in self.options],
        }


@dataclass(frozen=True, slots=True)
class ActionRow:
    """Up to five buttons, or exactly one select."""

    items: tuple[Button, ...] | tuple[Select]

    def to_dict(self) -> dict[str, Any]:
        return {"type": 1, "components": [i.to_dict() for i in self.items]}


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with the message; `description` is its alt text."""

    filename: str
    data: bytes = field(repr=False)
    description: str | None = None

    def to_dict(self, index: int) -> dict[str, Any]:
        data: dict[str, Any] = {"id": index, "filename": self.filename}
        if self.description:
            data["description"] = self.description
        return data


@dataclass(frozen=True, slots=True)
class Reply:
    content: str | None = None
    embeds: tuple[Embed, ...] = ()
    rows: tuple[ActionRow, ...] = ()
    ephemeral: bool = False
    files: tuple[Attachment, ...] = ()

    def payload(self) -> dict[str, Any]:
        """The message as Discord's JSON (the body of an interaction callback's `data`)."""
        data: dict[str, Any] = {
            "embeds": [e.to_dict() for e in self.embeds],
            "components": [r.to_dict() for r in self.rows],
        }
        if self.content:
            data["content"] = self.content
        if self.files:
            data["attachments"] = [f.to_dict(n) for n, f in enumerate(self.files)]
        if self.ephemeral:
            data["flags"] = EPHEMERAL_FLAG
        return data

    def buttons(self) -> tuple[Button, ...]:
        return tuple(i for r in self.rows for i in r.items if isinstance(i, Button))

    def selects(self) -> tuple[Select, ...]:
        return tuple(i for r in self.rows for i in r.items if isinstance(i, Select))
