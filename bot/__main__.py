"""Command line: `python -m bot [run | check | sync | playground | new-pack]`.

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

from .content import ContentError, Library, heap, load_library
from .content.report import report
from .ops.logs import configure_logging
from .settings import Settings, SettingsError, tcp_port

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
    if args.source is not None or args.fix_citations:
        code = _check_drift(content_dir, args.source, fix=args.fix_citations)
        if code is not None:
            return code
    try:
        library = load_library(content_dir)
    except ContentError as exc:
        _out(f"{content_dir}: {exc}", err=True)
        # After an edit of the document, say which quotes moved or changed, not only that they broke.
        _check_drift(content_dir, None, fix=False, quiet=True)
        return 1
    try:
        # The whole command set as the bot would register it: what Discord would refuse fails here, not at start.
        commands = asyncio.run(_check_commands(content_dir, library))
    except ContentError as exc:
        _out(f"{content_dir}: {exc}", err=True)
        return 1
    result = report(library)
    _out(f"{library.pack.title} {library.pack.version} ({content_dir}): {commands} slash commands in all")
    for line in result.lines():
        _out(f"  {line}")
    if not result.complete:
        _out("incomplete: every block and paragraph of the source must be quoted", err=True)
        return 1
    _out("ok")
    return 0


async def _check_commands(content_dir: Path, library: Library) -> int:
    from .app.client import check_commands

    return await check_commands(Settings(content_dir=content_dir), library)


def cmd_new_pack(args: argparse.Namespace) -> int:
    from .content.generate import GenerateError, generate_pack

    out = Path(args.out)
    try:
        made = generate_pack(Path(args.source), out, force=args.force, fmt=args.format, title=args.title)
    except GenerateError as exc:
        _out(f"new-pack: {exc}", err=True)
        return 1
    r = made.report
    _out(f"wrote {out} from {args.source} ({made.format})")
    _out(f"  {r.topics} topics ({r.commands} slash commands), {r.points} points, {r.events} timeline events")
    _out(f"  paragraphs: {r.paragraphs_covered}/{r.paragraphs} quoted")
    _out(f"  the document's copy: {out / made.library.pack.source_file}")
    for note in made.notes:
        _out(f"  note: {note}")
    _out(f"next:\n  python -m bot check --content-dir {out}\n  CONTENT_DIR={out} make run")
    return 0


def _check_drift(content_dir: Path, source: str | None, *, fix: bool, quiet: bool = False) -> int | None:
    """The drift report of the pack against `source` (default: its own source file); with `fix`, the moved
    citations rewritten (and `source` copied over the pack's source file), then None so the full check runs."""
    from .content.drift import drift, fix_citations, source_file_of
    from .content.yamlfile import YamlSyntaxError

    try:
        text = Path(source).read_text(encoding="utf-8") if source is not None else None
        result = drift(content_dir, text, source)
    except (OSError, UnicodeDecodeError, YamlSyntaxError) as exc:
        if not quiet:
            _out(f"check: cannot compare the pack with {source or 'its source'}: {exc}", err=True)
        return None if quiet else 1
    if quiet and (result.clean or not (result.moved or result.changed or result.elsewhere)):
        return None
    for line in result.lines():
        _out(line)
    if not fix:
        return None if quiet else (0 if result.clean else 1)
    if source is not None and text is not None:
        target = content_dir / source_file_of(content_dir)
        target.write_text(text, encoding="utf-8")
        _out(f"copied {source} over {target}")
    changed = fix_citations(content_dir, result)
    _out(f"rewrote {len(result.moved)} citation(s)" + (f" in {', '.join(changed)}" if changed else ""))
    return None


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
    # Until READY (the bot then calls `heap.settle`): discord.py's imports, the extensions and the library are
    # made for good, and collecting while they are made would only scan them again and again.
    heap.pause_collection()
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
    token = settings.discord_token.get()
    target = None if everywhere else discord.Object(guild_id or settings.dev_guild_id or 0)
    # A one-off beside the running service, which may hold the health port and watch the pack already; and
    # without the dev guild, whose start-up sync would otherwise send that guild's commands a second time.
    settings = dataclasses.replace(settings, health_port=None, watch_content=False, dev_guild_id=None)
    bot = create_bot(settings)
    # start() points discord.py at DISCORD_API_BASE; a sync only logs in, so it must do the same itself.
    use_endpoints(settings.discord_api_base, settings.discord_gateway_url)
    try:
        # login() runs setup_hook, which loads every extension, so the tree is complete before syncing.
        await bot.login(token)
        if target is not None:
            bot.tree.copy_global_to(guild=target)
        await sync_commands(bot.tree, SyncState(settings.data_dir), target, force=True)
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
    check.add_argument(
        "--source",
        metavar="NEW",
        help="compare the pack with a new version of its document: which quotes moved or changed",
    )
    check.add_argument(
        "--fix-citations",
        action="store_true",
        help="rewrite the citations of quotes that only moved (with --source: NEW becomes the pack's source)",
    )
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
    new_pack = sub.add_parser("new-pack", help="make a content pack from a document (text, Markdown, reStructuredText)")
    new_pack.add_argument("source", metavar="SOURCE", help="the document")
    new_pack.add_argument("--out", required=True, metavar="DIR", help="the folder to write the pack into")
    new_pack.add_argument("--force", action="store_true", help="write into DIR even if it is not empty")
    new_pack.add_argument(
        "--format", choices=("text", "markdown", "rst"), help="how to read SOURCE (default: by extension)"
    )
    new_pack.add_argument("--title", help="the pack's title (default: the document's first heading or file name)")
    new_pack.set_defaults(func=cmd_new_pack)
    return parser


def _port(raw: str) -> int:
    try:
        return tcp_port(raw)
    except ValueError:
        raise argparse.ArgumentTypeError("a TCP port from 1 to 65535") from None


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
