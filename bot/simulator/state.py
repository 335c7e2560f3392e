"""What the simulated Discord knows: users, guilds, channels, messages, interactions, and what happened."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from bot.simulator.clock import Notifier
from bot.simulator.validation import FLAG_EPHEMERAL, FLAG_LOADING, INTERACTIVE, SELECTS

if TYPE_CHECKING:
    from bot.simulator.server import DiscordSimulator

# Permission bits used by the simulator's defaults.
ADMINISTRATOR = 1 << 3
ALL_PERMISSIONS = (1 << 51) - 1
# What @everyone gets in a new guild (Discord's default set).
DEFAULT_EVERYONE_PERMISSIONS = 1 << 0 | 1 << 6 | 1 << 10 | 1 << 11 | 1 << 14 | 1 << 15 | 1 << 16 | 1 << 17
DEFAULT_EVERYONE_PERMISSIONS |= 1 << 18 | 1 << 19 | 1 << 20 | 1 << 21 | 1 << 25 | 1 << 26 | 1 << 31 | 1 << 32
DEFAULT_EVERYONE_PERMISSIONS |= 1 << 34 | 1 << 35 | 1 << 36 | 1 << 37 | 1 << 38 | 1 << 39 | 1 << 46
# The managed role of a bot invited with "Send Messages, Embed Links, Attach Files, Read History, Use Slash".
DEFAULT_BOT_PERMISSIONS = 1 << 10 | 1 << 11 | 1 << 14 | 1 << 15 | 1 << 16 | 1 << 31 | 1 << 38
# app_permissions in DMs / where the bot is not a member (what Discord sends for user-installed apps).
DM_APP_PERMISSIONS = 1 << 10 | 1 << 11 | 1 << 14 | 1 << 15 | 1 << 16 | 1 << 18 | 1 << 31 | 1 << 46

CHANNEL_TEXT = 0
CHANNEL_DM = 1
CHANNEL_VOICE = 2
CHANNEL_GROUP_DM = 3
CHANNEL_CATEGORY = 4

INTERACTION_PING = 1
INTERACTION_APPLICATION_COMMAND = 2
INTERACTION_MESSAGE_COMPONENT = 3
INTERACTION_AUTOCOMPLETE = 4
INTERACTION_MODAL_SUBMIT = 5

CONTEXT_GUILD = 0
CONTEXT_BOT_DM = 1
CONTEXT_PRIVATE_CHANNEL = 2

# Interaction callback types
PONG = 1
CHANNEL_MESSAGE_WITH_SOURCE = 4
DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
APPLICATION_COMMAND_AUTOCOMPLETE_RESULT = 8
MODAL = 9
LAUNCH_ACTIVITY = 12

T = TypeVar("T")


@dataclass(slots=True)
class SimUser:
    id: int
    username: str
    global_name: str | None = None
    discriminator: str = "0"
    bot: bool = False
    avatar: str | None = None
    locale: str = "en-US"


@dataclass(slots=True)
class SimRole:
    id: int
    name: str
    permissions: int
    position: int = 0
    color: int = 0
    hoist: bool = False
    managed: bool = False
    mentionable: bool = False
    bot_id: int | None = None


@dataclass(slots=True)
class SimChannel:
    id: int
    type: int
    name: str | None = None
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    nsfw: bool = False
    recipients: list[SimUser] = field(default_factory=list)
    last_message_id: int | None = None


@dataclass(slots=True)
class SimMember:
    user: SimUser
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(datetime.UTC))


@dataclass(slots=True)
class SimGuild:
    """A guild. ``bot_member`` False models a guild where only users installed the app (context 0, user install)."""

    id: int
    name: str
    owner_id: int
    roles: list[SimRole] = field(default_factory=list)
    channels: list[SimChannel] = field(default_factory=list)
    members: dict[int, SimMember] = field(default_factory=dict)
    preferred_locale: str = "en-US"
    features: list[str] = field(default_factory=list)
    bot_member: bool = True
    joined_at: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(datetime.UTC))

    @property
    def everyone(self) -> SimRole:
        return self.roles[0]

    def role(self, role_id: int) -> SimRole | None:
        return next((r for r in self.roles if r.id == role_id), None)

    def channel(self, channel_id: int) -> SimChannel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def text_channels(self) -> list[SimChannel]:
        return [c for c in self.channels if c.type == CHANNEL_TEXT]

    def permissions_of(self, user_id: int) -> int:
        """Guild-level permissions (no channel overwrites are modelled); owners and admins get everything."""
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.members.get(user_id)
        value = self.everyone.permissions
        if member is not None:
            for role_id in member.roles:
                role = self.role(role_id)
                if role is not None:
                    value |= role.permissions
        if value & ADMINISTRATOR:
            return ALL_PERMISSIONS
        return value


def walk_components(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component in a message's tree, depth first (rows, sections, containers, accessories)."""
    for component in components:
        yield component
        yield from walk_components(component.get("components") or [])
        accessory = component.get("accessory")
        if isinstance(accessory, dict):
            yield accessory
        inner = component.get("component")
        if isinstance(inner, dict):
            yield inner


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def stored_components(components: list[Any]) -> list[dict[str, Any]]:
    """Components as Discord keeps (and answers) them: nulls dropped, every one numbered, and a select's
    ``min_values``/``max_values`` filled in with their default of 1."""
    stored: list[dict[str, Any]] = _drop_nulls(copy.deepcopy(list(components)))
    number_components(stored)
    for component in walk_components(stored):
        if component.get("type") in SELECTS:
            component.setdefault("min_values", 1)
            component.setdefault("max_values", 1)
    return stored


