"""Payload builders: the JSON Discord sends, from the simulator's models.

Everything here is a pure function of its arguments. Snowflakes are strings, timestamps ISO 8601, permissions
decimal strings - as Discord serialises them. The interaction builders produce complete ``INTERACTION_CREATE``
payloads (``d`` of the dispatch) with the fields discord.py reads: ``app_permissions``, ``entitlements``,
``authorizing_integration_owners``, ``context``, ``attachment_size_limit``, ``locale``/``guild_locale``,
``member`` (guild) or ``user`` (DM), the ``channel`` object, ``version`` and ``token``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.simulator import limits
from bot.simulator.clock import iso8601
from bot.simulator.state import (
    CHANNEL_DM,
    CHANNEL_GROUP_DM,
    CONTEXT_GUILD,
    DM_APP_PERMISSIONS,
    INTERACTION_APPLICATION_COMMAND,
    INTERACTION_AUTOCOMPLETE,
    INTERACTION_MESSAGE_COMPONENT,
    INTERACTION_MODAL_SUBMIT,
    SimChannel,
    SimGuild,
    SimMember,
    SimMessage,
    SimRole,
    SimUser,
)

GUILD_INSTALL = 0
USER_INSTALL = 1


def sf(value: int | None) -> str | None:
    return None if value is None else str(value)


# ------------------------------------------------------------------------------------------ users and members


def user_payload(user: SimUser) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": str(user.id),
        "username": user.username,
        "avatar": user.avatar,
        "discriminator": user.discriminator,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "global_name": user.global_name,
        "avatar_decoration_data": None,
        "collectibles": None,
        "display_name_styles": None,
        "banner_color": None,
        "clan": None,
        "primary_guild": None,
    }
    if user.bot:
        payload["bot"] = True
    return payload


def current_user_payload(user: SimUser) -> dict[str, Any]:
    """``GET /users/@me`` and READY's ``user`` for a bot account."""
    payload = user_payload(user)
    payload.update(
        {
            "mfa_enabled": False,
            "locale": "en-US",
            "premium_type": 0,
            "email": None,
            "verified": True,
            "bio": "",
        }
    )
    return payload


def member_payload(member: SimMember, *, permissions: int | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "user": user_payload(member.user),
        "nick": member.nick,
        "avatar": None,
        "banner": None,
        "roles": [str(r) for r in member.roles],
        "joined_at": iso8601(member.joined_at),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
        "unusual_dm_activity_until": None,
    }
    if permissions is not None:
        payload["permissions"] = str(permissions)
    return payload


def role_payload(role: SimRole) -> dict[str, Any]:
    tags: dict[str, Any] = {}
    if role.bot_id is not None:
        tags["bot_id"] = str(role.bot_id)
    return {
        "id": str(role.id),
        "name": role.name,
        "description": None,
        "color": role.color,
        "colors": {"primary_color": role.color, "secondary_color": None, "tertiary_color": None},
        "hoist": role.hoist,
        "icon": None,
        "unicode_emoji": None,
        "position": role.position,
        "permissions": str(role.permissions),
        "managed": role.managed,
        "mentionable": role.mentionable,
        "flags": 0,
        "tags": tags,
    }


# ------------------------------------------------------------------------------------------------- channels


def channel_payload(channel: SimChannel, *, permissions: int | None = None) -> dict[str, Any]:
    if channel.type in (CHANNEL_DM, CHANNEL_GROUP_DM):
        payload: dict[str, Any] = {
            "id": str(channel.id),
            "type": channel.type,
            "last_message_id": sf(channel.last_message_id),
            "flags": 0,
            "recipients": [user_payload(u) for u in channel.recipients],
        }
        if channel.type == CHANNEL_GROUP_DM:
            payload.update({"name": channel.name, "icon": None, "owner_id": sf(channel.recipients[0].id)})
    else:
        payload = {
            "id": str(channel.id),
            "type": channel.type,
            "guild_id": sf(channel.guild_id),
            "name": channel.name,
            "position": channel.position,
            "permission_overwrites": [],
            "parent_id": sf(channel.parent_id),
            "flags": 0,
        }
        if channel.type == 0:
            payload.update(
                {
                    "topic": channel.topic,
                    "nsfw": channel.nsfw,
                    "rate_limit_per_user": 0,
                    "last_message_id": sf(channel.last_message_id),
                    "icon_emoji": None,
                    "theme_color": None,
                }
            )
        elif channel.type == 2:
            payload.update(
                {
                    "bitrate": 64000,
                    "user_limit": 0,
                    "rtc_region": None,
                    "nsfw": False,
                    "rate_limit_per_user": 0,
                    "last_message_id": None,
                }
            )
    if permissions is not None:
        payload["permissions"] = str(permissions)
    return payload


