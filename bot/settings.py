"""Typed settings from the environment and an optional `.env` file.

Every variable is parsed and checked at start-up; a bad value stops the bot with the variable's name and what
was expected. The token is wrapped so that no repr, log line or traceback can show it.
"""

from __future__ import annotations

import ipaddress
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

# The shipped pack sits next to the package, whatever the working directory is.
SHIPPED_CONTENT_DIR: Final = Path(__file__).resolve().parent.parent / "content"
DISCORD_API_BASE: Final = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL: Final = "wss://gateway.discord.gg/"
LOG_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS: Final = ("text", "json")

T = TypeVar("T")


class Secret:
    """A value that never shows itself: not in repr, str, f-strings or logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class SettingsError(Exception):
    """One or more environment variables are not usable; the message names each and what it expects."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid configuration:\n" + "\n".join(f"  {p}" for p in problems))


@dataclass(frozen=True, slots=True)
class Settings:
    discord_token: Secret | None = None
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    log_format: str = "text"
    content_dir: Path = SHIPPED_CONTENT_DIR
    data_dir: Path = field(default_factory=lambda: Path("data"))
    discord_api_base: str = DISCORD_API_BASE
    discord_gateway_url: str = DISCORD_GATEWAY_URL
    cooldown_rate: int = 10
    cooldown_seconds: float = 30.0
    owner_ids: frozenset[int] = frozenset()
    watch_content: bool = False
    health_host: str = "127.0.0.1"
    health_port: int | None = None
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    playground_host: str = "127.0.0.1"
    playground_port: int = 8765
    require_token: bool = False
    # Questions by message (cogs/ask.py): DMs cost nothing extra; mentions need every server message delivered.
    answer_dms: bool = True
    answer_mentions: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, env_file: Path | str | None = ".env") -> Settings:
        """Read settings from `environ` (default: the process environment) over the values in `env_file`."""
        values: dict[str, str] = {}
        if env_file is not None and Path(env_file).is_file():
            values.update(read_env_file(Path(env_file)))
        values.update(os.environ if environ is None else environ)
        return cls.from_mapping(values)

    @classmethod
    def from_mapping(cls, values: Mapping[str, str]) -> Settings:
        problems: list[str] = []

        def get(name: str, parse: Callable[[str], T], expected: str) -> T | None:
            raw = values.get(name, "").strip()
            if not raw:
                return None
            try:
                return parse(raw)
            except (ValueError, TypeError):
                # Echoing a rejected token would leak it; other values are safe to show.
                shown = "" if name == "DISCORD_TOKEN" else f", got {raw!r}"
                problems.append(f"{name}: expected {expected}{shown}")
                return None

        kwargs: dict[str, Any] = {
            "discord_token": get("DISCORD_TOKEN", _token, "a bot token (one line, no spaces)"),
            "dev_guild_id": get("DEV_GUILD_ID", _snowflake, "a server id (a positive whole number)"),
            "log_level": get("LOG_LEVEL", _log_level, "one of " + ", ".join(LOG_LEVELS)),
            "log_format": get("LOG_FORMAT", _log_format, "one of " + ", ".join(LOG_FORMATS)),
            "content_dir": get("CONTENT_DIR", _directory, "a folder that exists"),
            "data_dir": get("DATA_DIR", Path, "a folder path"),
            "discord_api_base": get("DISCORD_API_BASE", api_base_url, "an http(s) URL such as " + DISCORD_API_BASE),
            "discord_gateway_url": get(
                "DISCORD_GATEWAY_URL", gateway_url, "a ws(s) URL such as " + DISCORD_GATEWAY_URL
            ),
            "cooldown_rate": get("COOLDOWN_RATE", _positive_int, "a whole number of commands, at least 1"),
            "cooldown_seconds": get("COOLDOWN_SECONDS", _positive_float, "a finite number of seconds above 0"),
            "owner_ids": get("OWNER_IDS", _snowflakes, "user ids separated by commas"),
            "watch_content": get("WATCH_CONTENT", _flag, "true or false"),
            "health_host": get("HEALTH_HOST", _host, "a host name or IP address to bind"),
            "health_port": get("HEALTH_PORT", tcp_port, "a TCP port from 1 to 65535"),
            "shard_count": get("SHARD_COUNT", _positive_int, "the total number of shards, at least 1"),
            "shard_ids": get("SHARD_IDS", _shard_ids, "shard numbers separated by commas, such as 0,1"),
            "playground_host": get("PLAYGROUND_HOST", _host, "a host name or IP address to bind"),
            "playground_port": get("PLAYGROUND_PORT", tcp_port, "a TCP port from 1 to 65535"),
            "require_token": get("REQUIRE_TOKEN", _flag, "true or false"),
            "answer_dms": get("ANSWER_DMS", _flag, "true or false"),
            "answer_mentions": get("ANSWER_MENTIONS", _flag, "true or false"),
        }
        shard_ids, shard_count = kwargs["shard_ids"], kwargs["shard_count"]
        if shard_ids is not None and shard_count is None:
            problems.append("SHARD_IDS: needs SHARD_COUNT, the total number of shards across every process")
        elif shard_ids is not None and shard_count is not None and max(shard_ids) >= shard_count:
            problems.append(f"SHARD_IDS: every shard number must be below SHARD_COUNT ({shard_count})")
        if problems:
            raise SettingsError(problems)
        return cls(**{k: v for k, v in kwargs.items() if v is not None})

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{f.name}={'<set>' if f.name == 'discord_token' and self.discord_token else getattr(self, f.name)!r}"
            for f in fields(self)
        )
        return f"Settings({shown})"


