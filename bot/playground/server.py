"""The playground: the real bot against a local simulated Discord, and a web page to use it as on Discord.

Everything the page shows comes from the simulator's own state: the commands the bot synced, the messages it
sent and edited, and the answers of its autocomplete handlers. The page acts through the same calls a test
does (`sim.invoke`, `sim.autocomplete`, `sim.click`, `sim.select`), so what works here works against Discord's
protocol, not against a shortcut into the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import hashlib
import ipaddress
import json
import logging
import tempfile
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

import discord
import yarl
from aiohttp import WSCloseCode, web

from bot.app.client import ReferenceBot, create_bot
from bot.app.endpoints import current_endpoints, use_endpoints
from bot.app.sync import SyncState, sync_commands
from bot.ops.lifecycle import StartupError
from bot.ops.reload import ReloadResult, watch_content
from bot.settings import Secret, Settings, is_loopback
from bot.simulator import DiscordSimulator, InteractionRecord, SimMessage, SimulatorUsageError, SimUser
from bot.simulator.snowflakes import DISCORD_EPOCH_MS

from . import wire

log = logging.getLogger(__name__)

STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
NO_RESPONSE: Final = "The application did not respond"
# Beyond Discord's 3 s for the first answer: the simulator itself refuses a later one, so waiting longer
# would only delay the page's "did not respond".
RESPONSE_GRACE: Final = 1.0
# A deferred answer ("is thinking…") usually lands soon after; the page sees it later anyway.
DEFERRED_WAIT: Final = 5.0
BOT_NAME_LIMIT: Final = 32
# The page's own files are all it may load or run: no inline script, no other origin.
CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# Files the page may show as pictures; any other type is sent as a download, never rendered.
INLINE_TYPES: Final = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
SECOND_USER: Final = ("alex", "Alex")
ADMINISTRATOR: Final = 1 << 3
# A page that stops reading (a frozen tab, a stalled link) is dropped after this many unsent events; it
# reconnects and gets a fresh snapshot, and meanwhile the other pages are not held up by it.
MAX_UNSENT_EVENTS: Final = 200
# Discord's round trip, which the local simulator otherwise lacks (see DiscordSimulator.heartbeat_ack_delay).
HEARTBEAT_ACK_DELAY: Final = 0.05
# Simulated users' ids are derived from their names, so OWNER_IDS can name them from one start to the next.
_STABLE_ID_MS: Final = 1_609_459_200_000  # 2021-01-01


def stable_user_id(username: str) -> int:
    """A snowflake that depends only on `username`: the same at every start of the playground."""
    digest = int.from_bytes(hashlib.sha256(username.encode()).digest()[:8], "big")
    ms = _STABLE_ID_MS + digest % (86_400_000 * 365)
    return ((ms - DISCORD_EPOCH_MS) << 22) | (digest >> 42)


def _host_of(header: str) -> str | None:
    """The host name in a Host header, lower-cased and without its port; None when it does not parse."""
    try:
        host = yarl.URL(f"http://{header}").host
    except ValueError:
        return None
    return host.lower() if host else None


def host_allowed(bound: str, header: str) -> bool:
    """Whether a request whose Host is `header` may use a playground bound to `bound`.

    DNS rebinding: another site's page reaches this address under the attacker's own name. So on loopback only
    loopback names are accepted; bound elsewhere, an IP address (which no DNS answer can stand for), localhost,
    or the very name the playground was told to bind.
    """
    host = _host_of(header)
    if host is None:
        return False
    if is_loopback(bound):
        return is_loopback(host)
    if host == bound.lower() or is_loopback(host):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class ApiError(Exception):
    """A request the playground cannot serve; the page shows `message`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Listener:
    """One page's socket and the events waiting for it, sent in order by its own task."""

    def __init__(self, ws: web.WebSocketResponse, transport: asyncio.Transport | None) -> None:
        self.ws = ws
        self.transport = transport
        self.unsent: asyncio.Queue[str] = asyncio.Queue(MAX_UNSENT_EVENTS)
        self.sender = asyncio.create_task(self._send(), name="playground-events")

    async def _send(self) -> None:
        while True:
            data = await self.unsent.get()
            try:
                await self.ws.send_str(data)
            except (ConnectionError, RuntimeError):
                # A tab closed mid-send; it reconnects and gets a fresh snapshot if it comes back.
                return


