"""The simulated REST API (v10; v9 paths answer the same).

Responses carry exactly ``Content-Type: application/json`` (discord.py compares the header string), Discord's
``X-RateLimit-*`` headers and ``Via``. Errors use Discord's shape; 4xx answers to known routes are recorded in
``sim.rejections``, unknown routes answer ``404: Not Found`` and are recorded in ``sim.unexpected_routes``.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.simulator import limits, payloads
from bot.simulator.errors import (
    MAX_APPLICATION_COMMANDS,
    MISSING_ACCESS,
    REQUEST_ENTITY_TOO_LARGE,
    UNKNOWN_APPLICATION,
    UNKNOWN_APPLICATION_COMMAND,
    UNKNOWN_CHANNEL,
    DiscordHTTPError,
    FormErrors,
)
from bot.simulator.faults import HttpFault
from bot.simulator.state import (
    APPLICATION_COMMAND_AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE_WITH_SOURCE,
    DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
    DEFERRED_UPDATE_MESSAGE,
    INTERACTION_APPLICATION_COMMAND,
    INTERACTION_AUTOCOMPLETE,
    INTERACTION_MESSAGE_COMPONENT,
    INTERACTION_MODAL_SUBMIT,
    INTERACTION_PING,
    LAUNCH_ACTIVITY,
    MODAL,
    PONG,
    UPDATE_MESSAGE,
    CallbackAttempt,
    InteractionRecord,
    Rejection,
    RequestRecord,
    ServedResponse,
    SimMessage,
    SyncRecord,
    UnexpectedRoute,
    WebhookCall,
)
from bot.simulator.validation import (
    CHAT_INPUT,
    FLAG_EPHEMERAL,
    FLAG_IS_COMPONENTS_V2,
    FLAG_LOADING,
    FLAG_SUPPRESS_EMBEDS,
    FLAG_SUPPRESS_NOTIFICATIONS,
    as_int,
    focused_option,
    message_is_empty,
    validate_autocomplete,
    validate_command,
    validate_command_list,
    validate_embeds,
    validate_message,
    validate_modal,
)

if TYPE_CHECKING:
    from bot.simulator.server import DiscordSimulator

log = logging.getLogger(__name__)

JSON = "application/json"
API_PREFIXES = ("/api/v10", "/api/v9")
# Flags a bot may set when it creates a message; the rest are Discord's to set.
CREATE_FLAGS = FLAG_SUPPRESS_EMBEDS | FLAG_EPHEMERAL | FLAG_SUPPRESS_NOTIFICATIONS | FLAG_IS_COMPONENTS_V2
EDIT_FLAGS = FLAG_SUPPRESS_EMBEDS | FLAG_IS_COMPONENTS_V2

# Which callback types each interaction type accepts.
ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    INTERACTION_PING: frozenset({PONG}),
    INTERACTION_APPLICATION_COMMAND: frozenset(
        {CHANNEL_MESSAGE_WITH_SOURCE, DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, MODAL, LAUNCH_ACTIVITY}
    ),
    INTERACTION_MESSAGE_COMPONENT: frozenset(
        {
            CHANNEL_MESSAGE_WITH_SOURCE,
            DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
            DEFERRED_UPDATE_MESSAGE,
            UPDATE_MESSAGE,
            MODAL,
            LAUNCH_ACTIVITY,
        }
    ),
    INTERACTION_AUTOCOMPLETE: frozenset({APPLICATION_COMMAND_AUTOCOMPLETE_RESULT}),
    INTERACTION_MODAL_SUBMIT: frozenset(
        {
            CHANNEL_MESSAGE_WITH_SOURCE,
            DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
            DEFERRED_UPDATE_MESSAGE,
            UPDATE_MESSAGE,
            LAUNCH_ACTIVITY,
        }
    ),
}

# Message types
MESSAGE_DEFAULT = 0
MESSAGE_REPLY = 19
MESSAGE_CHAT_INPUT_COMMAND = 20
MESSAGE_CONTEXT_MENU_COMMAND = 23


def _request_key(name: str) -> Any:
    """A typed request-storage key (aiohttp >= 3.12 warns about plain strings); a string on older aiohttp."""
    factory = getattr(web, "RequestKey", None)
    return name if factory is None else factory(name, object)


BODY_KEY = _request_key("sim_body")
UNEXPECTED_KEY = _request_key("sim_unexpected")


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json`` (no charset parameter)."""
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    response = web.Response(body=body, status=status, headers=dict(headers or {}))
    response.headers["Content-Type"] = JSON
    return response