def read_env_file(path: Path) -> dict[str, str]:
    """`KEY=value` lines; `#` comments, `export`, and single or double quotes around a value are allowed."""
    out: dict[str, str] = {}
    # utf-8-sig: editors on Windows save a byte-order mark, which would otherwise glue itself to the first key.
    for raw in path.read_text(encoding="utf-8-sig").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        out[key.strip()] = value
    return out


def _token(raw: str) -> Secret:
    if any(c.isspace() for c in raw):
        raise ValueError
    return Secret(raw)


def _snowflake(raw: str) -> int:
    value = int(raw)
    if not 0 < value < 2**64:
        raise ValueError
    return value


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in LOG_LEVELS:
        raise ValueError
    return level


def _log_format(raw: str) -> str:
    value = raw.lower()
    if value not in LOG_FORMATS:
        raise ValueError
    return value


def _directory(raw: str) -> Path:
    path = Path(raw).expanduser()
    if not path.is_dir():
        raise ValueError
    return path.resolve()


def api_base_url(raw: str) -> str:
    """A REST base URL discord.py can prefix every route with: absolute http(s), no query, no trailing slash."""
    url = urlsplit(raw)
    if url.scheme not in ("http", "https") or not url.hostname or url.query or url.fragment or " " in raw:
        raise ValueError(f"expected an absolute http(s) URL with no query, got {raw!r}")
    # Route paths start with '/', so the base must not end with one.
    return raw.rstrip("/")


def gateway_url(raw: str) -> str:
    """A gateway URL: absolute ws(s), with no query (discord.py replaces it with its own)."""
    url = urlsplit(raw)
    if url.scheme not in ("ws", "wss") or not url.hostname or url.query or " " in raw:
        raise ValueError(f"expected an absolute ws(s) URL with no query, got {raw!r}")
    return raw


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError
    return value


def _snowflakes(raw: str) -> frozenset[int]:
    return frozenset(_snowflake(part) for part in raw.split(",") if part.strip())


def _shard_ids(raw: str) -> tuple[int, ...]:
    ids = tuple(sorted({int(part) for part in raw.split(",") if part.strip()}))
    if not ids or ids[0] < 0:
        raise ValueError
    return ids


def _flag(raw: str) -> bool:
    value = raw.lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError


def _host(raw: str) -> str:
    if any(c.isspace() for c in raw) or "/" in raw:
        raise ValueError
    return raw


def tcp_port(raw: str) -> int:
    """A TCP port from 1 to 65535."""
    value = int(raw)
    if not 0 < value < 65536:
        raise ValueError
    return value


def _positive_float(raw: str) -> float:
    value = float(raw)
    # float() also reads "inf" and "nan": a cooldown of forever would leave the limited command unanswered.
    if not (value > 0 and math.isfinite(value)):
        raise ValueError
    return value


def is_loopback(host: str) -> bool:
    """Whether binding `host` keeps a server on this machine (a host name other than localhost may be anything)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
