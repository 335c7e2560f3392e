"""Command line: `python -m bot [run | check | sync | playground]`.

The only place logging is configured and the only place that turns errors into exit codes.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import sys
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any

from .content import ContentError, load_library
from .content.report import report
from .ops.logs import configure_logging
from .settings import Settings, SettingsError

log = logging.getLogger("bot")

NO_TOKEN = """\
DISCORD_TOKEN is not set, so there is no Discord bot to log in as.
  1. Create an application and a bot token: see "Getting a Discord token" in README.md.
  2. Copy .env.example to .env and put the token after DISCORD_TOKEN=.
  3. Run `make run` again.
"""


def _out(text: str = "", *, err: bool = False) -> None:
    (sys.stderr if err else sys.stdout).write(text + "\n")


def _settings() -> Settings:
    return Settings.from_env()


def cmd_check(args: argparse.Namespace) -> int:
    content_dir = Path(args.content_dir) if args.content_dir else _settings().content_dir
    try:
        library = load_library(content_dir)
    except ContentError as exc:
        _out(f"{content_dir}: {exc}", err=True)
        return 1
    result = report(library)
    _out(f"{library.pack.title} {library.pack.version} ({content_dir})")
    for line in result.lines():
        _out(f"  {line}")
    if not result.complete:
        _out("incomplete: every block and paragraph of the source must be quoted", err=True)
        return 1
    _out("ok")
    return 0


async def _serve(settings: Settings) -> None:
    from .app.client import create_bot
    from .ops.lifecycle import run_until_stopped

    assert settings.discord_token is not None
    bot = create_bot(settings)
    # Stopped by SIGTERM/SIGINT (systemd, Docker, Ctrl-C) within their grace period, whatever the gateway does.
    await run_until_stopped(bot, settings.discord_token.get())
    log.info("stopped")


def _run_async(settings: Settings, main: Coroutine[Any, Any, object]) -> int:
    """Run `main`; a start-up failure that an operator can fix is one line naming what to check, exit 1."""
    from .ops.lifecycle import StartupError, check_data_dir, explain

    try:
        # Before anything reaches Discord: a sync whose hash cannot be stored would be pushed at every restart.
        check_data_dir(settings.data_dir)
        asyncio.run(main)
    except StartupError as exc:
        _out(f"cannot start: {exc}", err=True)
        return 1
    except Exception as exc:
        message = explain(exc, settings)
        if message is None:
            raise
        _out(f"cannot start: {message}", err=True)
        return 1
    finally:
        main.close()
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings()
    configure_logging(settings.log_level, settings.log_format)
    if settings.discord_token is None:
        if settings.require_token:
            # A production unit without its token must fail loudly, not quietly serve a local sandbox.
            _out(NO_TOKEN, err=True)
            return 1
        return _playground(settings, token_missing=True)
    return _run_async(settings, _serve(settings))


def cmd_playground(args: argparse.Namespace) -> int:
    settings = _settings()
    if args.host is not None:
        settings = dataclasses.replace(settings, playground_host=args.host)
    if args.port is not None:
        settings = dataclasses.replace(settings, playground_port=args.port)
    configure_logging(settings.log_level, settings.log_format)
    return _playground(settings, token_missing=settings.discord_token is None)


def _playground(settings: Settings, *, token_missing: bool) -> int:
    from .playground import run_playground

    if settings.log_level != "DEBUG":
        # The simulator logs every request and interaction; in the playground the page already shows them.
        logging.getLogger("bot.simulator").setLevel(logging.WARNING)
    return asyncio.run(run_playground(settings, token_missing=token_missing))


async def _sync(settings: Settings, guild_id: int | None, everywhere: bool) -> int:
    import discord

    from .app.client import create_bot
    from .app.endpoints import use_endpoints
    from .app.sync import SyncState, sync_commands

    assert settings.discord_token is not None
    # A one-off beside the running service, which may hold the health port and watch the pack already.
    settings = dataclasses.replace(settings, health_port=None, watch_content=False)
    bot = create_bot(settings)
    # start() points discord.py at DISCORD_API_BASE; a sync only logs in, so it must do the same itself.
    use_endpoints(settings.discord_api_base, settings.discord_gateway_url)
    try:
        # login() runs setup_hook, which loads every extension, so the tree is complete before syncing.
        await bot.login(settings.discord_token.get())
        guild = None if everywhere else discord.Object(guild_id or settings.dev_guild_id or 0)
        if guild is not None:
            bot.tree.copy_global_to(guild=guild)
        await sync_commands(bot.tree, SyncState(settings.data_dir), guild, force=True)
    finally:
        await bot.close()
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    settings = _settings()
    configure_logging(settings.log_level, settings.log_format)
    if settings.discord_token is None:
        _out(NO_TOKEN, err=True)
        return 1
    if not args.everywhere and args.guild is None and settings.dev_guild_id is None:
        _out("sync: give --guild ID or --global (or set DEV_GUILD_ID)", err=True)
        return 2
    return _run_async(settings, _sync(settings, args.guild, args.everywhere))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the default)").set_defaults(func=cmd_run)
    check = sub.add_parser("check", help="validate the content pack and report its coverage")
    check.add_argument("--content-dir", help="the pack to check (default: CONTENT_DIR)")
    check.set_defaults(func=cmd_check)
    sync = sub.add_parser("sync", help="register the slash commands with Discord")
    where = sync.add_mutually_exclusive_group()
    where.add_argument("--guild", type=int, metavar="ID", help="one server: instant (default: DEV_GUILD_ID)")
    where.add_argument("--global", dest="everywhere", action="store_true", help="every server: up to an hour")
    sync.set_defaults(func=cmd_sync)
    playground = sub.add_parser(
        "playground", help="use the bot in a simulated Discord in your browser (no token, nothing leaves this machine)"
    )
    playground.add_argument("--host", help="the address to serve the page on (default: PLAYGROUND_HOST, 127.0.0.1)")
    playground.add_argument("--port", type=_port, help="the port (default: PLAYGROUND_PORT, 8765)")
    playground.set_defaults(func=cmd_playground)
    return parser


def _port(raw: str) -> int:
    value = int(raw)
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError("a TCP port from 1 to 65535")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func = getattr(args, "func", cmd_run)
    try:
        return func(args)
    except SettingsError as exc:
        _out(str(exc), err=True)
        return 1
    except ContentError as exc:
        _out(str(exc), err=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