def no_content(headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(status=204, headers=dict(headers or {}))


def api_path(path: str) -> str | None:
    for prefix in API_PREFIXES:
        if path == prefix or path.startswith(prefix + "/"):
            return path[len(prefix) :] or "/"
    return None


@dataclass(slots=True)
class Upload:
    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass(slots=True)
class _Bucket:
    bucket_hash: str
    limit: int
    window: float
    remaining: int
    reset_at: float  # time.time()

    def take(self, now: float) -> bool:
        if now >= self.reset_at:
            self.remaining = self.limit
            self.reset_at = now + self.window
        if self.remaining <= 0:
            return False
        self.remaining -= 1
        return True


class RestApi:
    """Routes, middleware and handlers of the simulated REST API."""

    def __init__(self, sim: DiscordSimulator) -> None:
        self.sim = sim
        self._buckets: dict[str, _Bucket] = {}

    # ----------------------------------------------------------------------------------------- routing

    def install(self, app: web.Application) -> None:
        routes: list[tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]] = [
            ("GET", "/users/@me", self.get_current_user),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", "/applications/@me", self.get_application),
            ("GET", "/gateway", self.get_gateway),
            ("GET", "/gateway/bot", self.get_gateway_bot),
            ("GET", "/applications/{app_id}/commands", self.list_commands),
            ("PUT", "/applications/{app_id}/commands", self.bulk_overwrite),
            ("POST", "/applications/{app_id}/commands", self.create_command),
            ("GET", "/applications/{app_id}/commands/{command_id}", self.get_command),
            ("PATCH", "/applications/{app_id}/commands/{command_id}", self.edit_command),
            ("DELETE", "/applications/{app_id}/commands/{command_id}", self.delete_command),
            ("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self.list_commands),
            ("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self.bulk_overwrite),
            ("POST", "/applications/{app_id}/guilds/{guild_id}/commands", self.create_command),
            ("GET", "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}", self.get_command),
            ("PATCH", "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}", self.edit_command),
            ("DELETE", "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}", self.delete_command),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self.interaction_callback),
            ("POST", "/webhooks/{app_id}/{token}", self.execute_followup),
            ("GET", "/webhooks/{app_id}/{token}/messages/{message_id}", self.get_webhook_message),
            ("PATCH", "/webhooks/{app_id}/{token}/messages/{message_id}", self.edit_webhook_message),
            ("DELETE", "/webhooks/{app_id}/{token}/messages/{message_id}", self.delete_webhook_message),
            ("POST", "/channels/{channel_id}/messages", self.create_channel_message),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self.get_channel_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_channel_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_channel_message),
        ]
        for prefix in API_PREFIXES:
            for method, path, handler in routes:
                app.router.add_route(method, prefix + path, handler)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self.get_attachment)
        app.router.add_route("*", "/{tail:.*}", self.unexpected)

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        path = api_path(request.path)
        if path is None or request.headers.get("Upgrade", "").lower() == "websocket":
            return await handler(request)
        sim = self.sim
        skip_via = False
        fault = sim.faults.take(request.method, path)
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(fault.delay)
            fault = None
        bucket = None if request.match_info.handler == self.unexpected else self._bucket(request)
        response: web.StreamResponse
        if fault is not None:
            response, skip_via = self._fault_response(fault, request)
        else:
            now = time.time()
            if bucket is not None and not bucket.take(now) and sim.enforce_rate_limits:
                response = self._limited_response(bucket.bucket_hash, bucket.reset_at - now, is_global=False)
            else:
                try:
                    response = await handler(request)
                except DiscordHTTPError as exc:
                    response = json_response(exc.body(), exc.status, exc.headers)
                    self._reject(request, path, exc)
                if bucket is not None:
                    self._rate_limit_headers(bucket, response)
        if not skip_via:
            response.headers["Via"] = "1.1 google"
        sim.requests.append(RequestRecord(request.method, path, response.status, sim.clock.now()))
        if sim.response_listeners:
            body = response.body if isinstance(response, web.Response) else None
            served = ServedResponse(
                request.method,
                path,
                response.status,
                response.headers.get("Content-Type"),
                bytes(body) if isinstance(body, bytes | bytearray) else None,
                fault.kind if fault is not None else None,
            )
            for listener in list(sim.response_listeners):
                listener(served)
        sim.notifier.notify()
        return response

    def _reject(self, request: web.Request, path: str, exc: DiscordHTTPError) -> None:
        body = request.get(BODY_KEY)
        rejection = Rejection(
            method=request.method,
            path=path,
            status=exc.status,
            code=exc.code,
            message=exc.message,
            errors=exc.errors.nested() if exc.errors else None,
            body=body,
            interaction_id=exc.interaction_id,
        )
        self.sim.rejections.append(rejection)
        log.warning("simulator rejected %s", rejection)

    def _bucket_key(self, request: web.Request) -> tuple[str, str]:
        resource = request.match_info.route.resource
        template = resource.canonical if resource is not None else request.path
        for prefix in API_PREFIXES:
            template = template.removeprefix(prefix)
        info = request.match_info
        major = [info.get(k, "") for k in ("channel_id", "guild_id", "interaction_id")]
        if template.startswith("/webhooks/"):
            major += [info.get("app_id", ""), info.get("token", "")]
        bucket_hash = hashlib.sha1(f"{request.method} {template}".encode()).hexdigest()[:32]
        return bucket_hash, f"{bucket_hash}:{':'.join(major)}"

    def _bucket(self, request: web.Request) -> _Bucket:
        sim = self.sim
        bucket_hash, key = self._bucket_key(request)
        bucket = self._buckets.get(key)
        if bucket is None:
            now = time.time()
            bucket = _Bucket(
                bucket_hash, sim.bucket_limit, sim.bucket_window, sim.bucket_limit, now + sim.bucket_window
            )
            self._buckets[key] = bucket
        return bucket

    @staticmethod
    def _rate_limit_headers(bucket: _Bucket, response: web.StreamResponse) -> None:
        # Rounded up to the millisecond, so a client that waits exactly this long finds the bucket reset.
        reset_after = math.ceil(max(bucket.reset_at - time.time(), 0.0) * 1000) / 1000
        response.headers.update(
            {
                "X-RateLimit-Bucket": bucket.bucket_hash,
                "X-RateLimit-Limit": str(bucket.limit),
                "X-RateLimit-Remaining": str(bucket.remaining),
                "X-RateLimit-Reset": f"{math.ceil(bucket.reset_at * 1000) / 1000:.3f}",
                "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            }
        )

    def _limited_response(
        self, bucket_hash: str, retry_after: float, *, is_global: bool, scope: str = "user"
    ) -> web.Response:
        """Discord's 429: JSON body with ``retry_after``, ``Retry-After`` and ``X-RateLimit-*`` headers."""
        retry_after = math.ceil(max(retry_after, 0.0) * 1000) / 1000
        headers = {
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Limit": str(self.sim.bucket_limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": bucket_hash,
            "X-RateLimit-Scope": "global" if is_global else scope,
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        # Discord's docs make ``code`` optional here; the spec requires it, and 0 (general error) satisfies both.
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global, "code": 0}
        return json_response(body, 429, headers)

    def _fault_response(self, fault: HttpFault, request: web.Request) -> tuple[web.StreamResponse, bool]:
        if fault.kind == "rate_limit":
            bucket_hash, _ = self._bucket_key(request)
            response = self._limited_response(
                bucket_hash, fault.retry_after, is_global=fault.is_global, scope=fault.scope
            )
            return response, False
        if fault.kind == "cloudflare_ban":
            html = "<html><head><title>Error 1015</title></head><body>You are being rate limited</body></html>"
            return web.Response(status=429, text=html, content_type="text/html"), True
        if fault.status == 500:
            return json_response({"message": "500: Internal Server Error", "code": 0}, 500), False
        reason = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}.get(fault.status, "Error")
        html = f"<html><head><title>{fault.status} {reason}</title></head><body>{reason}</body></html>"
        return web.Response(status=fault.status, text=html, content_type="text/html"), False

    async def unexpected(self, request: web.Request) -> web.StreamResponse:
        path = api_path(request.path)
        request[UNEXPECTED_KEY] = True
        sim = self.sim
        sim.unexpected_routes.append(
            UnexpectedRoute(
                request.method, path if path is not None else request.path, request.query_string, sim.clock.now()
            )
        )
        log.warning("simulator: unexpected route %s %s", request.method, request.path)
        return json_response(DiscordHTTPError.not_found().body(), 404)

    # ----------------------------------------------------------------------------------------- helpers

    def _auth(self, request: web.Request) -> None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bot ") or (self.sim.token is not None and header[4:] != self.sim.token):
            raise DiscordHTTPError.unauthorized()

    def _app(self, request: web.Request) -> None:
        if request.match_info.get("app_id") != str(self.sim.application_id):
            raise DiscordHTTPError(404, UNKNOWN_APPLICATION, "Unknown Application")

    async def _read_body(self, request: web.Request) -> tuple[Any, list[Upload]]:
        """JSON body, or multipart/form-data with ``payload_json`` and ``files[n]`` parts."""
        uploads: list[Upload] = []
        body: Any = None
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                name = getattr(part, "name", None) or ""
                if name == "payload_json":
                    text = await part.text()  # type: ignore[union-attr]
                    try:
                        body = json.loads(text)
                    except ValueError as exc:
                        raise DiscordHTTPError.invalid_json() from exc
                else:
                    data = await part.read()  # type: ignore[union-attr]
                    uploads.append(
                        Upload(
                            name,
                            getattr(part, "filename", None) or name,
                            part.headers.get("Content-Type", "application/octet-stream"),
                            bytes(data),
                        )
                    )
        elif request.can_read_body:
            raw = await request.read()
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError as exc:
                    raise DiscordHTTPError.invalid_json() from exc
        request[BODY_KEY] = body
        return body, uploads

    def _snowflake(self, request: web.Request, key: str) -> int | None:
        try:
            return int(request.match_info[key])
        except (KeyError, ValueError):
            return None

    # ------------------------------------------------------------------------------- user, application

    async def get_current_user(self, request: web.Request) -> web.StreamResponse:
        self._auth(request)
        return json_response(payloads.current_user_payload(self.sim.bot_user))

    async def get_application(self, request: web.Request) -> web.StreamResponse:
        self._auth(request)
        sim = self.sim
        return json_response(
            payloads.application_payload(
                sim.application_id, sim.application_name, sim.bot_user, sim.owner_user, sim.application_flags
            )
        )

    async def get_gateway(self, request: web.Request) -> web.StreamResponse:
        return json_response({"url": self.sim.gateway_url.rstrip("/")})

    async def get_gateway_bot(self, request: web.Request) -> web.StreamResponse:
        self._auth(request)
        sim = self.sim
        total = 1000
        return json_response(
            {
                "url": sim.gateway_url.rstrip("/"),
                "shards": sim.recommended_shards,
                "session_start_limit": {
                    "total": total,
                    "remaining": max(total - sim.identify_count, 0),
                    "reset_after": 86_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    # ---------------------------------------------------------------------------------------- commands

    def _scope(self, request: web.Request) -> int | None:
        self._auth(request)
        self._app(request)
        if "guild_id" not in request.match_info:
            return None
        guild_id = self._snowflake(request, "guild_id")
        guild = self.sim.guilds.get(guild_id or 0)
        if guild is None or not guild.bot_member:
            raise DiscordHTTPError(403, MISSING_ACCESS, "Missing Access")
        return guild.id

    def _normalise_command(
        self, body: Mapping[str, Any], scope: int | None, existing: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        sim = self.sim

        def clean(value: Any) -> Any:
            if isinstance(value, Mapping):
                return {k: clean(v) for k, v in value.items() if v is not None and not (k == "required" and v is False)}
            if isinstance(value, list):
                return [clean(v) for v in value]
            return value

        ctype = body.get("type", CHAT_INPUT)
        command: dict[str, Any] = {
            "id": existing["id"] if existing else str(sim.snowflakes.make()),
            "application_id": str(sim.application_id),
            "version": existing["version"] if existing else "",
            # Stored as Discord answers it: a string, whether the bit set came as a string or a number.
            "default_member_permissions": _permission_string(body.get("default_member_permissions")),
            "type": ctype,
            "name": body.get("name"),
            "name_localizations": body.get("name_localizations"),
            "description": body.get("description") or "",
            "description_localizations": body.get("description_localizations"),
            "nsfw": bool(body.get("nsfw", False)),
        }
        if scope is None:
            command["dm_permission"] = body.get("dm_permission", True) is not False
            # Discord stores null when no contexts were given (the command then works in guilds and bot DMs).
            command["contexts"] = body.get("contexts")
            command["integration_types"] = body.get("integration_types") or [0]
        else:
            command["guild_id"] = str(scope)
            command["contexts"] = None
            command["integration_types"] = [0]
        options = clean(body.get("options") or [])
        if options:
            command["options"] = options
        if existing is None or self._command_changed(existing, command):
            command["version"] = str(sim.snowflakes.make())
        return command

    @staticmethod
    def _command_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
        ignore = {"id", "version"}
        return {k: v for k, v in old.items() if k not in ignore} != {k: v for k, v in new.items() if k not in ignore}

    def _record_sync(self, scope: int | None, kind: str, names: list[str]) -> None:
        self.sim.syncs.append(SyncRecord(scope, kind, names, self.sim.clock.now()))
        log.info("simulator: command %s on %s: %s", kind, "global" if scope is None else scope, ", ".join(names))

    async def list_commands(self, request: web.Request) -> web.StreamResponse:
        scope = self._scope(request)
        return json_response(list(copy.deepcopy(self.sim.commands.get(scope, {})).values()))

    async def bulk_overwrite(self, request: web.Request) -> web.StreamResponse:
        scope = self._scope(request)
        body, _ = await self._read_body(request)
        errors = FormErrors()
        validate_command_list(body, errors)
        if errors:
            raise DiscordHTTPError.invalid_form_body(errors)
        current = self.sim.commands.get(scope, {})
        by_key = {(c["name"], c["type"]): c for c in current.values()}
        stored: dict[str, dict[str, Any]] = {}
        for item in body:
            existing = current.get(str(item["id"])) if item.get("id") is not None else None
            if existing is None:
                existing = by_key.get((item.get("name"), item.get("type", CHAT_INPUT)))
            command = self._normalise_command(item, scope, existing)
            stored[command["id"]] = command
        self.sim.commands[scope] = stored
        self._record_sync(scope, "bulk", [c["name"] for c in stored.values()])
        return json_response(list(copy.deepcopy(stored).values()))

    async def create_command(self, request: web.Request) -> web.StreamResponse:
        scope = self._scope(request)
        body, _ = await self._read_body(request)
        errors = FormErrors()
        validate_command(body, errors)
        if errors:
            raise DiscordHTTPError.invalid_form_body(errors)
        current = self.sim.commands.setdefault(scope, {})
        ctype = body.get("type", CHAT_INPUT)
        existing = next((c for c in current.values() if c["name"] == body["name"] and c["type"] == ctype), None)
        if existing is None:
            same_type = sum(1 for c in current.values() if c["type"] == ctype)
            cap = limits.COMMANDS_PER_SCOPE if ctype == CHAT_INPUT else limits.CONTEXT_MENU_COMMANDS_PER_SCOPE
            if same_type >= cap:
                raise DiscordHTTPError(
                    400, MAX_APPLICATION_COMMANDS, f"Maximum number of application commands reached ({cap})"
                )
        command = self._normalise_command(body, scope, existing)
        current[command["id"]] = command
        self._record_sync(scope, "create", [command["name"]])
        return json_response(copy.deepcopy(command), 201 if existing is None else 200)

    def _find_command(self, request: web.Request, scope: int | None) -> dict[str, Any]:
        command = self.sim.commands.get(scope, {}).get(request.match_info["command_id"])
        if command is None:
            raise DiscordHTTPError(404, UNKNOWN_APPLICATION_COMMAND, "Unknown application command")
        return command

    async def get_command(self, request: web.Request) -> web.StreamResponse:
        scope = self._scope(request)
        return json_response(copy.deepcopy(self._find_command(request, scope)))

    async def edit_command(self, request: web.Request) -> web.StreamResponse:
        scope = self._scope(request)
        body, _ = await self._read_body(request)
        existing = self._find_command(request, scope)
        if not isinstance(body, dict):
            raise DiscordHTTPError.invalid_json()
        merged = {k: v for k, v in existing.items() if k not in ("id", "application_id", "version", "guild_id")}
        merged.update(body)
        merged["type"] = existing["type"]
        errors = FormErrors()
        validate_command(merged, errors)
        if errors:
            raise DiscordHTTPError.invalid_form_body(errors)
        command = self._normalise_command(merged, scope, existing)
        self.sim.commands[scope][command["id"]] = command
        self._record_sync(scope, "edit", [command["name"]])
        return json_response(copy.deepcopy(command))

    async def delete_command(self, request: web.Request) -> web.StreamResponse:
        scope = self._scope(request)
        command = self._find_command(request, scope)
        del self.sim.commands[scope][command["id"]]
        self._record_sync(scope, "delete", [command["name"]])
        return no_content()

    # ------------------------------------------------------------------------------------ interactions

    def _interaction_message(
        self,
        record: InteractionRecord,
        body: Mapping[str, Any],
        uploads: list[Upload],
        *,
        flags: int,
        message_type: int,
        reference: SimMessage | None = None,
        original_response_id: int | None = None,
    ) -> SimMessage:
        sim = self.sim
        payload = record.payload
        metadata = self._interaction_metadata(record, original_response_id)
        legacy = None
        if record.type != INTERACTION_MODAL_SUBMIT:
            legacy = {
                "id": str(record.id),
                "type": record.type,
                "name": record.name or record.custom_id or "",
                "user": metadata["user"],
            }
        message = sim.new_message(
            channel_id=int(payload["channel_id"]),
            guild_id=int(payload["guild_id"]) if payload.get("guild_id") else None,
            body=body,
            uploads=uploads,
            flags=flags,
            message_type=message_type,
            webhook_id=sim.application_id,
            interaction_id=record.id,
            interaction_metadata=metadata,
            interaction=legacy,
            reference=reference,
        )
        return message

    def _interaction_metadata(self, record: InteractionRecord, original_response_id: int | None) -> dict[str, Any]:
        """A message's ``interaction_metadata``; a modal submit's names the interaction that opened the modal."""
        payload = record.payload
        metadata: dict[str, Any] = {
            "id": str(record.id),
            "type": record.type,
            "user": payloads.user_payload(self.sim.user_from_interaction(record)),
            "authorizing_integration_owners": copy.deepcopy(payload.get("authorizing_integration_owners", {})),
        }
        if record.type in (INTERACTION_APPLICATION_COMMAND, INTERACTION_AUTOCOMPLETE):
            metadata["name"] = record.name
            metadata["command_type"] = payload.get("data", {}).get("type", CHAT_INPUT)
        if record.source_message_id is not None and record.type == INTERACTION_MESSAGE_COMPONENT:
            metadata["interacted_message_id"] = str(record.source_message_id)
        if original_response_id is not None:
            metadata["original_response_message_id"] = str(original_response_id)
        opener = self.sim.interactions.get(record.opened_by_id or 0)
        if record.type == INTERACTION_MODAL_SUBMIT and opener is not None:
            metadata["triggering_interaction_metadata"] = self._interaction_metadata(opener, None)
        return metadata

    def _check_new_message(self, record: InteractionRecord | None, body: Any, uploads: list[Upload]) -> None:
        """What Discord checks of a message created outside a callback (a followup, a channel message)."""
        if not isinstance(body, dict):
            raise DiscordHTTPError.invalid_json()
        errors = FormErrors()
        validate_message(body, errors)
        if errors:
            raise DiscordHTTPError.invalid_form_body(errors)
        self._check_uploads(record, uploads)
        if message_is_empty({**body, "attachments": uploads}):
            raise DiscordHTTPError.empty_message()

    def _check_uploads(self, record: InteractionRecord | None, uploads: list[Upload]) -> None:
        limit = limits.ATTACHMENT_SIZE
        if record is not None:
            limit = int(record.payload.get("attachment_size_limit", limit))
        if sum(len(u.data) for u in uploads) > limit:
            raise DiscordHTTPError(413, REQUEST_ENTITY_TOO_LARGE, "Request entity too large")
        if len(uploads) > limits.FILES_PER_MESSAGE:
            errors = FormErrors()
            errors.max_length(("attachments",), limits.FILES_PER_MESSAGE)
            raise DiscordHTTPError.invalid_form_body(errors)

    async def interaction_callback(self, request: web.Request) -> web.StreamResponse:
        sim = self.sim
        interaction_id = self._snowflake(request, "interaction_id")
        token = request.match_info["token"]
        with_response = request.query.get("with_response", "").lower() in ("true", "1")
        body, uploads = await self._read_body(request)
        now = sim.clock.now()
        record = sim.interactions.get(interaction_id or 0)
        if record is None or record.token != token:
            raise DiscordHTTPError.unknown_interaction()
        callback_type = body.get("type") if isinstance(body, dict) else None
        data = body.get("data") if isinstance(body, dict) else None
        attempt = CallbackAttempt(
            type=callback_type if isinstance(callback_type, int) else None,
            data=copy.deepcopy(data) if isinstance(data, dict) else None,
            status=0,
            at=now,
            elapsed=now - record.created_at,
            files=[u.filename for u in uploads],
        )
        try:
            response = self._apply_callback(record, body, uploads, with_response, attempt)
        except DiscordHTTPError as exc:
            exc.interaction_id = record.id
            attempt.status = exc.status
            attempt.error_code = exc.code
            record.attempts.append(attempt)
            raise
        attempt.status = response.status
        record.attempts.append(attempt)
        log.info(
            "simulator: interaction %s (%s) answered with type %s after %.3fs",
            record.id,
            record.name or record.custom_id,
            attempt.type,
            attempt.elapsed,
        )
        return response

    def _apply_callback(
        self,
        record: InteractionRecord,
        body: Any,
        uploads: list[Upload],
        with_response: bool,
        attempt: CallbackAttempt,
    ) -> web.StreamResponse:
        sim = self.sim
        if record.acknowledged:
            raise DiscordHTTPError.already_acknowledged()
        if attempt.elapsed > sim.first_response_deadline:
            raise DiscordHTTPError.unknown_interaction()
        errors = FormErrors()
        if not isinstance(body, dict):
            errors.required(("type",))
            raise DiscordHTTPError.invalid_form_body(errors)
        callback_type = body.get("type")
        if callback_type not in ALLOWED_CALLBACKS.get(record.type, frozenset()):
            errors.add(
                ("type",),
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Interaction response type {callback_type} is not valid for interaction type {record.type}",
            )
            raise DiscordHTTPError.invalid_form_body(errors)
        data = body.get("data")
        if data is not None and not isinstance(data, dict):
            errors.add(("data",), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            raise DiscordHTTPError.invalid_form_body(errors)
        data = data or {}
        if callback_type in (CHANNEL_MESSAGE_WITH_SOURCE, UPDATE_MESSAGE):
            source = sim.messages.get(record.source_message_id or 0) if callback_type == UPDATE_MESSAGE else None
            flags = data.get("flags")
            if callback_type == UPDATE_MESSAGE and source is not None and flags is None:
                flags = source.flags & EDIT_FLAGS
            validate_message(data, errors, ("data",), flags=flags)
            if errors:
                raise DiscordHTTPError.invalid_form_body(errors)
            self._check_uploads(record, uploads)
            if callback_type == CHANNEL_MESSAGE_WITH_SOURCE and message_is_empty({**data, "attachments": uploads}):
                raise DiscordHTTPError.empty_message()
        elif callback_type == APPLICATION_COMMAND_AUTOCOMPLETE_RESULT:
            focused = focused_option(record.payload.get("data", {}).get("options") or [])
            validate_autocomplete(data, focused.get("type") if focused else None, errors, ("data",))
        elif callback_type == MODAL:
            validate_modal(data, errors, ("data",))
        elif callback_type in (DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, DEFERRED_UPDATE_MESSAGE):
            flags = data.get("flags", 0)
            if flags is not None and as_int(flags) is None:
                errors.add(("data", "flags"), "NUMBER_TYPE_COERCE", f'Value "{flags}" is not int.')
        if errors:
            raise DiscordHTTPError.invalid_form_body(errors)

        message: SimMessage | None = None
        interaction_info: dict[str, Any] = {"id": str(record.id), "type": record.type}
        # The spec's callback resource is a created message (types 4 and 7) or an activity instance (12); the
        # other types create neither, and their answer has no resource.
        resource: dict[str, Any] | None = None
        if callback_type in (CHANNEL_MESSAGE_WITH_SOURCE, UPDATE_MESSAGE, LAUNCH_ACTIVITY):
            resource = {"type": callback_type}
        if callback_type == CHANNEL_MESSAGE_WITH_SOURCE:
            flags = int(data.get("flags") or 0) & CREATE_FLAGS
            message = self._interaction_message(
                record,
                data,
                uploads,
                flags=flags,
                message_type=self._response_message_type(record),
                reference=sim.messages.get(record.source_message_id or 0),
            )
            record.original_id = message.id
        elif callback_type == DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE:
            flags = (int(data.get("flags") or 0) & FLAG_EPHEMERAL) | FLAG_LOADING
            loading = self._interaction_message(
                record,
                {},
                [],
                flags=flags,
                message_type=self._response_message_type(record),
                reference=sim.messages.get(record.source_message_id or 0),
            )
            record.original_id = loading.id
            record.deferred_pending = True
            interaction_info.update(
                {
                    "response_message_id": str(loading.id),
                    "response_message_loading": True,
                    "response_message_ephemeral": loading.ephemeral,
                }
            )
        elif callback_type == DEFERRED_UPDATE_MESSAGE:
            record.original_id = record.source_message_id
        elif callback_type == UPDATE_MESSAGE:
            source = sim.messages.get(record.source_message_id or 0)
            if source is None or source.deleted:
                raise DiscordHTTPError.unknown_message()
            self._check_merged(source, data, uploads)
            sim.edit_message(source, data, uploads)
            record.original_id = source.id
            message = source
        elif callback_type == LAUNCH_ACTIVITY:
            instance = f"i-{record.id}-{sim.snowflakes.make()}"
            interaction_info["activity_instance_id"] = instance
            assert resource is not None
            resource["activity_instance"] = {"id": instance}
        if message is not None:
            interaction_info.update(
                {
                    "response_message_id": str(message.id),
                    "response_message_loading": False,
                    "response_message_ephemeral": message.ephemeral,
                }
            )
            assert resource is not None
            resource["message"] = payloads.message_payload(message)
        sim.notifier.notify()
        if not with_response:
            return no_content()
        result: dict[str, Any] = {"interaction": interaction_info}
        if resource is not None:
            result["resource"] = resource
        return json_response(result)

    @staticmethod
    def _response_message_type(record: InteractionRecord) -> int:
        if record.type == INTERACTION_APPLICATION_COMMAND:
            command_type = record.payload.get("data", {}).get("type", CHAT_INPUT)
            return MESSAGE_CHAT_INPUT_COMMAND if command_type == CHAT_INPUT else MESSAGE_CONTEXT_MENU_COMMAND
        if record.source_message_id is not None:
            return MESSAGE_REPLY
        return MESSAGE_DEFAULT

    # ---------------------------------------------------------------------------------------- webhooks

    def _webhook_record(self, request: web.Request, target: str) -> tuple[InteractionRecord, float]:
        sim = self.sim
        now = sim.clock.now()
        if request.match_info.get("app_id") != str(sim.application_id):
            raise DiscordHTTPError.unknown_webhook()
        record = sim.interactions_by_token.get(request.match_info["token"])
        if record is None:
            raise DiscordHTTPError.unknown_webhook()
        elapsed = now - record.created_at
        try:
            if elapsed > sim.token_lifetime:
                raise DiscordHTTPError.invalid_webhook_token()
            if not record.acknowledged or record.type == INTERACTION_AUTOCOMPLETE:
                raise DiscordHTTPError.unknown_webhook()
        except DiscordHTTPError as exc:
            exc.interaction_id = record.id
            record.webhook_calls.append(WebhookCall(request.method, target, exc.status, now, elapsed, exc.code))
            raise
        return record, elapsed

    def _webhook_message(self, record: InteractionRecord, message_id: str) -> SimMessage:
        if message_id == "@original":
            target = record.original_id
        else:
            try:
                target = int(message_id)
            except ValueError:
                target = None
            if target is not None and target != record.original_id and target not in record.followup_ids:
                target = None
        message = self.sim.messages.get(target or 0)
        if message is None or message.deleted:
            raise DiscordHTTPError.unknown_message()
        return message

    async def _webhook_call(
        self,
        request: web.Request,
        target: str,
        action: Callable[[InteractionRecord], web.StreamResponse],
    ) -> web.StreamResponse:
        record, elapsed = self._webhook_record(request, target)
        call = WebhookCall(request.method, target, 0, self.sim.clock.now(), elapsed)
        try:
            response = action(record)
        except DiscordHTTPError as exc:
            exc.interaction_id = record.id
            call.status, call.error_code = exc.status, exc.code
            record.webhook_calls.append(call)
            raise
        call.status = response.status
        record.webhook_calls.append(call)
        self.sim.notifier.notify()
        return response

    async def execute_followup(self, request: web.Request) -> web.StreamResponse:
        body, uploads = await self._read_body(request)
        wait = request.query.get("wait", "").lower() in ("true", "1")

        def action(record: InteractionRecord) -> web.StreamResponse:
            sim = self.sim
            self._check_new_message(record, body, uploads)
            original = record.original
            if record.deferred_pending and original is not None and original.loading and not original.deleted:
                # The first followup after a deferred response edits the "thinking" message; its ephemeral flag
                # stays what the defer chose.
                sim.edit_message(original, body, uploads)
                record.deferred_pending = False
                message = original
            else:
                flags = int(body.get("flags") or 0) & CREATE_FLAGS
                message = self._interaction_message(
                    record,
                    body,
                    uploads,
                    flags=flags,
                    message_type=MESSAGE_REPLY if original else MESSAGE_DEFAULT,
                    reference=original,
                    original_response_id=record.original_id,
                )
                record.followup_ids.append(message.id)
            return json_response(payloads.message_payload(message)) if wait else no_content()

        return await self._webhook_call(request, "followup", action)

    async def get_webhook_message(self, request: web.Request) -> web.StreamResponse:
        message_id = request.match_info["message_id"]

        def action(record: InteractionRecord) -> web.StreamResponse:
            return json_response(payloads.message_payload(self._webhook_message(record, message_id)))

        return await self._webhook_call(request, message_id, action)

    async def edit_webhook_message(self, request: web.Request) -> web.StreamResponse:
        message_id = request.match_info["message_id"]
        body, uploads = await self._read_body(request)

        def action(record: InteractionRecord) -> web.StreamResponse:
            message = self._webhook_message(record, message_id)
            self._validate_edit(message, body, uploads, record)
            self.sim.edit_message(message, body, uploads)
            if message.id == record.original_id:
                record.deferred_pending = False
            return json_response(payloads.message_payload(message))

        return await self._webhook_call(request, message_id, action)

    async def delete_webhook_message(self, request: web.Request) -> web.StreamResponse:
        message_id = request.match_info["message_id"]

        def action(record: InteractionRecord) -> web.StreamResponse:
            message = self._webhook_message(record, message_id)
            self.sim.delete_message(message)
            return no_content()

        return await self._webhook_call(request, message_id, action)

    def _validate_edit(
        self, message: SimMessage, body: Any, uploads: list[Upload], record: InteractionRecord | None
    ) -> None:
        if not isinstance(body, dict):
            raise DiscordHTTPError.invalid_json()
        errors = FormErrors()
        flags = body.get("flags")
        if flags is None:
            flags = message.flags & EDIT_FLAGS
        validate_message(body, errors, flags=flags)
        if errors:
            raise DiscordHTTPError.invalid_form_body(errors)
        self._check_uploads(record, uploads)
        self._check_merged(message, body, uploads)

    @staticmethod
    def _check_merged(message: SimMessage, body: Mapping[str, Any], uploads: list[Upload]) -> None:
        """An edit keeps what it does not mention; the result must still fit 6000 and not be empty."""
        merged = {
            "content": body.get("content", message.content),
            "embeds": body.get("embeds", message.embeds),
            "components": body.get("components", message.components),
            "attachments": uploads or body.get("attachments", message.attachments),
            "poll": message.poll,
        }
        errors = FormErrors()
        validate_embeds(merged["embeds"] or [], errors, ("embeds",))
        if errors:
            raise DiscordHTTPError.invalid_form_body(errors)
        if message_is_empty(merged):
            raise DiscordHTTPError.empty_message()

    # ---------------------------------------------------------------------------------------- channels

    def _channel(self, request: web.Request) -> Any:
        self._auth(request)
        channel = self.sim.find_channel(self._snowflake(request, "channel_id") or 0)
        if channel is None:
            raise DiscordHTTPError(404, UNKNOWN_CHANNEL, "Unknown Channel")
        return channel

    async def create_channel_message(self, request: web.Request) -> web.StreamResponse:
        channel = self._channel(request)
        body, uploads = await self._read_body(request)
        self._check_new_message(None, body, uploads)
        flags = int(body.get("flags") or 0) & (CREATE_FLAGS & ~FLAG_EPHEMERAL)
        message = self.sim.new_message(
            channel_id=channel.id,
            guild_id=channel.guild_id,
            body=body,
            uploads=uploads,
            flags=flags,
            message_type=MESSAGE_DEFAULT,
        )
        return json_response(payloads.message_payload(message))

    def _channel_message(self, request: web.Request) -> SimMessage:
        channel = self._channel(request)
        message = self.sim.messages.get(self._snowflake(request, "message_id") or 0)
        if message is None or message.deleted or message.channel_id != channel.id or message.ephemeral:
            raise DiscordHTTPError.unknown_message()
        return message

    async def get_channel_message(self, request: web.Request) -> web.StreamResponse:
        return json_response(payloads.message_payload(self._channel_message(request)))

    async def edit_channel_message(self, request: web.Request) -> web.StreamResponse:
        message = self._channel_message(request)
        body, uploads = await self._read_body(request)
        if message.author.get("id") != str(self.sim.bot_user.id):
            raise DiscordHTTPError(403, 50005, "Cannot edit a message authored by another user")
        self._validate_edit(message, body, uploads, None)
        self.sim.edit_message(message, body, uploads)
        return json_response(payloads.message_payload(message))

    async def delete_channel_message(self, request: web.Request) -> web.StreamResponse:
        message = self._channel_message(request)
        self.sim.delete_message(message)
        return no_content()

    async def get_attachment(self, request: web.Request) -> web.StreamResponse:
        blob = self.sim.attachment_data.get(self._snowflake(request, "attachment_id") or 0)
        if blob is None:
            return web.Response(status=404, text="Not Found")
        content_type, data = blob
        return web.Response(body=data, content_type=content_type)


def _permission_string(value: Any) -> str | None:
    return None if value is None else str(value)
