"""The simulated gateway (v10, JSON encoding, optional ``zlib-stream`` transport compression).

One :class:`GatewayConnection` per websocket; one :class:`GatewaySession` per successful IDENTIFY, surviving
disconnects so it can be RESUMEd. Dispatches are numbered per session and kept in a replay buffer: an event
sent while the bot is disconnected is delivered by the RESUME that follows, as Discord does.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import secrets
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from bot.simulator import payloads
from bot.simulator.snowflakes import shard_for
from bot.simulator.state import GatewayEvent

if TYPE_CHECKING:
    import asyncio.transports

    from bot.simulator.server import DiscordSimulator

log = logging.getLogger(__name__)

# Opcodes
DISPATCH = 0
HEARTBEAT = 1
IDENTIFY = 2
PRESENCE_UPDATE = 3
VOICE_STATE_UPDATE = 4
RESUME = 6
RECONNECT = 7
REQUEST_GUILD_MEMBERS = 8
INVALID_SESSION = 9
HELLO = 10
HEARTBEAT_ACK = 11
REQUEST_SOUNDBOARD_SOUNDS = 31
_KNOWN_SEND_OPS = {
    HEARTBEAT,
    IDENTIFY,
    PRESENCE_UPDATE,
    VOICE_STATE_UPDATE,
    RESUME,
    REQUEST_GUILD_MEMBERS,
    REQUEST_SOUNDBOARD_SOUNDS,
}

# Close codes
UNKNOWN_ERROR = 4000
UNKNOWN_OPCODE = 4001
DECODE_ERROR = 4002
NOT_AUTHENTICATED = 4003
AUTHENTICATION_FAILED = 4004
ALREADY_AUTHENTICATED = 4005
INVALID_SEQ = 4007
RATE_LIMITED = 4008
SESSION_TIMED_OUT = 4009
INVALID_SHARD = 4010
SHARDING_REQUIRED = 4011
INVALID_API_VERSION = 4012
INVALID_INTENTS = 4013
DISALLOWED_INTENTS = 4014
CLOSE_REASONS = {
    UNKNOWN_ERROR: "Unknown error.",
    UNKNOWN_OPCODE: "Unknown opcode.",
    DECODE_ERROR: "Error while decoding payload.",
    NOT_AUTHENTICATED: "Not authenticated.",
    AUTHENTICATION_FAILED: "Authentication failed.",
    ALREADY_AUTHENTICATED: "Already authenticated.",
    INVALID_SEQ: "Invalid seq.",
    RATE_LIMITED: "Rate limited.",
    SESSION_TIMED_OUT: "Session timed out.",
    INVALID_SHARD: "Invalid shard.",
    SHARDING_REQUIRED: "Sharding required.",
    INVALID_API_VERSION: "Invalid API version.",
    INVALID_INTENTS: "Invalid intent(s).",
    DISALLOWED_INTENTS: "Disallowed intent(s).",
}
# Closes that end the session (the client must IDENTIFY again): a client closing with 1000/1001, Discord closing
# with 4007/4009.
_CLIENT_ENDING_CLOSES = {1000, 1001}
_SERVER_ENDING_CLOSES = {INVALID_SEQ, SESSION_TIMED_OUT}

# Intents
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT
VALID_INTENTS = (1 << 17) - 1 | 1 << 20 | 1 << 21 | 1 << 24 | 1 << 25

GATEWAY_EVENTS_PER_MINUTE = 120
REPLAY_BUFFER = 2000


def _zstd_stream() -> Callable[[bytes], bytes] | None:
    """A zstd stream compressor flushing a block per message, from the stdlib (3.14+) or ``zstandard``."""
    try:
        from compression import zstd  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        compressor = zstd.ZstdCompressor()
        return lambda data: compressor.compress(data, compressor.FLUSH_BLOCK)  # type: ignore[no-any-return]
    try:
        import zstandard  # type: ignore[import-not-found]
    except ImportError:
        return None
    stream = zstandard.ZstdCompressor().compressobj()
    return lambda data: stream.compress(data) + stream.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)  # type: ignore[no-any-return]


def _zlib_stream() -> Callable[[bytes], bytes]:
    """One deflate stream per connection; every message ends with Z_SYNC_FLUSH's ``00 00 ff ff``."""
    stream = zlib.compressobj()
    return lambda data: stream.compress(data) + stream.flush(zlib.Z_SYNC_FLUSH)