# --------------------------------------------------------------------------------------------------- guilds


def unavailable_guild(guild: SimGuild) -> dict[str, Any]:
    return {"id": str(guild.id), "unavailable": True}


def guild_create_payload(
    guild: SimGuild, bot_user: SimUser, *, all_members: bool = False, large_threshold: int = 250
) -> dict[str, Any]:
    """GUILD_CREATE as sent after READY. Members: the bot itself, or everyone with GUILD_PRESENCES."""
    members = list(guild.members.values())
    sent = (
        members if all_members and len(members) <= large_threshold else [m for m in members if m.user.id == bot_user.id]
    )
    text = guild.text_channels()
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "icon_hash": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(guild.owner_id),
        "region": "deprecated",
        "afk_channel_id": None,
        "afk_timeout": 300,
        "widget_enabled": False,
        "widget_channel_id": None,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [role_payload(r) for r in guild.roles],
        "emojis": [],
        "stickers": [],
        "features": list(guild.features),
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": sf(text[0].id) if text else None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "max_presences": None,
        "max_members": 500000,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": guild.preferred_locale,
        "nsfw": False,
        "nsfw_level": 0,
        "hub_type": None,
        "incidents_data": None,
        "latest_onboarding_question_id": None,
        "inventory_settings": None,
        "home_header": None,
        "version": 0,
        "lazy": True,
        "large": len(members) > large_threshold,
        "unavailable": False,
        "member_count": len(members),
        "joined_at": iso8601(guild.joined_at),
        "members": [member_payload(m) for m in sent],
        "channels": [channel_payload(c) for c in guild.channels],
        "threads": [],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "embedded_activities": [],
        "activity_instances": [],
    }


def interaction_guild(guild: SimGuild) -> dict[str, Any]:
    """The partial ``guild`` object interactions carry."""
    return {"id": str(guild.id), "locale": guild.preferred_locale, "features": list(guild.features)}


# --------------------------------------------------------------------------------------- application, READY


def application_payload(
    application_id: int, name: str, bot_user: SimUser, owner: SimUser, flags: int
) -> dict[str, Any]:
    """``GET /oauth2/applications/@me`` (and ``/applications/@me``): Discord's private application object.

    As the spec has it: ``flags_new`` (the flags as a decimal string), ``explicit_content_filter`` and
    ``eligible_oauth2_scopes`` always there; ``guild_id``, ``custom_install_url``, ``slug`` and the policy URLs
    only when the application has them (never ``null``).
    """
    return {
        "id": str(application_id),
        "name": name,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "is_monetized": False,
        "is_verified": False,
        "is_discoverable": False,
        "hook": True,
        "storefront_available": False,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": flags,
        "flags_new": str(flags),
        "owner": user_payload(owner),
        "team": None,
        "bot": user_payload(bot_user),
        "rpc_origins": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "event_webhooks_url": None,
        "event_webhooks_status": 1,
        "tags": [],
        "install_params": {"scopes": ["applications.commands", "bot"], "permissions": "0"},
        "integration_types_config": {"0": {}, "1": {}},
        "approximate_guild_count": 1,
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "explicit_content_filter": 0,
        "eligible_oauth2_scopes": ["applications.commands", "bot"],
    }


