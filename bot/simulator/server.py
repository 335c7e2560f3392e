"""``DiscordSimulator``: the REST API and the gateway on one local aiohttp server, plus the test-facing API."""

from __future__ import annotations

import asyncio
import copy
import datetime
import logging
import mimetypes
import secrets
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import web

from bot.simulator import limits, payloads
from bot.simulator.clock import Notifier, SimClock, iso8601
from bot.simulator.errors import SimulatorUsageError
from bot.simulator.faults import Faults
from bot.simulator.gateway import (
    INTENT_GUILD_MEMBERS,
    INTENT_GUILD_PRESENCES,
    INTENT_MESSAGE_CONTENT,
    PRIVILEGED_INTENTS,
    Gateway,
    GatewaySession,
)
from bot.simulator.rest import EDIT_FLAGS, RestApi, Upload
from bot.simulator.snowflakes import SnowflakeFactory
from bot.simulator.state import (
    ADMINISTRATOR,
    CHANNEL_DM,
    CHANNEL_GROUP_DM,
    CHANNEL_TEXT,
    CONTEXT_BOT_DM,
    CONTEXT_GUILD,
    CONTEXT_PRIVATE_CHANNEL,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    DM_APP_PERMISSIONS,
    GatewayEvent,
    InteractionRecord,
    Rejection,
    RequestRecord,
    ServedResponse,
    SimChannel,
    SimGuild,
    SimMember,
    SimMessage,
    SimRole,
    SimUser,
    SyncRecord,
    UnexpectedRoute,
    stored_components,
)
from bot.simulator.validation import (
    BUTTON,
    BUTTON_LINK,
    BUTTON_PREMIUM,
    CHANNEL_SELECT,
    CHAT_INPUT,
    FLAG_LOADING,
    MENTIONABLE_SELECT,
    OPT_ATTACHMENT,
    OPT_BOOLEAN,
    OPT_CHANNEL,
    OPT_INTEGER,
    OPT_MENTIONABLE,
    OPT_NUMBER,
    OPT_ROLE,
    OPT_STRING,
    OPT_SUB_COMMAND,
    OPT_SUB_COMMAND_GROUP,
    OPT_USER,
    ROLE_SELECT,
    SELECTS,
    STRING_SELECT,
    USER_SELECT,
    as_int,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

# Application flags Discord sets when privileged intents are enabled for a bot in fewer than 100 guilds.
APP_FLAG_GATEWAY_PRESENCE_LIMITED = 1 << 13
APP_FLAG_GATEWAY_GUILD_MEMBERS_LIMITED = 1 << 15
APP_FLAG_GATEWAY_MESSAGE_CONTENT_LIMITED = 1 << 19
APP_FLAG_APPLICATION_COMMAND_BADGE = 1 << 23
GUILD_MESSAGES_INTENT = 1 << 9
DIRECT_MESSAGES_INTENT = 1 << 12


def media_type(sent: str, filename: str) -> str:
    """An attachment's `content_type` as Discord reports it: a client such as discord.py sends every file as
    application/octet-stream, and Discord names the type from the file's name instead."""
    if sent and sent != "application/octet-stream":
        return sent
    return mimetypes.guess_type(filename, strict=True)[0] or "application/octet-stream"


class DiscordSimulator:
    """A local, protocol-faithful Discord: REST v10 and gateway v10 on ``127.0.0.1``.

    Use as ``async with DiscordSimulator() as sim:``; point discord.py at ``sim.api_base``/``sim.gateway_url``
    (the bot does it with ``bot.endpoints.use_endpoints``; the tests with ``tests.rig.run_client``).

    Parameters
    ----------
    token:
        The bot token REST (``Authorization: Bot ...``) and IDENTIFY must carry; ``None`` accepts any.
    first_response_deadline:
        Seconds within which an interaction must get its first callback (Discord: 3).
    token_lifetime:
        Seconds an interaction token works for followups/edits (Discord: 15 minutes). Move ``sim.clock``
        forward to cross it.
    heartbeat_interval:
        Seconds, sent in HELLO (Discord: 41.25).
    recommended_shards:
        ``shards`` of ``GET /gateway/bot``.
    privileged_intents:
        The privileged intent bits enabled "in the developer portal"; IDENTIFY asking for others gets 4014.
    bucket_limit, bucket_window:
        Every route bucket (route + major parameters) allows ``bucket_limit`` requests per ``bucket_window``
        seconds, reported in ``X-RateLimit-*`` headers (discord.py waits when ``Remaining`` reaches 0).
    enforce_rate_limits:
        Answer 429 (as Discord would) to requests beyond a bucket's limit instead of only reporting it.
    with_default_guild:
        Create one guild with a ``#general`` channel and a member ``sim-user``.
    user_id_for:
        The id of each user by username (the playground's stay the same from one start to the next); None: a
        new snowflake each time.
    heartbeat_ack_delay:
        Seconds before a heartbeat is acknowledged: the network's round trip, which Discord always has. With 0,
        discord.py in the same process can read the ACK before its heartbeat thread notes the send, and then
        reports the whole interval as latency ("Can't keep up").
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = "sim-token",
        first_response_deadline: float = limits.FIRST_RESPONSE_SECONDS,
        token_lifetime: float = limits.TOKEN_LIFETIME_SECONDS,
        heartbeat_interval: float = 41.25,
        recommended_shards: int = 1,
        privileged_intents: int = PRIVILEGED_INTENTS,
        max_guilds_per_shard: int = 2500,
        bucket_limit: int = 50,
        bucket_window: float = 1.0,
        enforce_rate_limits: bool = False,
        application_name: str = "Simulated App",
        bot_name: str = "SimBot",
        with_default_guild: bool = True,
        user_id_for: Callable[[str], int] | None = None,
        heartbeat_ack_delay: float = 0.0,
    ) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the simulator only binds to the loopback interface")
        self.host = host
        self._requested_port = port
        self.port: int | None = None
        self.token = token
        self.first_response_deadline = first_response_deadline
        self.token_lifetime = token_lifetime
        self.heartbeat_interval = heartbeat_interval
        self.recommended_shards = recommended_shards
        self.privileged_intents = privileged_intents
        self.max_guilds_per_shard = max_guilds_per_shard
        self.bucket_limit = bucket_limit
        self.bucket_window = bucket_window
        self.enforce_rate_limits = enforce_rate_limits
        self.application_name = application_name
        self.user_id_for = user_id_for
        self.heartbeat_ack_delay = heartbeat_ack_delay
        self.gateway_split_frames = False

        self.clock = SimClock()
        self.notifier = Notifier()
        self.faults = Faults()
        self.snowflakes = SnowflakeFactory()
        self._guild_ids = SnowflakeFactory(worker=2)
        self._guild_ms = 1_600_000_000_000

        # The world
        self.application_id = self.snowflakes.make()
        self.bot_user = SimUser(self.application_id, bot_name, discriminator="0001", bot=True)
        owner_id = user_id_for("sim-owner") if user_id_for is not None else self.snowflakes.make()
        self.owner_user = SimUser(owner_id, "sim-owner", global_name="Sim Owner")
        self.users: dict[int, SimUser] = {self.bot_user.id: self.bot_user, self.owner_user.id: self.owner_user}
        self.guilds: dict[int, SimGuild] = {}
        self.dm_channels: dict[int, SimChannel] = {}
        self.private_channels: dict[int, SimChannel] = {}
        self.messages: dict[int, SimMessage] = {}
        self.attachment_data: dict[int, tuple[str, bytes]] = {}
        self.commands: dict[int | None, dict[str, dict[str, Any]]] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}
        self.identify_count = 0

        # What happened
        self.syncs: list[SyncRecord] = []
        self.rejections: list[Rejection] = []
        self.unexpected_routes: list[UnexpectedRoute] = []
        self.requests: list[RequestRecord] = []
        self.gateway_events: list[GatewayEvent] = []
        # Called with every REST answer as it is sent (the tests check each against Discord's spec).
        self.response_listeners: list[Callable[[ServedResponse], None]] = []

        self._background: set[asyncio.Task[Any]] = set()
        self.rest = RestApi(self)
        self.gateway = Gateway(self)
        self._runner: web.AppRunner | None = None

        self.default_user = self.add_user("sim-user", global_name="Sim User")
        self.default_guild: SimGuild | None = None
        if with_default_guild:
            self.default_guild = self.add_guild("Simulated Guild", owner=self.owner_user, members=[self.default_user])

    # ------------------------------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("simulator already started")
        app = web.Application(middlewares=[self.rest.middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/", self.gateway.handle)
        app.router.add_get("/resume", self.gateway.handle)
        self.rest.install(app)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._requested_port, reuse_address=True)
        await site.start()
        self._runner = runner
        address = runner.addresses[0]
        self.port = int(address[1])
        log.info("Discord simulator listening on %s (gateway %s)", self.api_base, self.gateway_url)

    async def close(self) -> None:
        if self._runner is None:
            return
        for task in list(self._background):
            task.cancel()
        await self.gateway.shutdown()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    def _base(self, scheme: str) -> str:
        if self.port is None:
            raise RuntimeError("the simulator is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self._base("http")

    @property
    def api_base(self) -> str:
        """The REST base to give discord.py, e.g. ``http://127.0.0.1:PORT/api/v10``."""
        return self._base("http") + "/api/v10"

    @property
    def gateway_url(self) -> str:
        """The gateway URL to give discord.py, e.g. ``ws://127.0.0.1:PORT/``."""
        return self._base("ws") + "/"

    @property
    def resume_gateway_url(self) -> str:
        """The ``resume_gateway_url`` READY hands out (a separate path, so tests can see resumes use it)."""
        return self._base("ws") + "/resume"

    @property
    def application_flags(self) -> int:
        flags = APP_FLAG_APPLICATION_COMMAND_BADGE
        if self.privileged_intents & INTENT_GUILD_PRESENCES:
            flags |= APP_FLAG_GATEWAY_PRESENCE_LIMITED
        if self.privileged_intents & INTENT_GUILD_MEMBERS:
            flags |= APP_FLAG_GATEWAY_GUILD_MEMBERS_LIMITED
        if self.privileged_intents & INTENT_MESSAGE_CONTENT:
            flags |= APP_FLAG_GATEWAY_MESSAGE_CONTENT_LIMITED
        return flags

    # -------------------------------------------------------------------------------------------- world

    def add_user(self, username: str, *, global_name: str | None = None, locale: str = "en-US") -> SimUser:
        user_id = self.user_id_for(username) if self.user_id_for is not None else self.snowflakes.make()
        user = SimUser(user_id, username, global_name=global_name, locale=locale)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        *,
        owner: SimUser | None = None,
        channels: Sequence[str] = ("general",),
        members: Iterable[SimUser] = (),
        bot_member: bool = True,
        locale: str = "en-US",
        guild_id: int | None = None,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
    ) -> SimGuild:
        """Add a guild (with text channels and members). Connected shards get GUILD_CREATE, as on a join.

        Guild ids are spaced one millisecond apart, so consecutive guilds land on consecutive shards.
        """
        if guild_id is None:
            self._guild_ms += 1
            guild_id = self._guild_ids.make(self._guild_ms)
        owner = owner or self.owner_user
        guild = SimGuild(guild_id, name, owner.id, preferred_locale=locale, bot_member=bot_member)
        guild.roles.append(SimRole(guild_id, "@everyone", DEFAULT_EVERYONE_PERMISSIONS))
        for position, channel_name in enumerate(channels):
            guild.channels.append(
                SimChannel(self.snowflakes.make(), CHANNEL_TEXT, channel_name, guild_id=guild_id, position=position)
            )
        guild.members[owner.id] = SimMember(owner)
        for user in members:
            guild.members[user.id] = SimMember(user)
        if bot_member:
            bot_role = SimRole(
                self.snowflakes.make(),
                self.bot_user.username,
                bot_permissions,
                position=1,
                managed=True,
                bot_id=self.bot_user.id,
            )
            guild.roles.append(bot_role)
            guild.members[self.bot_user.id] = SimMember(self.bot_user, roles=[bot_role.id])
        self.guilds[guild.id] = guild
        if bot_member:
            self._announce_guild(guild)
        return guild

    def _announce_guild(self, guild: SimGuild) -> None:
        session = self.gateway.session_for_shard(self.gateway.shard_for_guild(guild.id))
        if session is None:
            return
        payload = payloads.guild_create_payload(
            guild, self.bot_user, all_members=bool(session.intents & INTENT_GUILD_PRESENCES)
        )
        self._spawn(session.dispatch("GUILD_CREATE", payload))

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run a gateway dispatch in the background (from code that cannot await), keeping a reference."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            coro.close()
            return
        task = loop.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def add_member(
        self, guild: SimGuild, user: SimUser, *, roles: Iterable[SimRole] = (), admin: bool = False
    ) -> SimMember:
        role_ids = [r.id for r in roles]
        if admin:
            role = SimRole(self.snowflakes.make(), "admin", ADMINISTRATOR, position=len(guild.roles))
            guild.roles.append(role)
            role_ids.append(role.id)
        member = SimMember(user, roles=role_ids)
        guild.members[user.id] = member
        return member

    def add_role(self, guild: SimGuild, name: str, permissions: int) -> SimRole:
        role = SimRole(self.snowflakes.make(), name, permissions, position=len(guild.roles))
        guild.roles.append(role)
        return role

    def dm_channel(self, user: SimUser) -> SimChannel:
        """The DM channel between ``user`` and the bot."""
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = SimChannel(self.snowflakes.make(), CHANNEL_DM, recipients=[user])
            self.dm_channels[user.id] = channel
        return channel

    def private_channel(self, user: SimUser, other: SimUser | None = None, *, group: bool = False) -> SimChannel:
        """A DM (or group DM) between users, where only a user-installed app can be used (context 2)."""
        other = other or self.owner_user
        key = user.id ^ other.id ^ (1 if group else 0)
        channel = self.private_channels.get(key)
        if channel is None:
            kind = CHANNEL_GROUP_DM if group else CHANNEL_DM
            channel = SimChannel(self.snowflakes.make(), kind, name="group" if group else None, recipients=[other])
            self.private_channels[key] = channel
        return channel

    def find_channel(self, channel_id: int) -> SimChannel | None:
        for guild in self.guilds.values():
            channel = guild.channel(channel_id)
            if channel is not None:
                return channel
        for channel in (*self.dm_channels.values(), *self.private_channels.values()):
            if channel.id == channel_id:
                return channel
        return None

    @property
    def default_channel(self) -> SimChannel:
        if self.default_guild is None:
            raise SimulatorUsageError("no default guild")
        return self.default_guild.text_channels()[0]

    # ----------------------------------------------------------------------------------------- messages

    def _attachments(self, channel_id: int, uploads: list[Upload], body: Mapping[str, Any]) -> list[dict[str, Any]]:
        described = {}
        for item in body.get("attachments") or []:
            if isinstance(item, Mapping) and item.get("id") is not None:
                described[str(item["id"])] = item
        result = []
        for index, upload in enumerate(uploads):
            attachment_id = self.snowflakes.make()
            meta = described.get(str(index), {})
            filename = str(meta.get("filename") or upload.filename)
            content_type = media_type(upload.content_type, filename)
            self.attachment_data[attachment_id] = (content_type, upload.data)
            url = f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{filename}"
            attachment = {
                "id": str(attachment_id),
                "filename": filename,
                "size": len(upload.data),
                "url": url,
                "proxy_url": url,
                "content_type": content_type,
            }
            if meta.get("description"):
                attachment["description"] = meta["description"]
            result.append(attachment)
        return result

    def new_message(
        self,
        *,
        channel_id: int,
        guild_id: int | None,
        body: Mapping[str, Any],
        uploads: list[Upload],
        flags: int,
        message_type: int,
        webhook_id: int | None = None,
        interaction_id: int | None = None,
        interaction_metadata: dict[str, Any] | None = None,
        interaction: dict[str, Any] | None = None,
        reference: SimMessage | None = None,
    ) -> SimMessage:
        """Store a message authored by the bot (already validated) and announce it on the gateway."""
        components = stored_components(body.get("components") or [])
        message = SimMessage(
            id=self.snowflakes.make(),
            channel_id=channel_id,
            guild_id=guild_id,
            author=payloads.user_payload(self.bot_user),
            created_at=self.clock.utcnow(),
            content=str(body.get("content") or ""),
            embeds=[self._normalise_embed(e) for e in body.get("embeds") or []],
            components=components,
            attachments=self._attachments(channel_id, uploads, body),
            flags=flags,
            type=message_type,
            tts=bool(body.get("tts", False)),
            application_id=self.application_id if interaction_id is not None else None,
            webhook_id=webhook_id,
            interaction_id=interaction_id,
            interaction_metadata=interaction_metadata,
            interaction=interaction,
            poll=self._stored_poll(body.get("poll")),
            _notifier=self.notifier,
        )
        if reference is not None:
            message.message_reference = {
                "type": 0,
                "message_id": str(reference.id),
                "channel_id": str(reference.channel_id),
            }
            if reference.guild_id is not None:
                message.message_reference["guild_id"] = str(reference.guild_id)
        self.messages[message.id] = message
        channel = self.find_channel(channel_id)
        if channel is not None and not message.ephemeral:
            channel.last_message_id = message.id
        self._announce_message("MESSAGE_CREATE", message)
        self.notifier.notify()
        return message

    def _stored_poll(self, poll: Any) -> dict[str, Any] | None:
        """A poll as Discord answers it: answers numbered from 1, its expiry, its defaults and empty results."""
        if not isinstance(poll, Mapping):
            return None
        hours = poll.get("duration")
        expiry = self.clock.utcnow() + datetime.timedelta(hours=int(hours) if hours is not None else 24)
        answers = [
            {"answer_id": i, "poll_media": {k: v for k, v in dict(a.get("poll_media") or {}).items() if v is not None}}
            for i, a in enumerate(poll.get("answers") or [], start=1)
        ]
        return {
            "question": {k: v for k, v in dict(poll.get("question") or {}).items() if v is not None},
            "answers": answers,
            "expiry": iso8601(expiry),
            "allow_multiselect": bool(poll.get("allow_multiselect") or False),
            "layout_type": poll.get("layout_type") or 1,
            "results": {"answer_counts": [], "is_finalized": False},
        }

    @staticmethod
    def _normalise_embed(embed: Mapping[str, Any]) -> dict[str, Any]:
        """An (already validated) embed as Discord answers it: no nulls, a type, the colour as a number and the
        timestamp in Discord's own ISO 8601 form."""
        result = {k: v for k, v in copy.deepcopy(dict(embed)).items() if v is not None}
        result.setdefault("type", "rich")
        if "color" in result:
            result["color"] = as_int(result["color"])
        if "timestamp" in result:
            moment = datetime.datetime.fromisoformat(str(result["timestamp"]).strip().upper().replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=datetime.UTC)
            result["timestamp"] = iso8601(moment)
        return result

    def edit_message(self, message: SimMessage, body: Mapping[str, Any], uploads: list[Upload]) -> None:
        """Apply an (already validated) edit: fields present replace, fields absent stay."""
        message.snapshot(self.clock.now())
        if "content" in body:
            message.content = str(body.get("content") or "")
        if "embeds" in body:
            message.embeds = [self._normalise_embed(e) for e in body.get("embeds") or []]
        if "components" in body:
            message.components = stored_components(body.get("components") or [])
        if "attachments" in body:
            keep = {str(a.get("id")) for a in body.get("attachments") or [] if isinstance(a, Mapping)}
            message.attachments = [a for a in message.attachments if a["id"] in keep]
        if uploads:
            message.attachments.extend(self._attachments(message.channel_id, uploads, body))
        if body.get("flags") is not None:
            message.flags = (message.flags & ~EDIT_FLAGS) | (int(body["flags"]) & EDIT_FLAGS)
        was_loading = message.loading
        message.flags &= ~FLAG_LOADING
        if not was_loading:
            message.edited_at = self.clock.utcnow()
        self._announce_message("MESSAGE_UPDATE", message)
        self.notifier.notify()

    def delete_message(self, message: SimMessage) -> None:
        message.deleted = True
        session = None if message.ephemeral else self._message_session(message.guild_id, message.channel_id)
        if session is not None:
            data: dict[str, Any] = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id is not None:
                data["guild_id"] = str(message.guild_id)
            self._spawn(session.dispatch("MESSAGE_DELETE", data))
        self.notifier.notify()

    def _message_session(self, guild_id: int | None, channel_id: int) -> GatewaySession | None:
        """The session that receives message events of a channel: the bot must be in it, and ask for them."""
        if guild_id is not None:
            guild = self.guilds.get(guild_id)
            if guild is None or not guild.bot_member:
                return None
            intent = GUILD_MESSAGES_INTENT
        else:
            if not any(c.id == channel_id for c in self.dm_channels.values()):
                return None  # a DM between users: the bot is not in it
            intent = DIRECT_MESSAGES_INTENT
        session = self.gateway.session_for_shard(self.gateway.shard_for_guild(guild_id))
        if session is None or not session.intents & intent:
            return None
        return session

    def _announce_message(self, event: str, message: SimMessage) -> None:
        if message.ephemeral or message.loading:
            return
        session = self._message_session(message.guild_id, message.channel_id)
        if session is not None:
            self._spawn(session.dispatch(event, payloads.gateway_message_payload(message)))

    def message(self, message_id: int) -> SimMessage:
        try:
            return self.messages[message_id]
        except KeyError:
            raise SimulatorUsageError(f"no message {message_id}") from None

    # ----------------------------------------------------------------------------------------- commands

    def get_commands(self, guild: SimGuild | int | None = None) -> list[dict[str, Any]]:
        """The commands synced to a scope (``None``: global)."""
        scope = guild.id if isinstance(guild, SimGuild) else guild
        return copy.deepcopy(list(self.commands.get(scope, {}).values()))

    def sync_count(self, guild: SimGuild | int | None = None, *, kind: str | None = "bulk") -> int:
        """How many writes (bulk overwrites by default; ``kind=None`` for all) hit a scope (``None``: global)."""
        scope = guild.id if isinstance(guild, SimGuild) else guild
        return sum(1 for s in self.syncs if s.guild_id == scope and (kind is None or s.kind == kind))

    def find_command(
        self, name: str, *, guild: SimGuild | None = None, command_type: int = CHAT_INPUT
    ) -> dict[str, Any]:
        """A synced command by name: the guild's own first, then global."""
        scopes: list[int | None] = [guild.id] if guild is not None else []
        scopes.append(None)
        for scope in scopes:
            for command in self.commands.get(scope, {}).values():
                if command["name"] == name and command["type"] == command_type:
                    return command
        where = "global" if guild is None else f"guild {guild.id} or global"
        raise SimulatorUsageError(f"no synced command {name!r} ({where}); was the tree synced?")

    # ------------------------------------------------------------------------------------- interactions

    def user_from_interaction(self, record: InteractionRecord) -> SimUser:
        raw = record.payload.get("member", {}).get("user") or record.payload.get("user") or {}
        return self.users[int(raw["id"])]

    def _where(
        self,
        *,
        user: SimUser,
        guild: SimGuild | None,
        channel: SimChannel | None,
        dm: bool,
        context: int | None,
        installs: Iterable[int] | None,
    ) -> tuple[int, SimGuild | None, SimChannel, set[int]]:
        if context is None:
            context = CONTEXT_BOT_DM if dm else CONTEXT_GUILD
        if context == CONTEXT_GUILD:
            guild = guild or self.default_guild
            if guild is None:
                raise SimulatorUsageError("no guild given and no default guild")
            if channel is None:
                channel = guild.text_channels()[0]
            if user.id not in guild.members:
                guild.members[user.id] = SimMember(user)
            default_installs = {payloads.GUILD_INSTALL} if guild.bot_member else {payloads.USER_INSTALL}
        elif context == CONTEXT_BOT_DM:
            guild = None
            channel = channel or self.dm_channel(user)
            default_installs = {payloads.GUILD_INSTALL}
        elif context == CONTEXT_PRIVATE_CHANNEL:
            guild = None
            channel = channel or self.private_channel(user)
            default_installs = {payloads.USER_INSTALL}
        else:
            raise SimulatorUsageError(f"unknown interaction context {context}")
        return context, guild, channel, set(installs) if installs is not None else default_installs

    def _check_available(
        self, command: Mapping[str, Any], *, user: SimUser, context: int, guild: SimGuild | None, installs: set[int]
    ) -> None:
        """Refuse what Discord's client would not offer: wrong context, install type or permissions."""
        name = command["name"]
        if command.get("guild_id") is not None:
            if guild is None or str(guild.id) != command["guild_id"]:
                raise SimulatorUsageError(f"{name!r} is a command of guild {command['guild_id']}, not usable here")
        else:
            contexts = command.get("contexts")
            if contexts is None:
                allowed = {CONTEXT_GUILD} | ({CONTEXT_BOT_DM} if command.get("dm_permission", True) else set())
            else:
                allowed = set(contexts)
            if context not in allowed:
                raise SimulatorUsageError(f"{name!r} is not available in context {context} (contexts {contexts})")
            if not installs & set(command.get("integration_types") or [0]):
                raise SimulatorUsageError(f"{name!r} is not installed as {sorted(installs)}")
        required = command.get("default_member_permissions")
        if guild is not None and required is not None:
            have = guild.permissions_of(user.id)
            if int(required) & ~have and not have & ADMINISTRATOR:
                raise SimulatorUsageError(f"{user.username} lacks the permissions {required} that {name!r} requires")

    def _app_permissions(self, guild: SimGuild | None) -> int:
        if guild is None or not guild.bot_member:
            return DM_APP_PERMISSIONS
        return guild.permissions_of(self.bot_user.id)

    def _lookup_user(self, value: Any) -> SimUser | None:
        if isinstance(value, SimUser):
            return value
        if isinstance(value, int | str) and str(value).isdigit():
            return self.users.get(int(value))
        return None

    def _resolve_option(
        self,
        option: Mapping[str, Any],
        value: Any,
        guild: SimGuild | None,
        resolved: dict[str, dict[str, Any]],
        user: SimUser,
    ) -> Any:
        """Type an option value as Discord would send it, adding users/members/roles/channels to ``resolved``."""
        otype = option["type"]
        name = option["name"]
        target_user = self._lookup_user(value) if otype in (OPT_USER, OPT_MENTIONABLE) else None
        if otype == OPT_STRING:
            value = str(value)
            if "min_length" in option and len(value) < option["min_length"]:
                raise SimulatorUsageError(f"{name!r} is shorter than {option['min_length']}")
            if "max_length" in option and len(value) > option["max_length"]:
                raise SimulatorUsageError(f"{name!r} is longer than {option['max_length']}")
        elif otype == OPT_INTEGER:
            value = int(value)
        elif otype == OPT_NUMBER:
            value = value if isinstance(value, int) else float(value)
        elif otype == OPT_BOOLEAN:
            value = bool(value)
        elif target_user is not None:
            resolved.setdefault("users", {})[str(target_user.id)] = payloads.user_payload(target_user)
            if guild is not None and target_user.id in guild.members:
                member = payloads.member_payload(
                    guild.members[target_user.id], permissions=guild.permissions_of(target_user.id)
                )
                member.pop("user")
                resolved.setdefault("members", {})[str(target_user.id)] = member
            value = str(target_user.id)
        elif otype in (OPT_ROLE, OPT_MENTIONABLE):
            role = value if isinstance(value, SimRole) else None
            if role is None and guild is not None and str(value).isdigit():
                role = guild.role(int(value))
            if role is None:
                raise SimulatorUsageError(f"{value!r} is not a role of this guild (or a known user)")
            resolved.setdefault("roles", {})[str(role.id)] = payloads.role_payload(role)
            value = str(role.id)
        elif otype == OPT_CHANNEL:
            channel = value if isinstance(value, SimChannel) else None
            if channel is None and str(value).isdigit():
                channel = self.find_channel(int(value))
            if channel is None:
                raise SimulatorUsageError(f"{value!r} is not a known channel")
            permissions = guild.permissions_of(user.id) if guild is not None else None
            resolved.setdefault("channels", {})[str(channel.id)] = payloads.channel_payload(
                channel, permissions=permissions
            )
            value = str(channel.id)
        elif otype == OPT_ATTACHMENT:
            raise SimulatorUsageError("attachment options are not simulated")
        else:
            raise SimulatorUsageError(f"option {name!r}: unsupported value {value!r}")
        choices = option.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise SimulatorUsageError(f"{value!r} is not one of the choices of {name!r}")
        if isinstance(value, int | float) and not isinstance(value, bool):
            if "min_value" in option and value < option["min_value"]:
                raise SimulatorUsageError(f"{name!r} = {value} is below its min_value {option['min_value']}")
            if "max_value" in option and value > option["max_value"]:
                raise SimulatorUsageError(f"{name!r} = {value} is above its max_value {option['max_value']}")
        return value

    def _build_options(
        self,
        command: Mapping[str, Any],
        path: Sequence[str],
        values: Mapping[str, Any],
        guild: SimGuild | None,
        resolved: dict[str, dict[str, Any]],
        user: SimUser,
        *,
        focused: str | None = None,
        focused_value: str = "",
    ) -> list[dict[str, Any]]:
        """Interaction ``data.options`` for ``values`` along a sub-command ``path`` of ``command``."""
        definitions: list[Mapping[str, Any]] = list(command.get("options") or [])
        wrappers: list[dict[str, Any]] = []
        for part in path:
            sub = next(
                (o for o in definitions if o["name"] == part and o["type"] in (OPT_SUB_COMMAND, OPT_SUB_COMMAND_GROUP)),
                None,
            )
            if sub is None:
                raise SimulatorUsageError(f"{command['name']!r} has no sub-command {part!r}")
            wrappers.append({"type": sub["type"], "name": sub["name"], "options": []})
            definitions = list(sub.get("options") or [])
        if any(o["type"] in (OPT_SUB_COMMAND, OPT_SUB_COMMAND_GROUP) for o in definitions):
            names = ", ".join(o["name"] for o in definitions)
            raise SimulatorUsageError(f"{command['name']!r} needs a sub-command ({names}): invoke('name sub')")
        known = {o["name"]: o for o in definitions}
        for name in values:
            if name not in known:
                raise SimulatorUsageError(f"{command['name']!r} has no option {name!r} (has {sorted(known)})")
        if focused is not None and focused not in known:
            raise SimulatorUsageError(f"{command['name']!r} has no option {focused!r}")
        leaf: list[dict[str, Any]] = []
        for option in definitions:
            name = option["name"]
            if name == focused:
                if not option.get("autocomplete"):
                    raise SimulatorUsageError(f"option {name!r} does not have autocomplete")
                leaf.append({"type": option["type"], "name": name, "value": str(focused_value), "focused": True})
            elif name in values:
                value = self._resolve_option(option, values[name], guild, resolved, user)
                leaf.append({"type": option["type"], "name": name, "value": value})
            elif option.get("required") and focused is None:
                raise SimulatorUsageError(f"{command['name']!r} requires option {name!r}")
        if not wrappers:
            return leaf
        wrappers[-1]["options"] = leaf
        for outer, inner in zip(reversed(wrappers[:-1]), reversed(wrappers[1:]), strict=True):
            outer["options"] = [inner]
        return [wrappers[0]]

    def _register(
        self,
        payload: dict[str, Any],
        *,
        name: str | None = None,
        custom_id: str | None = None,
        source: SimMessage | None = None,
        guild: SimGuild | None,
    ) -> InteractionRecord:
        record = InteractionRecord(
            id=int(payload["id"]),
            token=payload["token"],
            type=payload["type"],
            payload=payload,
            created_at=self.clock.now(),
            shard_id=self.gateway.shard_for_guild(guild.id if guild else None),
            sim=self,
            name=name,
            custom_id=custom_id,
            source_message_id=source.id if source is not None else None,
        )
        self.interactions[record.id] = record
        self.interactions_by_token[record.token] = record
        return record

    async def _dispatch(self, record: InteractionRecord, dispatch: bool) -> InteractionRecord:
        if not dispatch:
            return record
        session = self.gateway.session_for_shard(record.shard_id)
        if session is None:
            raise SimulatorUsageError(f"no gateway session for shard {record.shard_id}: is the bot connected?")
        record.created_at = self.clock.now()
        await session.dispatch("INTERACTION_CREATE", record.payload)
        self.notifier.notify()
        return record

    def _new_ids(self) -> tuple[int, str]:
        interaction_id = self.snowflakes.make()
        return interaction_id, f"sim.{interaction_id}.{secrets.token_urlsafe(48)}"

    async def invoke(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: SimUser | None = None,
        guild: SimGuild | None = None,
        channel: SimChannel | None = None,
        dm: bool = False,
        context: int | None = None,
        installs: Iterable[int] | None = None,
        locale: str | None = None,
        dispatch: bool = True,
    ) -> InteractionRecord:
        """Run a slash command as a user would: ``await sim.invoke("topic", {"name": "x"})``.

        ``name`` may include sub-commands (``"tag show"``). The command id comes from what the bot synced (guild
        commands first, then global). Where: a guild (default), ``dm=True`` (bot DM, context 1) or
        ``context=2`` (a private channel, user install). Returns the record to await the bot's response on;
        ``dispatch=False`` registers it without sending it (to drive the REST API by hand).
        """
        return await self._command_interaction(
            payloads.application_command_interaction,
            name,
            options,
            user=user,
            guild=guild,
            channel=channel,
            dm=dm,
            context=context,
            installs=installs,
            locale=locale,
            dispatch=dispatch,
        )

    async def autocomplete(
        self,
        name: str,
        focused: str,
        value: str = "",
        *,
        options: Mapping[str, Any] | None = None,
        user: SimUser | None = None,
        guild: SimGuild | None = None,
        channel: SimChannel | None = None,
        dm: bool = False,
        context: int | None = None,
        installs: Iterable[int] | None = None,
        locale: str | None = None,
        dispatch: bool = True,
    ) -> InteractionRecord:
        """Type ``value`` into option ``focused`` of a command; ``await record.wait_response()`` then read
        ``record.choices``."""
        return await self._command_interaction(
            payloads.autocomplete_interaction,
            name,
            options,
            user=user,
            guild=guild,
            channel=channel,
            dm=dm,
            context=context,
            installs=installs,
            locale=locale,
            dispatch=dispatch,
            focused={"focused": focused, "focused_value": value},
        )

    async def _command_interaction(
        self,
        build: Callable[..., dict[str, Any]],
        name: str,
        options: Mapping[str, Any] | None,
        *,
        user: SimUser | None,
        guild: SimGuild | None,
        channel: SimChannel | None,
        dm: bool,
        context: int | None,
        installs: Iterable[int] | None,
        locale: str | None,
        dispatch: bool,
        focused: Mapping[str, str] | None = None,
    ) -> InteractionRecord:
        """What a slash command and its autocomplete share: resolve the command, check it may run here, build
        the options (with the focused one, for autocomplete), and register and dispatch the payload."""
        user = user or self.default_user
        context, guild, channel, install_set = self._where(
            user=user, guild=guild, channel=channel, dm=dm, context=context, installs=installs
        )
        root, *path = name.split()
        command = self.find_command(root, guild=guild)
        self._check_available(command, user=user, context=context, guild=guild, installs=install_set)
        resolved: dict[str, dict[str, Any]] = {}
        option_payload = self._build_options(command, path, options or {}, guild, resolved, user, **(focused or {}))
        interaction_id, token = self._new_ids()
        payload = build(
            interaction_id=interaction_id,
            token=token,
            application_id=self.application_id,
            data=payloads.command_data(command=command, options=option_payload, resolved=resolved),
            user=user,
            context=context,
            installs=install_set,
            guild=guild,
            channel=channel,
            app_permissions=self._app_permissions(guild),
            locale=locale,
        )
        record = self._register(payload, name=name, guild=guild)
        return await self._dispatch(record, dispatch)

    def _message_context(self, message: SimMessage, user: SimUser) -> tuple[int, SimGuild | None, SimChannel, set[int]]:
        if message.deleted:
            raise SimulatorUsageError(f"message {message.id} was deleted")
        channel = self.find_channel(message.channel_id)
        if channel is None:
            raise SimulatorUsageError(f"message {message.id} is in an unknown channel")
        owners = (message.interaction_metadata or {}).get("authorizing_integration_owners") or {"0": "0"}
        installs = {int(k) for k in owners}
        if message.guild_id is not None:
            guild = self.guilds[message.guild_id]
            if user.id not in guild.members:
                guild.members[user.id] = SimMember(user)
            return CONTEXT_GUILD, guild, channel, installs
        if channel in self.dm_channels.values():
            return CONTEXT_BOT_DM, None, channel, installs
        return CONTEXT_PRIVATE_CHANNEL, None, channel, installs

    async def _component(
        self,
        message: SimMessage | int,
        custom_id: str,
        *,
        kinds: frozenset[int],
        values: Sequence[Any] | None,
        user: SimUser | None,
        locale: str | None,
        dispatch: bool,
    ) -> InteractionRecord:
        if isinstance(message, int):
            message = self.message(message)
        user = user or self.default_user
        component = message.find_component(custom_id)
        if component is None:
            raise SimulatorUsageError(
                f"message {message.id} has no component {custom_id!r} (has {message.custom_ids()})"
            )
        if component.get("type") not in kinds:
            raise SimulatorUsageError(f"component {custom_id!r} is of type {component.get('type')}")
        if component.get("disabled"):
            raise SimulatorUsageError(f"component {custom_id!r} is disabled")
        if component.get("type") == BUTTON and component.get("style") in (BUTTON_LINK, BUTTON_PREMIUM):
            raise SimulatorUsageError(f"button {custom_id!r} is a link/premium button; it sends no interaction")
        if message.ephemeral:
            owner = (message.interaction_metadata or {}).get("user", {}).get("id")
            if owner is not None and owner != str(user.id):
                raise SimulatorUsageError(f"message {message.id} is ephemeral: only its user {owner} sees it")
        context, guild, channel, installs = self._message_context(message, user)
        resolved: dict[str, dict[str, Any]] = {}
        if values is not None:
            values = self._select_values(component, values, guild, resolved, user)
        data = payloads.component_data(component, values)
        if resolved:
            data["resolved"] = resolved
        interaction_id, token = self._new_ids()
        payload = payloads.component_interaction(
            interaction_id=interaction_id,
            token=token,
            application_id=self.application_id,
            data=data,
            user=user,
            context=context,
            installs=installs,
            guild=guild,
            channel=channel,
            app_permissions=self._app_permissions(guild),
            locale=locale,
            message=payloads.message_payload(message),
        )
        record = self._register(payload, custom_id=custom_id, source=message, guild=guild)
        return await self._dispatch(record, dispatch)

    def _select_values(
        self,
        component: Mapping[str, Any],
        values: Sequence[Any],
        guild: SimGuild | None,
        resolved: dict[str, dict[str, Any]],
        user: SimUser,
    ) -> list[str]:
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(values) <= high:
            raise SimulatorUsageError(
                f"select {component['custom_id']!r} takes {low}..{high} values, got {len(values)}"
            )
        ctype = component["type"]
        if ctype == STRING_SELECT:
            allowed = [o["value"] for o in component.get("options") or []]
            for value in values:
                if value not in allowed:
                    raise SimulatorUsageError(f"{value!r} is not an option of {component['custom_id']!r}")
            return [str(v) for v in values]
        kind = {
            USER_SELECT: OPT_USER,
            ROLE_SELECT: OPT_ROLE,
            MENTIONABLE_SELECT: OPT_MENTIONABLE,
            CHANNEL_SELECT: OPT_CHANNEL,
        }[ctype]
        option = {"type": kind, "name": component["custom_id"]}
        return [str(self._resolve_option(option, v, guild, resolved, user)) for v in values]

    async def click(
        self,
        message: SimMessage | int,
        custom_id: str,
        *,
        user: SimUser | None = None,
        locale: str | None = None,
        dispatch: bool = True,
    ) -> InteractionRecord:
        """Click the button ``custom_id`` on a message the simulator holds."""
        return await self._component(
            message, custom_id, kinds=frozenset({BUTTON}), values=None, user=user, locale=locale, dispatch=dispatch
        )

    async def select(
        self,
        message: SimMessage | int,
        custom_id: str,
        values: Sequence[Any],
        *,
        user: SimUser | None = None,
        locale: str | None = None,
        dispatch: bool = True,
    ) -> InteractionRecord:
        """Pick ``values`` in the select menu ``custom_id`` of a message the simulator holds."""
        return await self._component(
            message, custom_id, kinds=SELECTS, values=values, user=user, locale=locale, dispatch=dispatch
        )

    async def submit_modal(
        self,
        record: InteractionRecord,
        values: Mapping[str, str | Sequence[str]],
        *,
        dispatch: bool = True,
    ) -> InteractionRecord:
        """Fill in and submit the modal the bot answered ``record`` with (callback type 9)."""
        modal = record.modal
        if modal is None:
            raise SimulatorUsageError(f"interaction {record.id} was not answered with a modal")
        user = self.user_from_interaction(record)
        source = self.messages.get(record.source_message_id or 0)
        guild = self.guilds.get(int(record.payload["guild_id"])) if record.payload.get("guild_id") else None
        channel = self.find_channel(int(record.payload["channel_id"]))
        assert channel is not None
        interaction_id, token = self._new_ids()
        owners = record.payload.get("authorizing_integration_owners", {})
        payload = payloads.modal_submit_interaction(
            interaction_id=interaction_id,
            token=token,
            application_id=self.application_id,
            data=payloads.modal_submit_data(modal, values),
            user=user,
            context=record.payload.get("context", CONTEXT_GUILD),
            installs={int(k) for k in owners},
            guild=guild,
            channel=channel,
            app_permissions=int(record.payload.get("app_permissions", 0)),
            locale=record.payload.get("locale"),
            message=payloads.message_payload(source) if source is not None else None,
        )
        new = self._register(payload, custom_id=modal.get("custom_id"), source=source, guild=guild)
        new.opened_by_id = record.id
        return await self._dispatch(new, dispatch)

    async def send_user_message(
        self, content: str, *, user: SimUser | None = None, channel: SimChannel | None = None
    ) -> SimMessage:
        """A user posts in a channel; the bot's session gets MESSAGE_CREATE if its intents ask for it."""
        user = user or self.default_user
        channel = channel or self.default_channel
        message = SimMessage(
            id=self.snowflakes.make(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=payloads.user_payload(user),
            created_at=self.clock.utcnow(),
            content=content,
            _notifier=self.notifier,
        )
        self.messages[message.id] = message
        session = self._message_session(channel.guild_id, channel.id)
        if session is not None:
            data = payloads.gateway_message_payload(message)
            if not session.intents & INTENT_MESSAGE_CONTENT:
                data.update({"content": "", "embeds": [], "attachments": [], "components": []})
            if channel.guild_id is not None:
                guild = self.guilds[channel.guild_id]
                member = guild.members.get(user.id) or SimMember(user)
                data["member"] = {k: v for k, v in payloads.member_payload(member).items() if k != "user"}
            await session.dispatch("MESSAGE_CREATE", data)
        self.notifier.notify()
        return message

    # ------------------------------------------------------------------------------------------ waiting

    async def wait_until(self, predicate: Callable[[], T | None], within: float | None = 5.0) -> T:
        """Wait until ``predicate()`` is truthy (re-checked on every state change) and return it."""
        return await self.notifier.wait_for(predicate, within)

    async def wait_for_session(self, shard_id: int = 0, within: float | None = 5.0) -> GatewaySession:
        """Wait until shard ``shard_id`` has a connected, identified (or resumed) session."""

        def connected() -> GatewaySession | None:
            session = self.gateway.session_for_shard(shard_id)
            return session if session is not None and session.connected else None

        return await self.wait_until(connected, within)

    async def wait_for_gateway_event(self, kind: str, *, after: int = 0, within: float | None = 5.0) -> GatewayEvent:
        """The first gateway event of ``kind`` (``identify``, ``resume``, ``disconnect``...) at index >= ``after``."""

        def find() -> GatewayEvent | None:
            return next((e for e in self.gateway_events[after:] if e.kind == kind), None)

        return await self.wait_until(find, within)

    def gateway_event_count(self, kind: str) -> int:
        return sum(1 for e in self.gateway_events if e.kind == kind)

    def assert_no_rejections(self) -> None:
        """Fail (AssertionError) if the simulator refused any request or saw an unexpected route."""
        problems = [str(r) for r in self.rejections]
        problems += [f"unexpected route {u.method} {u.path}" for u in self.unexpected_routes]
        if problems:
            raise AssertionError("Discord simulator rejections:\n" + "\n".join(problems))

    # ---------------------------------------------------------------------------------- gateway control

    async def close_gateway(self, code: int = 4000, *, shard_id: int | None = None) -> None:
        """Close the gateway websocket(s) with ``code`` (4000-4014: Discord's close codes)."""
        await self.gateway.close(code, shard_id)

    async def drop_connection(self, *, shard_id: int | None = None) -> None:
        """Cut the TCP connection(s) without a close frame, as a network failure would."""
        await self.gateway.drop(shard_id)

    async def send_reconnect(self, *, shard_id: int | None = None) -> None:
        """Send op 7 RECONNECT: the client should reconnect and RESUME."""
        await self.gateway.reconnect(shard_id)

    async def invalidate_session(self, resumable: bool = False, *, shard_id: int | None = None) -> None:
        """Send op 9 INVALID_SESSION; not resumable ends the session (the client must IDENTIFY again)."""
        await self.gateway.invalidate(resumable, shard_id)

    async def gateway_outage(self, mode: str | None = "refuse") -> None:
        """Take the gateway down, as a Discord outage would: open connections are cut, and new ones answered
        ``503`` (``"refuse"``) or never answered (``"hang"``, a black-holed network) until ``gateway_outage(None)``.
        REST keeps answering (use ``faults`` for that half)."""
        await self.gateway.set_outage(mode)

    def set_heartbeat_acks(self, enabled: bool, *, shard_id: int | None = None) -> None:
        """Stop (or resume) answering heartbeats, to make a connection look zombied."""
        self.gateway.set_heartbeat_acks(enabled, shard_id)

    @property
    def heartbeat_interval_ms(self) -> int:
        return max(int(self.heartbeat_interval * 1000), 1)

    def now(self) -> datetime.datetime:
        return self.clock.utcnow()