def number_components(components: list[dict[str, Any]]) -> None:
    """Give components without an ``id`` the next free integer, in tree order, as Discord does."""
    used = {c["id"] for c in walk_components(components) if isinstance(c.get("id"), int)}
    next_id = 1
    for component in walk_components(components):
        if component.get("id") is None:
            while next_id in used:
                next_id += 1
            component["id"] = next_id
            used.add(next_id)


@dataclass(slots=True)
class MessageRevision:
    at: float
    content: str
    embeds: list[dict[str, Any]]
    components: list[dict[str, Any]]
    flags: int


@dataclass(eq=False, slots=True)
class SimMessage:
    """A message the simulator holds (interaction responses, followups, channel messages)."""

    id: int
    channel_id: int
    guild_id: int | None
    author: dict[str, Any]
    created_at: datetime.datetime
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    tts: bool = False
    application_id: int | None = None
    webhook_id: int | None = None
    interaction_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    interaction: dict[str, Any] | None = None
    message_reference: dict[str, Any] | None = None
    poll: dict[str, Any] | None = None
    edited_at: datetime.datetime | None = None
    deleted: bool = False
    history: list[MessageRevision] = field(default_factory=list, repr=False)
    _notifier: Notifier | None = field(default=None, repr=False)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & FLAG_LOADING)

    @property
    def revision(self) -> int:
        """0 for the message as first created, +1 per edit."""
        return len(self.history)

    def snapshot(self, at: float) -> None:
        self.history.append(
            MessageRevision(at, self.content, copy.deepcopy(self.embeds), copy.deepcopy(self.components), self.flags)
        )

    def iter_components(self) -> Iterator[dict[str, Any]]:
        return walk_components(self.components)

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in self.iter_components() if c.get("type") in INTERACTIVE and c.get("custom_id")]

    def find_component(self, custom_id: str) -> dict[str, Any] | None:
        return next((c for c in self.iter_components() if c.get("custom_id") == custom_id), None)

    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in self.iter_components() if c.get("type") == 2]

    def text(self) -> str:
        """Content, embed text and text displays joined, for loose assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts.extend(str(embed.get(k) or "") for k in ("title", "description"))
            for fld in embed.get("fields") or []:
                parts.extend((str(fld.get("name") or ""), str(fld.get("value") or "")))
            footer = embed.get("footer") or {}
            parts.append(str(footer.get("text") or ""))
        parts.extend(str(c.get("content") or "") for c in self.iter_components() if c.get("type") == 10)
        return "\n".join(p for p in parts if p)

    async def wait_for(self, predicate: Callable[[SimMessage], Any], within: float | None = 5.0) -> SimMessage:
        """Wait until ``predicate(self)`` holds (after edits arrive), then return the message."""
        if self._notifier is None:
            raise RuntimeError("message is not attached to a simulator")
        await self._notifier.wait_for(lambda: predicate(self), within)
        return self


@dataclass(slots=True)
class CallbackAttempt:
    """One ``POST /interactions/{id}/{token}/callback`` as received, accepted or not."""

    type: int | None
    data: dict[str, Any] | None
    status: int
    at: float
    elapsed: float
    error_code: int | None = None
    files: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300


@dataclass(slots=True)
class WebhookCall:
    """A followup or webhook-message call made with an interaction's token."""

    method: str
    target: str  # "followup", "@original" or a message id
    status: int
    at: float
    elapsed: float
    error_code: int | None = None
    message_id: int | None = None


