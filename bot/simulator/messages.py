"""People posting messages the bot may read: MESSAGE_CREATE as Discord delivers it.

`DiscordSimulator.send_user_message` blanks the content of every message for a session without the
privileged message-content intent. Discord is more precise, and this builder follows it: content (with its
embeds, attachments and components) still arrives in a DM with the app, in a message that mentions the app,
and in the app's own messages; and a message's `mentions` list the users it mentions (`<@id>` / `<@!id>`),
which is how a client tells it was mentioned.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from bot.simulator import payloads
from bot.simulator.gateway import INTENT_MESSAGE_CONTENT
from bot.simulator.state import SimChannel, SimMember, SimMessage, SimUser

if TYPE_CHECKING:
    from bot.simulator.server import DiscordSimulator

USER_MENTION: Final = re.compile(r"<@!?([0-9]{1,20})>")


async def post_message(
    sim: DiscordSimulator, content: str, *, user: SimUser | None = None, channel: SimChannel | None = None
) -> SimMessage:
    """`user` posts `content` in `channel` (default: the default guild's channel; a DM from `sim.dm_channel`).

    The bot's session gets MESSAGE_CREATE when its intents ask for the channel's messages (guild messages or
    direct messages), with the content only where Discord would deliver it.
    """
    user = user or sim.default_user
    channel = channel or sim.default_channel
    message = SimMessage(
        id=sim.snowflakes.make(),
        channel_id=channel.id,
        guild_id=channel.guild_id,
        author=payloads.user_payload(user),
        created_at=sim.clock.utcnow(),
        content=content,
        _notifier=sim.notifier,
    )
    sim.messages[message.id] = message
    # The simulator's own rule for which session gets a channel's messages: this module is part of it.
    session = sim._message_session(channel.guild_id, channel.id)  # noqa: SLF001
    if session is not None:
        data = payloads.gateway_message_payload(message)
        mentioned = [sim.users[int(i)] for i in dict.fromkeys(USER_MENTION.findall(content)) if int(i) in sim.users]
        data["mentions"] = [payloads.user_payload(u) for u in mentioned]
        exempt = channel.guild_id is None or sim.bot_user in mentioned or user.id == sim.bot_user.id
        if not session.intents & INTENT_MESSAGE_CONTENT and not exempt:
            data.update({"content": "", "embeds": [], "attachments": [], "components": []})
        if channel.guild_id is not None:
            guild = sim.guilds[channel.guild_id]
            member = guild.members.get(user.id) or SimMember(user)
            data["member"] = {k: v for k, v in payloads.member_payload(member).items() if k != "user"}
        await session.dispatch("MESSAGE_CREATE", data)
    sim.notifier.notify()
    return message