class Hub:
    """The pages listening on `/api/events`; every change goes to all of them, none waiting for another."""

    def __init__(self) -> None:
        self._listeners: dict[web.WebSocketResponse, _Listener] = {}

    def __len__(self) -> int:
        return len(self._listeners)

    def add(
        self,
        ws: web.WebSocketResponse,
        transport: asyncio.Transport | None = None,
        first: Mapping[str, Any] | None = None,
    ) -> None:
        """Start sending events to `ws` (over `transport`), `first` (its snapshot) before any other."""
        listener = _Listener(ws, transport)
        self._listeners[ws] = listener
        if first is not None:
            listener.unsent.put_nowait(json.dumps(first, ensure_ascii=False))

    def discard(self, ws: web.WebSocketResponse) -> None:
        listener = self._listeners.pop(ws, None)
        if listener is not None:
            listener.sender.cancel()

    async def publish(self, event: Mapping[str, Any]) -> None:
        """Queue `event` for every page; a page too far behind is dropped (it reconnects), never waited for."""
        data = json.dumps(event, ensure_ascii=False)
        for ws, listener in list(self._listeners.items()):
            if ws.closed or listener.sender.done():
                self.discard(ws)
                continue
            try:
                listener.unsent.put_nowait(data)
            except asyncio.QueueFull:
                log.warning("a playground page stopped reading its events; dropping it (it reconnects when it can)")
                self.discard(ws)
                # At once: a close handshake would wait behind the data it is not reading.
                if listener.transport is not None:
                    listener.transport.abort()

    async def close(self) -> None:
        for ws in list(self._listeners):
            self.discard(ws)
            with contextlib.suppress(ConnectionError, RuntimeError, TimeoutError):
                await asyncio.wait_for(ws.close(code=WSCloseCode.GOING_AWAY, message=b"playground stopping"), 1.0)
        self._listeners.clear()