@dataclass(eq=False, slots=True)
class InteractionRecord:
    """An interaction the simulator sent, and everything the bot did with its id and token."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    created_at: float
    shard_id: int
    sim: DiscordSimulator = field(repr=False)
    name: str | None = None
    custom_id: str | None = None
    source_message_id: int | None = None
    attempts: list[CallbackAttempt] = field(default_factory=list)
    webhook_calls: list[WebhookCall] = field(default_factory=list)
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    deferred_pending: bool = False
    # For a modal submit: the interaction (a command or a component) that the modal was the answer to.
    opened_by_id: int | None = None

    @property
    def response(self) -> CallbackAttempt | None:
        """The accepted first response (the acknowledgement), if any."""
        return next((a for a in self.attempts if a.accepted), None)

    @property
    def acknowledged(self) -> bool:
        return self.response is not None

    @property
    def rejected_attempts(self) -> list[CallbackAttempt]:
        return [a for a in self.attempts if not a.accepted]

    @property
    def original(self) -> SimMessage | None:
        """The message ``@original`` designates: the response message, or the component's message."""
        if self.original_id is None:
            return None
        return self.sim.messages.get(self.original_id)

    @property
    def followups(self) -> list[SimMessage]:
        return [self.sim.messages[i] for i in self.followup_ids if i in self.sim.messages]

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        """The autocomplete choices returned (callback type 8), if any."""
        response = self.response
        if response is None or response.type != APPLICATION_COMMAND_AUTOCOMPLETE_RESULT:
            return None
        return list((response.data or {}).get("choices") or [])

    @property
    def modal(self) -> dict[str, Any] | None:
        response = self.response
        if response is None or response.type != MODAL:
            return None
        return response.data

    async def wait_for(self, predicate: Callable[[InteractionRecord], T | None], within: float | None = 5.0) -> T:
        """Wait until ``predicate(self)`` is truthy and return its value."""
        return await self.sim.notifier.wait_for(lambda: predicate(self), within)

    async def wait_response(self, within: float | None = 5.0) -> CallbackAttempt:
        """Wait for the first accepted response (acknowledgement) and return it."""
        return await self.wait_for(lambda r: r.response, within)

    async def wait_attempt(self, within: float | None = 5.0) -> CallbackAttempt:
        """Wait for the first callback attempt, accepted or rejected (e.g. a late 10062)."""
        return await self.wait_for(lambda r: r.attempts[0] if r.attempts else None, within)

    async def wait_original(
        self, predicate: Callable[[SimMessage], Any] | None = None, within: float | None = 5.0
    ) -> SimMessage:
        """Wait until ``@original`` exists (and satisfies ``predicate``), then return it."""

        def check(record: InteractionRecord) -> SimMessage | None:
            message = record.original
            if message is None or (predicate is not None and not predicate(message)):
                return None
            return message

        return await self.wait_for(check, within)

    async def wait_followups(self, count: int = 1, within: float | None = 5.0) -> list[SimMessage]:
        return await self.wait_for(lambda r: r.followups if len(r.followups) >= count else None, within)


@dataclass(slots=True)
class SyncRecord:
    """A write to an application-command scope (``guild_id`` None = global)."""

    guild_id: int | None
    kind: str  # "bulk", "create", "edit", "delete"
    names: list[str]
    at: float


@dataclass(slots=True)
class Rejection:
    """A request the simulator refused with a 4xx because it broke Discord's rules."""

    method: str
    path: str
    status: int
    code: int
    message: str
    errors: dict[str, Any] | None
    body: Any
    interaction_id: int | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status} {self.code} {self.message} {self.errors or ''}".rstrip()


@dataclass(slots=True)
class UnexpectedRoute:
    method: str
    path: str
    query: str
    at: float


@dataclass(slots=True)
class RequestRecord:
    method: str
    path: str
    status: int
    at: float


@dataclass(frozen=True, slots=True)
class ServedResponse:
    """One REST answer as it left the simulator, for ``sim.response_listeners`` (tests hold it to the spec).

    ``path`` is without the ``/api/v10`` prefix; ``body`` is the exact bytes sent (``None`` for no body);
    ``fault`` is the kind of the injected :class:`~bot.simulator.faults.HttpFault` that answered, if one did.
    """

    method: str
    path: str
    status: int
    content_type: str | None
    body: bytes | None
    fault: str | None = None


@dataclass(slots=True)
class GatewayEvent:
    """Something that happened on the gateway, for tests: connect, identify, resume, close, drop, ..."""

    kind: str
    shard_id: int | None
    session_id: str | None
    at: float
    detail: Mapping[str, Any] = field(default_factory=dict)