class GatewayConnection:
    """One websocket from a client."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request, compress: str | None) -> None:
        self.ws = ws
        self.transport: asyncio.Transport | None = request.transport
        self.path = request.path
        self._compressor: Callable[[bytes], bytes] | None = None
        if compress == "zlib-stream":
            self._compressor = _zlib_stream()
        elif compress == "zstd-stream":
            self._compressor = _zstd_stream()
            if self._compressor is None:
                log.warning("zstd-stream requested but no zstd compressor is installed; sending uncompressed text")
        self.compress = compress if self._compressor is not None else None
        self._lock = asyncio.Lock()
        self.session: GatewaySession | None = None
        self.identified = False
        self.broken = False
        self.sent: collections.deque[dict[str, Any]] = collections.deque(maxlen=5000)
        self.ack_heartbeats = True
        self.split_frames = False
        self.server_close_code: int | None = None
        self.client_close_code: int | None = None
        self._window: collections.deque[float] = collections.deque()

    @property
    def open(self) -> bool:
        return not self.broken and not self.ws.closed

    async def send(self, payload: dict[str, Any]) -> bool:
        """Send one payload; False if the socket is gone (the event stays in the session's buffer)."""
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        async with self._lock:
            if not self.open:
                return False
            try:
                if self._compressor is not None:
                    data = self._compressor(text.encode())
                    if self.split_frames and len(data) > 8:
                        # One message over two websocket frames: clients must buffer until 00 00 ff ff.
                        await self.ws.send_bytes(data[: len(data) // 2])
                        data = data[len(data) // 2 :]
                    await self.ws.send_bytes(data)
                else:
                    await self.ws.send_str(text)
            except (ConnectionError, RuntimeError) as exc:
                log.debug("gateway send failed: %r", exc)
                self.broken = True
                return False
        self.sent.append(payload)
        return True

    async def close(self, code: int, reason: str | None = None) -> None:
        async with self._lock:
            if self.ws.closed:
                return
            self.server_close_code = code
            message = (reason or CLOSE_REASONS.get(code, "")).encode()
            try:
                await self.ws.close(code=code, message=message)
            except (ConnectionError, RuntimeError) as exc:
                log.debug("gateway close failed: %r", exc)
            self.broken = True

    def abort(self) -> None:
        """Drop the TCP connection without a close frame."""
        self.broken = True
        if self.transport is not None:
            self.transport.abort()

    def count_event(self, now: float) -> bool:
        """Record a received payload; False once more than 120 arrive within 60 seconds."""
        self._window.append(now)
        while self._window and self._window[0] <= now - 60.0:
            self._window.popleft()
        return len(self._window) <= GATEWAY_EVENTS_PER_MINUTE


class GatewaySession:
    """An identified session: sequence numbers, a replay buffer, and the connection it currently uses."""

    def __init__(self, session_id: str, shard: tuple[int, int] | None, intents: int) -> None:
        self.session_id = session_id
        self.shard = shard
        self.intents = intents
        self.seq = 0
        self.buffer: collections.deque[tuple[int, dict[str, Any]]] = collections.deque(maxlen=REPLAY_BUFFER)
        self.connection: GatewayConnection | None = None
        self.invalidated = False
        self.lock = asyncio.Lock()

    @property
    def shard_id(self) -> int:
        return 0 if self.shard is None else self.shard[0]

    @property
    def shard_count(self) -> int:
        return 1 if self.shard is None else self.shard[1]

    @property
    def connected(self) -> bool:
        return self.connection is not None and self.connection.open

    def owns_guild(self, guild_id: int) -> bool:
        return shard_for(guild_id, self.shard_count) == self.shard_id

    async def dispatch(self, event: str, data: dict[str, Any]) -> int:
        """Number the event, keep it for replay, send it if connected. Returns its sequence number."""
        async with self.lock:
            self.seq += 1
            payload = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
            self.buffer.append((self.seq, payload))
            if self.connection is not None:
                await self.connection.send(payload)
            return self.seq


class Gateway:
    """The websocket endpoint and the sessions behind it."""

    def __init__(self, sim: DiscordSimulator) -> None:
        self.sim = sim
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: list[GatewayConnection] = []
        self._handlers: set[asyncio.Task[Any]] = set()
        # An outage: None (up), "refuse" (503 to every upgrade) or "hang" (the upgrade is never answered).
        self.outage: str | None = None
        self._outage_over = asyncio.Event()

    # ------------------------------------------------------------------------------------------ lookup

    def live_sessions(self) -> list[GatewaySession]:
        return [s for s in self.sessions.values() if not s.invalidated]

    def session_for_shard(self, shard_id: int) -> GatewaySession | None:
        """The newest valid session of a shard (connected or waiting to resume)."""
        candidates = [s for s in self.live_sessions() if s.shard_id == shard_id]
        return candidates[-1] if candidates else None

    def shard_count(self) -> int:
        sessions = self.live_sessions()
        return sessions[-1].shard_count if sessions else 1

    def shard_for_guild(self, guild_id: int | None) -> int:
        if guild_id is None:
            return 0  # DMs always go to shard 0
        return shard_for(guild_id, self.shard_count())

    def _record(self, kind: str, session: GatewaySession | None, **detail: Any) -> None:
        self.sim.gateway_events.append(
            GatewayEvent(
                kind=kind,
                shard_id=None if session is None else session.shard_id,
                session_id=None if session is None else session.session_id,
                at=self.sim.clock.now(),
                detail=detail,
            )
        )
        self.sim.notifier.notify()

    # ------------------------------------------------------------------------------------------ handler

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.outage is not None:
            self._record("outage", None, path=request.path, mode=self.outage)
            if self.outage == "refuse":
                return web.Response(status=503, text="upstream connect error")
            task = asyncio.current_task()
            if task is not None:
                self._handlers.add(task)
            # A black-holed network: the client's own timeout decides; the outage ending lets it through.
            await self._outage_over.wait()
        version = request.query.get("v")
        encoding = request.query.get("encoding", "json")
        compress = request.query.get("compress") or None
        ws = web.WebSocketResponse(compress=False, max_msg_size=0, autoping=True)
        await ws.prepare(request)
        conn = GatewayConnection(ws, request, compress)
        conn.split_frames = self.sim.gateway_split_frames
        self.connections.append(conn)
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        self._record("connect", None, path=request.path, compress=conn.compress, version=version, encoding=encoding)
        try:
            if version not in ("9", "10"):
                await conn.close(INVALID_API_VERSION)
                return ws
            if encoding != "json":
                await conn.close(DECODE_ERROR, "Only the json encoding is simulated.")
                return ws
            await conn.send(
                {
                    "op": HELLO,
                    "d": {
                        "heartbeat_interval": self.sim.heartbeat_interval_ms,
                        "_trace": ['["discord-simulator",{"micros":0}]'],
                    },
                    "s": None,
                    "t": None,
                }
            )
            while not ws.closed:
                msg = await ws.receive()
                if msg.type == WSMsgType.TEXT:
                    await self._receive(conn, msg.data)
                elif msg.type == WSMsgType.BINARY:
                    await conn.close(DECODE_ERROR, "Binary (ETF) payloads are not simulated.")
                else:
                    if msg.type == WSMsgType.CLOSE:
                        conn.client_close_code = int(msg.data)
                    break
        except ConnectionError as exc:
            log.debug("gateway handler ended: %r", exc)
        finally:
            conn.broken = True
            session = conn.session
            close_code: int | None
            if conn.server_close_code is not None:
                close_code, ends_session = conn.server_close_code, conn.server_close_code in _SERVER_ENDING_CLOSES
            else:
                close_code = conn.client_close_code
                ends_session = close_code in _CLIENT_ENDING_CLOSES
            if session is not None and session.connection is conn:
                session.connection = None
                if ends_session:
                    session.invalidated = True
            self._record("disconnect", session, close_code=close_code, by_server=conn.server_close_code is not None)
            if task is not None:
                self._handlers.discard(task)
        return ws

    async def _receive(self, conn: GatewayConnection, text: str) -> None:
        if not conn.count_event(self.sim.clock.now()):
            await conn.close(RATE_LIMITED)
            return
        try:
            payload = json.loads(text)
        except ValueError:
            await conn.close(DECODE_ERROR)
            return
        if not isinstance(payload, dict) or not isinstance(payload.get("op"), int):
            await conn.close(DECODE_ERROR)
            return
        op = payload["op"]
        data = payload.get("d")
        if op not in _KNOWN_SEND_OPS:
            await conn.close(UNKNOWN_OPCODE)
            return
        if op == HEARTBEAT:
            self._record("heartbeat", conn.session, seq=data)
            if conn.ack_heartbeats:
                if self.sim.heartbeat_ack_delay > 0:
                    ack = asyncio.get_running_loop().create_task(self._ack_later(conn, self.sim.heartbeat_ack_delay))
                    self._handlers.add(ack)  # cancelled with the others at shutdown
                    ack.add_done_callback(self._handlers.discard)
                else:
                    await conn.send({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
            return
        if op == IDENTIFY:
            await self._identify(conn, data)
            return
        if op == RESUME:
            await self._resume(conn, data)
            return
        if not conn.identified:
            await conn.close(NOT_AUTHENTICATED)
            return
        if op == REQUEST_GUILD_MEMBERS:
            await self._request_members(conn, data)
        # Presence and voice state updates are accepted and ignored.

    # ---------------------------------------------------------------------------------------- identify

    def _token_ok(self, token: Any) -> bool:
        if not isinstance(token, str) or not token:
            return False
        token = token.removeprefix("Bot ")
        return self.sim.token is None or token == self.sim.token

    async def _identify(self, conn: GatewayConnection, data: Any) -> None:
        sim = self.sim
        if conn.identified:
            await conn.close(ALREADY_AUTHENTICATED)
            return
        if not isinstance(data, dict) or not isinstance(data.get("properties"), dict):
            await conn.close(DECODE_ERROR)
            return
        if not self._token_ok(data.get("token")):
            await conn.close(AUTHENTICATION_FAILED)
            return
        raw_shard = data.get("shard")
        shard: tuple[int, int] | None = None
        if raw_shard is not None:
            if (
                not isinstance(raw_shard, list)
                or len(raw_shard) != 2
                or not all(isinstance(x, int) for x in raw_shard)
                or raw_shard[1] < 1
                or not 0 <= raw_shard[0] < raw_shard[1]
            ):
                await conn.close(INVALID_SHARD)
                return
            shard = (raw_shard[0], raw_shard[1])
        intents = data.get("intents")
        if not isinstance(intents, int) or isinstance(intents, bool) or intents < 0 or intents & ~VALID_INTENTS:
            await conn.close(INVALID_INTENTS)
            return
        if intents & PRIVILEGED_INTENTS & ~sim.privileged_intents:
            await conn.close(DISALLOWED_INTENTS)
            return
        shard_count = 1 if shard is None else shard[1]
        shard_id = 0 if shard is None else shard[0]
        guilds = [g for g in sim.guilds.values() if g.bot_member and shard_for(g.id, shard_count) == shard_id]
        if len(guilds) > sim.max_guilds_per_shard:
            await conn.close(SHARDING_REQUIRED)
            return
        sim.identify_count += 1
        session = GatewaySession(secrets.token_hex(16), shard, intents)
        self.sessions[session.session_id] = session
        conn.identified = True
        conn.session = session
        session.connection = conn
        self._record(
            "identify",
            session,
            intents=intents,
            shard=list(shard) if shard else None,
            path=conn.path,
            compress=conn.compress,
        )
        await session.dispatch(
            "READY",
            payloads.ready_payload(
                bot_user=sim.bot_user,
                application_id=sim.application_id,
                application_flags=sim.application_flags,
                guilds=guilds,
                session_id=session.session_id,
                resume_gateway_url=sim.resume_gateway_url,
                shard=shard,
            ),
        )
        for guild in guilds:
            await session.dispatch(
                "GUILD_CREATE",
                payloads.guild_create_payload(
                    guild,
                    sim.bot_user,
                    all_members=bool(intents & INTENT_GUILD_PRESENCES),
                    large_threshold=int(data.get("large_threshold") or 50),
                ),
            )
        self._record("ready", session, guilds=[g.id for g in guilds])

    async def _resume(self, conn: GatewayConnection, data: Any) -> None:
        if conn.identified:
            await conn.close(ALREADY_AUTHENTICATED)
            return
        if not isinstance(data, dict):
            await conn.close(DECODE_ERROR)
            return
        if not self._token_ok(data.get("token")):
            await conn.close(AUTHENTICATION_FAILED)
            return
        session = self.sessions.get(str(data.get("session_id")))
        seq = data.get("seq")
        if session is None or session.invalidated:
            self._record("resume_failed", session, reason="unknown or invalidated session")
            await conn.send({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        if seq is None:
            seq = 0
        if not isinstance(seq, int) or seq > session.seq:
            session.invalidated = True
            await conn.close(INVALID_SEQ)
            return
        if session.buffer and seq < session.buffer[0][0] - 1:
            self._record("resume_failed", session, reason="events since seq no longer buffered")
            session.invalidated = True
            await conn.send({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        previous = session.connection
        async with session.lock:
            session.connection = conn
            conn.session = session
            conn.identified = True
            missed = [p for s, p in session.buffer if s > seq]
            for payload in missed:
                await conn.send(payload)
            session.seq += 1
            resumed = {
                "op": DISPATCH,
                "t": "RESUMED",
                "s": session.seq,
                "d": {"_trace": ['["discord-simulator",{"micros":0}]']},
            }
            session.buffer.append((session.seq, resumed))
            await conn.send(resumed)
        if previous is not None and previous is not conn and previous.open:
            await previous.close(UNKNOWN_ERROR, "Session resumed elsewhere.")
        self._record("resume", session, seq=seq, replayed=len(missed), path=conn.path, compress=conn.compress)

    async def _request_members(self, conn: GatewayConnection, data: Any) -> None:
        session = conn.session
        if session is None or not isinstance(data, dict):
            return
        guild = self.sim.guilds.get(int(data.get("guild_id") or 0))
        if guild is None:
            return
        query = str(data.get("query") or "")
        limit = int(data.get("limit") or 0)
        wanted = {int(u) for u in data.get("user_ids") or []}
        members = [
            m
            for m in guild.members.values()
            if (not wanted or m.user.id in wanted) and m.user.username.lower().startswith(query.lower())
        ]
        if limit:
            members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [payloads.member_payload(m) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await session.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    # ------------------------------------------------------------------------------------- control API

    def _targets(self, shard_id: int | None) -> list[GatewaySession]:
        sessions = [s for s in self.live_sessions() if s.connected]
        if shard_id is not None:
            sessions = [s for s in sessions if s.shard_id == shard_id]
        if not sessions:
            raise RuntimeError(f"no connected gateway session{'' if shard_id is None else f' for shard {shard_id}'}")
        return sessions

    async def close(self, code: int, shard_id: int | None = None) -> None:
        for session in self._targets(shard_id):
            conn = session.connection
            assert conn is not None
            if code in _SERVER_ENDING_CLOSES:
                session.invalidated = True
            self._record("server_close", session, code=code)
            await conn.close(code)

    async def drop(self, shard_id: int | None = None) -> None:
        for session in self._targets(shard_id):
            conn = session.connection
            assert conn is not None
            self._record("drop", session)
            session.connection = None
            conn.abort()

    async def reconnect(self, shard_id: int | None = None) -> None:
        for session in self._targets(shard_id):
            conn = session.connection
            assert conn is not None
            self._record("reconnect_request", session)
            await conn.send({"op": RECONNECT, "d": None, "s": None, "t": None})

    async def invalidate(self, resumable: bool, shard_id: int | None = None) -> None:
        for session in self._targets(shard_id):
            conn = session.connection
            assert conn is not None
            if not resumable:
                session.invalidated = True
            self._record("invalidate", session, resumable=resumable)
            await conn.send({"op": INVALID_SESSION, "d": resumable, "s": None, "t": None})

    def set_heartbeat_acks(self, enabled: bool, shard_id: int | None = None) -> None:
        for session in self._targets(shard_id):
            assert session.connection is not None
            session.connection.ack_heartbeats = enabled

    async def _ack_later(self, conn: GatewayConnection, delay: float) -> None:
        await asyncio.sleep(delay)
        await conn.send({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})

    async def set_outage(self, mode: str | None) -> None:
        """Start ("refuse" or "hang") or end (None) an outage; starting one cuts every open connection."""
        if mode not in (None, "refuse", "hang"):
            raise ValueError(f"unknown outage mode {mode!r}")
        self.outage = mode
        if mode is None:
            self._outage_over.set()
            self._outage_over = asyncio.Event()
            return
        for conn in list(self.connections):
            if conn.open:
                if conn.session is not None and conn.session.connection is conn:
                    conn.session.connection = None
                self._record("drop", conn.session)
                conn.abort()

    async def shutdown(self) -> None:
        for conn in list(self.connections):
            if conn.open:
                await conn.close(1001, "Simulator shutting down.")
        for task in list(self._handlers):
            task.cancel()