def ready_payload(
    *,
    bot_user: SimUser,
    application_id: int,
    application_flags: int,
    guilds: Iterable[SimGuild],
    session_id: str,
    resume_gateway_url: str,
    shard: tuple[int, int] | None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "v": 10,
        "user_settings": {},
        "user": current_user_payload(bot_user),
        "guilds": [unavailable_guild(g) for g in guilds],
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": resume_gateway_url,
        "application": {"id": str(application_id), "flags": application_flags},
        "private_channels": [],
        "presences": [],
        "relationships": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": ["local"],
        "auth": {},
        "_trace": ['["discord-simulator",{"micros":0}]'],
    }
    if shard is not None:
        payload["shard"] = list(shard)
    return payload


# ------------------------------------------------------------------------------------------------- messages


def message_payload(message: SimMessage) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": message.type,
        "content": message.content,
        "mentions": [],
        "mention_roles": [],
        "attachments": copy.deepcopy(message.attachments),
        "embeds": copy.deepcopy(message.embeds),
        "timestamp": iso8601(message.created_at),
        "edited_timestamp": None if message.edited_at is None else iso8601(message.edited_at),
        "flags": message.flags,
        "components": copy.deepcopy(message.components),
        "id": str(message.id),
        "channel_id": str(message.channel_id),
        "author": copy.deepcopy(message.author),
        "pinned": False,
        "mention_everyone": False,
        "tts": message.tts,
        "position": 0,
    }
    if message.application_id is not None:
        payload["application_id"] = str(message.application_id)
    if message.webhook_id is not None:
        payload["webhook_id"] = str(message.webhook_id)
    if message.interaction_metadata is not None:
        payload["interaction_metadata"] = copy.deepcopy(message.interaction_metadata)
    if message.interaction is not None:
        payload["interaction"] = copy.deepcopy(message.interaction)
    if message.message_reference is not None:
        payload["message_reference"] = copy.deepcopy(message.message_reference)
    if message.poll is not None:
        payload["poll"] = copy.deepcopy(message.poll)
    return payload


def gateway_message_payload(message: SimMessage) -> dict[str, Any]:
    """A message as MESSAGE_CREATE/MESSAGE_UPDATE carry it (with ``guild_id``)."""
    payload = message_payload(message)
    if message.guild_id is not None:
        payload["guild_id"] = str(message.guild_id)
    return payload


# --------------------------------------------------------------------------------------------- interactions


def authorizing_integration_owners(installs: Iterable[int], *, guild_id: int | None, user_id: int) -> dict[str, str]:
    """Keys are installation types; GUILD_INSTALL maps to the guild id, or "0" in the bot's DM."""
    owners: dict[str, str] = {}
    for install in sorted(set(installs)):
        if install == GUILD_INSTALL:
            owners["0"] = str(guild_id) if guild_id is not None else "0"
        elif install == USER_INSTALL:
            owners["1"] = str(user_id)
    return owners


def base_interaction(
    *,
    interaction_id: int,
    token: str,
    interaction_type: int,
    application_id: int,
    data: Mapping[str, Any] | None,
    user: SimUser,
    context: int,
    installs: Iterable[int],
    guild: SimGuild | None,
    channel: SimChannel,
    member: SimMember | None = None,
    app_permissions: int | None = None,
    locale: str | None = None,
    message: Mapping[str, Any] | None = None,
    attachment_size_limit: int = limits.ATTACHMENT_SIZE,
) -> dict[str, Any]:
    """The fields every interaction carries, for a guild (``guild`` and ``member`` given) or a DM."""
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": interaction_type,
        "token": token,
        "version": 1,
        "locale": locale or user.locale,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "authorizing_integration_owners": authorizing_integration_owners(
            installs, guild_id=guild.id if guild is not None and context == CONTEXT_GUILD else None, user_id=user.id
        ),
        "context": context,
        "attachment_size_limit": attachment_size_limit,
        "channel_id": str(channel.id),
    }
    if data is not None:
        payload["data"] = copy.deepcopy(dict(data))
    if guild is not None:
        if member is None:
            member = guild.members.get(user.id) or SimMember(user=user)
        member_permissions = guild.permissions_of(user.id)
        payload["guild_id"] = str(guild.id)
        payload["guild_locale"] = guild.preferred_locale
        payload["guild"] = interaction_guild(guild)
        payload["member"] = member_payload(member, permissions=member_permissions)
        payload["channel"] = channel_payload(channel, permissions=member_permissions)
        if app_permissions is None:
            app_permissions = DM_APP_PERMISSIONS
    else:
        payload["user"] = user_payload(user)
        payload["channel"] = channel_payload(channel)
        if app_permissions is None:
            app_permissions = DM_APP_PERMISSIONS
    payload["app_permissions"] = str(app_permissions)
    if message is not None:
        payload["message"] = copy.deepcopy(dict(message))
    return payload


