"""Questions by message: a DM to the bot, or (with ANSWER_MENTIONS) a message that mentions it, is answered
as `/search` would answer its text.

Discord delivers the content of DMs and of messages that mention the bot without the privileged
message-content intent, so none is asked for. The direct-messages intent brings only DMs; the guild-messages
intent brings every message of every channel the bot can see, which is why answering mentions is a setting,
off by default (see `bot.app.client`). Replies ping no one, count against the same per-user cooldown as the
commands, and messages from bots (this one included) are never answered.
"""

from __future__ import annotations

import logging
import re
from typing import Final

import discord
from discord.ext import commands

from bot.app.client import ReferenceBot
from bot.app.replies import message_kwargs
from bot.app.tree import UserCooldowns
from bot.render import Viewer
from bot.search import index_of
from cogs.search import search_answer

log = logging.getLogger(__name__)

# The part of a question that is the bot's own mention, wherever it stands in the message.
_MENTION: Final = r"<@!?{id}>"


def question_of(message: discord.Message, me: discord.abc.User | None, *, mentions: bool, dms: bool) -> str | None:
    """The question `message` asks the bot, or None when the bot should stay silent.

    Silent for bots (itself included), for server messages unless `mentions` is on and the bot is mentioned,
    and for DMs unless `dms` is on. The bot's mention is taken out of the question.
    """
    if me is None or message.author.bot or message.author.id == me.id:
        return None
    if message.guild is None:
        if not dms:
            return None
    elif not (mentions and any(user.id == me.id for user in message.mentions)):
        return None
    return re.sub(_MENTION.format(id=me.id), " ", message.content).strip()


class Ask(commands.Cog):
    def __init__(self, bot: ReferenceBot) -> None:
        self.bot = bot
        settings = bot.settings
        tree_cooldowns = getattr(bot.tree, "cooldowns", None)
        # The commands' own buckets, so a member cannot double their rate by switching to messages.
        self.cooldowns: UserCooldowns = (
            tree_cooldowns
            if isinstance(tree_cooldowns, UserCooldowns)
            else UserCooldowns(settings.cooldown_rate, settings.cooldown_seconds)
        )

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        settings = self.bot.settings
        question = question_of(message, self.bot.user, mentions=settings.answer_mentions, dms=settings.answer_dms)
        if question is None:
            return
        if self.cooldowns.hit(message.author.id) is not None:
            # Answering "slow down" to every message would be the very flood the limit is there to stop.
            log.info("message from %s not answered: over the cooldown", message.author.id)
            return
        answer = search_answer(index_of(self.bot.library), question, Viewer(message.author.id))
        try:
            await message.reply(mention_author=False, **message_kwargs(answer))
        except discord.HTTPException:
            log.exception("could not answer message %s in channel %s", message.id, message.channel.id)


async def setup(bot: ReferenceBot) -> None:
    await bot.add_cog(Ask(bot))
