"""Logging, configured once at the entry point: levelled lines as text, or JSON for log collectors."""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Final

import aiohttp
import discord

# An interaction's token is a credential for 15 minutes: whoever has it can answer, edit or delete as the bot.
# discord.py's DEBUG lines carry it in every callback and webhook URL, and the gateway's in INTERACTION_CREATE.
_TOKEN_IN_URL: Final = re.compile(r"(/(?:interactions|webhooks)/\d+/)[^/?#\s'\"]+")
_TOKEN_IN_PAYLOAD: Final = re.compile(r"""(['"]token['"]\s*:\s*['"])[^'"]+""")
REDACTED: Final = "<redacted>"
# Loggers whose records can carry an interaction token (discord.py logs on its module names).
TOKEN_LOGGERS: Final = ("discord.http", "discord.webhook.async_", "discord.gateway", "discord.state")
# Failures discord.py retries by itself (a lost or refused connection): worth a line, not a traceback.
_RETRIED: Final = (OSError, TimeoutError, aiohttp.ClientError, discord.ConnectionClosed, discord.GatewayNotFound)
RETRY_LOGGERS: Final = ("discord.client", "discord.shard", "discord.gateway")
# discord.py warns at every start that voice needs PyNaCl and davey; this bot never joins a voice channel.
_VOICE_WARNING: Final = "voice will NOT be supported"


def redact(text: str) -> str:
    """`text` with every interaction token replaced by REDACTED."""
    return _TOKEN_IN_PAYLOAD.sub(r"\1" + REDACTED, _TOKEN_IN_URL.sub(r"\1" + REDACTED, text))


class RedactInteractionTokens(logging.Filter):
    """Rewrites a record whose message carries an interaction token (callback or webhook URL, raw payload)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class OneLineRetries(logging.Filter):
    """A connection failure that discord.py retries becomes one WARNING line instead of an ERROR traceback.

    During a Discord outage discord.py logs one traceback per attempt (every few seconds); the exception's own
    one-line description says all an operator can act on.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, _RETRIED):
            detail = str(exc) or type(exc).__name__
            record.msg, record.args = f"{record.getMessage()} ({type(exc).__name__}: {detail})", None
            record.exc_info, record.exc_text = None, None
            if record.levelno > logging.WARNING:
                record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class DropVoiceWarnings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return _VOICE_WARNING not in str(record.msg)


def install_filters() -> None:
    """Attach the filters to discord.py's loggers (idempotent): they act before any handler, tests' included."""
    for name, kind in (
        *((n, RedactInteractionTokens) for n in TOKEN_LOGGERS),
        *((n, OneLineRetries) for n in RETRY_LOGGERS),
        ("discord.client", DropVoiceWarnings),
    ):
        logger = logging.getLogger(name)
        if not any(type(f) is kind for f in logger.filters):
            logger.addFilter(kind())


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors (journald, Docker, Loki) that index fields."""

    # The "Z" written after the time is only true if the clock it reads is UTC.
    converter = staticmethod(time.gmtime)

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str, log_format: str = "text") -> None:
    """Configure the root logger once, at the entry point: levelled lines as text or as JSON."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)-8s %(name)s: %(message)s", datefmt="%Y-%m-%d %H:%M:%S")
        )
    # A no-op when the root logger already has handlers (a test runner's): configured once, by the entry point.
    logging.basicConfig(level=level, handlers=[handler])
    install_filters()
    # discord.py's own INFO lines are useful; its DEBUG gateway chatter drowns everything else.
    if level == "DEBUG":
        logging.getLogger("discord.gateway").setLevel(logging.INFO)