def command_data(
    *,
    command: Mapping[str, Any],
    options: Sequence[Mapping[str, Any]] | None,
    resolved: Mapping[str, Any] | None = None,
    target_id: int | None = None,
) -> dict[str, Any]:
    """``data`` of an APPLICATION_COMMAND / AUTOCOMPLETE interaction for a synced command object."""
    data: dict[str, Any] = {"id": command["id"], "name": command["name"], "type": command.get("type", 1)}
    if options:
        data["options"] = [dict(o) for o in options]
    if resolved:
        data["resolved"] = dict(resolved)
    if command.get("guild_id") is not None:
        data["guild_id"] = command["guild_id"]
    if target_id is not None:
        data["target_id"] = str(target_id)
    return data


def application_command_interaction(**kwargs: Any) -> dict[str, Any]:
    """A slash command (or context menu) interaction; see :func:`base_interaction` for the arguments."""
    return base_interaction(interaction_type=INTERACTION_APPLICATION_COMMAND, **kwargs)


def autocomplete_interaction(**kwargs: Any) -> dict[str, Any]:
    """An autocomplete interaction; ``data.options`` must mark one option ``focused``."""
    return base_interaction(interaction_type=INTERACTION_AUTOCOMPLETE, **kwargs)


def component_data(component: Mapping[str, Any], values: Sequence[str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"custom_id": component["custom_id"], "component_type": component["type"]}
    if component.get("id") is not None:
        data["id"] = component["id"]
    if values is not None:
        data["values"] = list(values)
    return data


def component_interaction(**kwargs: Any) -> dict[str, Any]:
    """A button/select interaction; pass ``message`` (the message holding the component) and its ``data``."""
    return base_interaction(interaction_type=INTERACTION_MESSAGE_COMPONENT, **kwargs)


def modal_submit_data(modal: Mapping[str, Any], values: Mapping[str, str | Sequence[str]]) -> dict[str, Any]:
    """``data`` of a MODAL_SUBMIT for the modal the bot sent, filled with ``values`` by custom_id."""

    def answer(component: Mapping[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "type": component["type"],
            "id": component.get("id"),
            "custom_id": component.get("custom_id"),
        }
        value = values.get(str(component.get("custom_id")), component.get("value") or "")
        if component["type"] == 4:
            answer["value"] = value if isinstance(value, str) else ",".join(value)
        else:
            answer["values"] = [value] if isinstance(value, str) else list(value)
        return answer

    components: list[dict[str, Any]] = []
    for top in modal.get("components") or []:
        if top.get("type") == 1:
            components.append(
                {"type": 1, "id": top.get("id"), "components": [answer(c) for c in top.get("components") or []]}
            )
        elif top.get("type") == 18 and isinstance(top.get("component"), Mapping):
            components.append({"type": 18, "id": top.get("id"), "component": answer(top["component"])})
        elif top.get("type") == 10:
            components.append({"type": 10, "id": top.get("id")})
    return {"custom_id": modal["custom_id"], "components": components}


def modal_submit_interaction(**kwargs: Any) -> dict[str, Any]:
    return base_interaction(interaction_type=INTERACTION_MODAL_SUBMIT, **kwargs)