class Playground:
    """The simulator, the bot connected to it, the web page, and the content watcher, started and stopped together.

    ``async with Playground(settings, port=0) as playground:`` then open ``playground.url``.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        host: str | None = None,
        port: int | None = None,
        watch: bool = True,
        debounce_ms: int = 200,
        ready_timeout: float = 30.0,
    ) -> None:
        self.settings = settings
        self.host = host if host is not None else settings.playground_host
        self._requested_port = port if port is not None else settings.playground_port
        self.port: int | None = None
        self.watch = watch
        self.debounce_ms = debounce_ms
        self.ready_timeout = ready_timeout
        self.sim = DiscordSimulator(user_id_for=stable_user_id, heartbeat_ack_delay=HEARTBEAT_ACK_DELAY)
        self.hub = Hub()
        self.people: list[SimUser] = [self.sim.default_user]
        self.content: dict[str, Any] = {}
        self._bot: ReferenceBot | None = None
        self._bot_task: asyncio.Task[None] | None = None
        self._runner: web.AppRunner | None = None
        self._follower: asyncio.Task[None] | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._stop_watching = asyncio.Event()
        self._data: tempfile.TemporaryDirectory[str] | None = None
        self._sync_state: SyncState | None = None
        self._endpoints: tuple[str, str] | None = None

    # ------------------------------------------------------------------------------------------ lifecycle

    @property
    def bot(self) -> ReferenceBot:
        if self._bot is None:
            raise RuntimeError("the playground is not started")
        return self._bot

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("the playground is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def bot_task(self) -> asyncio.Task[None]:
        """The running bot; it ends only when the playground closes, or when the bot fails."""
        if self._bot_task is None:
            raise RuntimeError("the playground is not started")
        return self._bot_task

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def start(self) -> None:
        if self._bot is not None:
            raise RuntimeError("the playground is already started")
        self._endpoints = current_endpoints()
        try:
            await self._start_bot()
            await self._start_web()
        except BaseException:
            await self.close()
            raise
        self._follower = asyncio.create_task(self._follow(), name="playground-follower")
        if self.watch:
            self._watcher = asyncio.create_task(self._watch(), name="playground-watcher")
        if not is_loopback(self.host):
            log.warning(
                "PLAYGROUND_HOST=%s: the playground is reachable from other machines and has no login; "
                "anyone who reaches it can use the bot in it",
                self.host,
            )

    async def _start_bot(self) -> None:
        await self.sim.start()
        second = self.sim.add_user(SECOND_USER[0], global_name=SECOND_USER[1])
        if self.sim.default_guild is not None:
            self.sim.add_member(self.sim.default_guild, second)
        # The server's owner, hence an administrator: the one who may try /reload (see README, The playground).
        self.people.extend([second, self.sim.owner_user])
        # The sandbox's state (sync hash, anything the bot keeps) must never mix with the real DATA_DIR: a
        # sync hash recorded against the simulator would make a later real sync look unnecessary.
        self._data = tempfile.TemporaryDirectory(prefix="playground-")
        data_dir = Path(self._data.name)
        token = Secret(self.sim.token or "playground")
        settings = dataclasses.replace(
            self.settings,
            discord_api_base=self.sim.api_base,
            discord_gateway_url=self.sim.gateway_url,
            discord_token=token,
            data_dir=data_dir,
            # Commands are synced into the simulator below, and the playground runs its own watcher so it can
            # tell the page how each reload went.
            dev_guild_id=None,
            watch_content=False,
            # One local process: no shards to split. HEALTH_PORT, when set, serves this bot's /healthz and /metrics.
            shard_count=None,
            shard_ids=None,
        )
        bot = create_bot(settings, guild_ready_timeout=0.1)
        self.sim.bot_user.username = bot.library.pack.title[:BOT_NAME_LIMIT]
        self._bot = bot
        self._bot_task = asyncio.create_task(bot.start(token.get()), name="playground-bot")
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {self._bot_task, ready}, timeout=self.ready_timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if self._bot_task in done:
                failure = self._bot_task.exception()
                if isinstance(failure, OSError) and settings.health_port is not None:
                    self._bot_task = None  # reported here, once
                    # The only port the bot itself listens on.
                    raise StartupError(
                        f"cannot serve /healthz on HEALTH_HOST={settings.health_host} "
                        f"HEALTH_PORT={settings.health_port} ({failure.strerror or failure}): choose a free port, "
                        "or unset HEALTH_PORT"
                    ) from None
                self._bot_task.result()
                raise RuntimeError("the bot stopped before it was ready")
            raise TimeoutError(f"the bot was not ready within {self.ready_timeout:g}s")
        # Recorded as a synced global scope, so the bot's own re-sync after a reload that changes the commands
        # reaches the simulator too.
        self._sync_state = SyncState(data_dir)
        await sync_commands(bot.tree, self._sync_state, None, force=True)
        self.content = wire.content_json(None, bot.library.pack.version, self.sim.now())

    async def _start_web(self) -> None:
        app = web.Application(middlewares=[self._guard], client_max_size=1024 * 1024)
        app.on_response_prepare.append(self._secure_headers)
        app.router.add_get("/", self._index)
        app.router.add_static("/static/", STATIC_DIR)
        app.router.add_get("/api/state", self._get_state)
        app.router.add_get("/api/commands", self._get_commands)
        app.router.add_get("/api/messages", self._get_messages)
        app.router.add_get("/api/messages/{message_id}", self._get_message)
        app.router.add_get("/api/content", self._get_content)
        app.router.add_get("/api/attachments/{attachment_id}/{filename}", self._get_attachment)
        app.router.add_get("/api/events", self._events)
        app.router.add_post("/api/invoke", self._invoke)
        app.router.add_post("/api/autocomplete", self._autocomplete)
        app.router.add_post("/api/click", self._click)
        app.router.add_post("/api/select", self._select)
        app.router.add_post("/api/reload", self._reload)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        self._runner = runner
        site = web.TCPSite(runner, self.host, self._requested_port, reuse_address=True)
        await site.start()
        self.port = int(runner.addresses[0][1])

    async def close(self) -> None:
        """Stop everything that was started, in the reverse order; safe to call more than once."""
        self._stop_watching.set()
        if self._watcher is not None:
            # awatch checks its stop event between short steps; cancelling alone waits for its next timeout.
            try:
                await asyncio.wait_for(self._watcher, 5.0)
            except TimeoutError:
                log.warning("the content watcher did not stop in time")
            except Exception:
                log.exception("the content watcher failed")
            self._watcher = None
        if self._follower is not None:
            self._follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._follower
            self._follower = None
        await self.hub.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._bot is not None:
            await self._bot.close()
        if self._bot_task is not None:
            try:
                await asyncio.wait_for(self._bot_task, 10.0)
            except (TimeoutError, asyncio.CancelledError):
                self._bot_task.cancel()
            except Exception:
                log.exception("the bot stopped with an error")
        await self.sim.close()
        if self._endpoints is not None:
            # bot.start() pointed discord.py at the simulator process-wide; leave it as it was found.
            use_endpoints(*self._endpoints)
            self._endpoints = None
        if self._data is not None:
            self._data.cleanup()
            self._data = None

    # ------------------------------------------------------------------------------------------- state

    @property
    def channel_id(self) -> int:
        return self.sim.default_channel.id

    def channel_messages(self) -> list[SimMessage]:
        return sorted(
            (m for m in self.sim.messages.values() if m.channel_id == self.channel_id and not m.deleted),
            key=lambda m: m.id,
        )

    def commands(self) -> list[dict[str, Any]]:
        guild = self.sim.default_guild
        scopes = [self.sim.get_commands(guild)] if guild is not None else []
        return wire.commands_json([*scopes, self.sim.get_commands(None)])

    def state(self) -> dict[str, Any]:
        """Everything the page needs to draw itself from scratch."""
        guild = self.sim.default_guild
        channel = self.sim.default_channel
        pack = self.bot.library.pack
        return {
            "app": {"id": str(self.sim.bot_user.id), "name": self.sim.bot_user.username, "color": pack.colour},
            "guild": {"id": str(guild.id) if guild else None, "name": guild.name if guild else ""},
            "channel": {"id": str(channel.id), "name": channel.name or "general"},
            "users": [wire.user_json(u, admin=self._is_admin(u)) for u in self.people],
            "commands": self.commands(),
            "messages": [wire.message_json(m) for m in self.channel_messages()],
            "content": self.content,
        }

    async def _follow(self) -> None:
        """Tell the pages about every new or edited message and every command sync, as the simulator records them.

        The simulator wakes its waiters on every change, so this waits on that instead of polling.
        """
        sim = self.sim
        seen: dict[int, tuple[int, bool, int]] = {}
        syncs, rejections, version = len(sim.syncs), len(sim.rejections), -1
        while True:
            await sim.notifier.wait_for(functools.partial(_changed_since, sim, version), None)
            version = sim.notifier.version
            changed = []
            for message in list(sim.messages.values()):
                key = (message.revision, message.deleted, message.flags)
                if message.channel_id == self.channel_id and seen.get(message.id) != key:
                    seen[message.id] = key
                    changed.append(message)
            events: list[dict[str, Any]] = []
            if changed:
                events.append({"type": "messages", "messages": [wire.message_json(m) for m in changed]})
            if len(sim.syncs) != syncs:
                syncs = len(sim.syncs)
                events.append({"type": "commands", "commands": self.commands()})
            if len(sim.rejections) > rejections:
                # What Discord would have refused: the bot's user sees nothing, so the developer should.
                events.append({"type": "rejections", "rejections": [str(r) for r in sim.rejections[rejections:]]})
                rejections = len(sim.rejections)
            for event in events:
                try:
                    await self.hub.publish(event)
                except Exception:
                    # One odd message must not stop the page from hearing about every later one.
                    log.exception("could not send a %s event to the page", event["type"])

    async def _watch(self) -> None:
        try:
            await watch_content(
                self.bot.reloader, self._on_reload, debounce_ms=self.debounce_ms, stop=self._stop_watching
            )
        except Exception as exc:
            # Not a bad pack (that is a refused reload, reported above) but a failure of the reload itself.
            log.exception("live content reload stopped")
            self.content = {**self.content, "watch_error": f"live reload stopped: {exc!r}; restart the playground"}
            await self.hub.publish({"type": "content", "content": self.content})

    async def _on_reload(self, result: ReloadResult) -> None:
        if result.ok and result.commands_changed and self._sync_state is not None:
            # Hash-guarded: a no-op when the bot's own re-sync already brought the simulator up to date.
            try:
                await sync_commands(self.bot.tree, self._sync_state, None)
            except discord.HTTPException:
                log.exception("could not sync the changed commands into the simulator")
        self.content = wire.content_json(result, self.bot.library.pack.version, self.sim.now())
        await self.hub.publish({"type": "content", "content": self.content})

    # -------------------------------------------------------------------------------------------- http

    @web.middleware
    async def _guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        # Another web site open in the same browser can reach loopback too: a foreign Host (DNS rebinding) or
        # Origin (a cross-site request) is refused, and a POST must be JSON, which no plain form can send.
        if not host_allowed(self.host, request.host):
            if is_loopback(self.host):
                return _error(403, "this playground answers only on its loopback address")
            return _error(403, f"use this playground by its IP address, or by the name it listens on ({self.host})")
        origin = request.headers.get("Origin")
        if origin is not None and origin.rstrip("/") != f"{request.scheme}://{request.host}":
            return _error(403, "cross-origin requests are not accepted")
        if request.method == "POST" and request.content_type != "application/json":
            return _error(415, "send JSON (Content-Type: application/json)")
        try:
            return await handler(request)
        except ApiError as exc:
            return _error(exc.status, exc.message)
        except SimulatorUsageError as exc:
            # What Discord's client would not let a user do (a missing option, a disabled button, ...).
            return _error(400, str(exc))

    async def _secure_headers(self, request: web.Request, response: web.StreamResponse) -> None:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if request.path.startswith("/api/") or request.path == "/":
            response.headers["Cache-Control"] = "no-store"
        elif request.path.startswith("/static/"):
            # Revalidated on every load, so a page open across an upgrade never mixes old and new scripts.
            response.headers["Cache-Control"] = "no-cache"

    async def _index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC_DIR / "index.html")

    async def _get_state(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(self.state())

    async def _get_commands(self, request: web.Request) -> web.StreamResponse:
        return web.json_response({"commands": self.commands()})

    async def _get_messages(self, request: web.Request) -> web.StreamResponse:
        return web.json_response({"messages": [wire.message_json(m) for m in self.channel_messages()]})

    async def _get_message(self, request: web.Request) -> web.StreamResponse:
        return web.json_response({"message": wire.message_json(self._message(request.match_info["message_id"]))})

    async def _get_attachment(self, request: web.Request) -> web.StreamResponse:
        """A file sent with a message of this channel: a picture drawn inline, anything else downloaded."""
        raw = request.match_info["attachment_id"]
        attachment_id = int(raw) if raw.isdigit() else 0
        sent = any(str(attachment_id) == a.get("id") for m in self.channel_messages() for a in m.attachments)
        blob = self.sim.attachment_data.get(attachment_id) if sent else None
        if blob is None:
            raise ApiError(404, f"no attachment {raw}")
        content_type, data = blob
        response = web.Response(body=data, content_type=content_type or "application/octet-stream")
        if content_type not in INLINE_TYPES:
            response.headers["Content-Disposition"] = "attachment"
        return response

    async def _get_content(self, request: web.Request) -> web.StreamResponse:
        return web.json_response({"content": self.content})

    async def _events(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(heartbeat=30.0)
        await ws.prepare(request)
        # The snapshot goes first, queued with no await between, so no change can fall in the gap.
        self.hub.add(ws, request.transport, first={"type": "hello", **self.state()})
        try:
            async for _ in ws:
                pass  # the page only listens; reading keeps the close handshake and heartbeats working
        finally:
            self.hub.discard(ws)
        return ws

    async def _invoke(self, request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)
        user = self._user(body)
        name = _text(body, "command")
        self._check_may_use(name, user)
        record = await self.sim.invoke(name, _mapping(body, "options"), user=user)
        return await self._outcome(record, None)

    async def _autocomplete(self, request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)
        user = self._user(body)
        value = body.get("value", "")
        if not isinstance(value, str):
            raise ApiError(400, "value must be a string")
        record = await self.sim.autocomplete(
            _text(body, "command"), _text(body, "option"), value, options=_mapping(body, "options"), user=user
        )
        try:
            await record.wait_for(lambda r: r.response or r.rejected_attempts, self._answer_within)
        except TimeoutError:
            return _error(504, NO_RESPONSE)
        if record.response is None:
            return _error(502, self._refusal(record))
        return web.json_response({"ok": True, "choices": record.choices or []})

    async def _click(self, request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)
        user = self._user(body)
        message = self._message(body.get("message_id"))
        record = await self.sim.click(message, _text(body, "custom_id"), user=user)
        return await self._outcome(record, message)

    async def _select(self, request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)
        user = self._user(body)
        values = body.get("values")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ApiError(400, "values must be a list of strings")
        message = self._message(body.get("message_id"))
        record = await self.sim.select(message, _text(body, "custom_id"), values, user=user)
        return await self._outcome(record, message)

    async def _reload(self, request: web.Request) -> web.StreamResponse:
        result = await self.bot.reloader.reload()
        await self._on_reload(result)
        return web.json_response({"ok": result.ok, "content": self.content})

    # ------------------------------------------------------------------------------------------ helpers

    @property
    def _answer_within(self) -> float:
        return self.sim.first_response_deadline + RESPONSE_GRACE

    async def _outcome(self, record: InteractionRecord, source: SimMessage | None) -> web.StreamResponse:
        """Wait for the bot's first answer to `record`; the message it produced or changed, for the caller."""
        try:
            await record.wait_for(lambda r: r.response or r.rejected_attempts, self._answer_within)
        except TimeoutError:
            return _error(504, NO_RESPONSE, interaction_id=str(record.id))
        response = record.response
        if response is None:
            return _error(502, self._refusal(record), interaction_id=str(record.id))
        message = record.original or source
        if message is not None and message.loading:
            with contextlib.suppress(TimeoutError):
                await message.wait_for(lambda m: not m.loading, DEFERRED_WAIT)
        return web.json_response(
            {
                "ok": True,
                "interaction_id": str(record.id),
                "response_type": response.type,
                "message": wire.message_json(message) if message is not None else None,
            }
        )

    def _is_admin(self, user: SimUser) -> bool:
        guild = self.sim.default_guild
        return guild is not None and bool(guild.permissions_of(user.id) & ADMINISTRATOR)

    def _check_may_use(self, name: str, user: SimUser) -> None:
        """Refuse, in words, what Discord would not even show `user`: a command behind a permission they lack."""
        guild = self.sim.default_guild
        known = {c["name"]: c for c in self.sim.get_commands(None)}
        command = known.get(name.split()[0])
        required = command.get("default_member_permissions") if command else None
        if guild is None or required is None:
            return
        have = guild.permissions_of(user.id)
        if int(required) & ~have and not have & ADMINISTRATOR:
            operator = self.sim.owner_user
            raise ApiError(
                403,
                f"/{name} is for server administrators: Discord does not show it to "
                f"{user.global_name or user.username}. Switch user to {operator.global_name}, the server's owner, "
                "to try it.",
            )

    def _refusal(self, record: InteractionRecord) -> str:
        found = [r for r in self.sim.rejections if r.interaction_id == record.id]
        detail = f": {found[-1].code} {found[-1].message}" if found else ""
        return f"{NO_RESPONSE} (Discord refused its answer{detail})"

    def _user(self, body: Mapping[str, Any]) -> SimUser:
        raw = body.get("user")
        if raw is None:
            return self.people[0]
        for person in self.people:
            if str(person.id) == str(raw):
                return person
        raise ApiError(400, f"unknown user {raw!r}")

    def _message(self, raw: object) -> SimMessage:
        if not isinstance(raw, str | int) or not str(raw).isdigit():
            raise ApiError(400, "message_id must be a message id")
        message = self.sim.messages.get(int(raw))
        if message is None or message.channel_id != self.channel_id:
            raise ApiError(404, f"no message {raw}")
        return message


def _error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"ok": False, "error": message, **extra}, status=status)


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise ApiError(400, "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object")
    return body


def _text(body: Mapping[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, f"{key} must be a non-empty string")
    return value


def _mapping(body: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key) or {}
    if not isinstance(value, dict):
        raise ApiError(400, f"{key} must be an object")
    return value


def _changed_since(sim: DiscordSimulator, version: int) -> bool:
    return sim.notifier.version != version
