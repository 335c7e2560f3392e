"""The bot: a `commands.AutoShardedBot` subclass that receives its settings and content library, and the factory
that builds it.

Sharded always: with SHARD_COUNT/SHARD_IDS unset, discord.py asks Discord how many shards to run and runs them
all in this process; with them set, this process runs its share and others run the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import importlib
import logging
import pkgutil
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

import discord
from discord.ext import commands

from ..content import ContentError, Library, heap, load_library
from ..ops.instrumentation import PackInfo, ShardStatus, finite
from ..ops.reload import ContentReloader, ReloadResult, watch_content
from ..search import index_of
from ..settings import Settings
from . import navigation
from .commandset import BuiltCommand, CommandBuilder, install, plan_commands
from .endpoints import use_endpoints
from .sync import CommandIds, SyncState, payload_hash, sync_commands
from .tree import ERROR_KINDS, ReferenceTree

if TYPE_CHECKING:
    from ..ops.health import HealthServer
    from ..ops.metrics import BotMetrics
    from ..search import SearchIndex

log = logging.getLogger(__name__)

# The longest start-up may run with garbage collection paused, READY or not (see `_end_start_up_pause`).
START_UP_PAUSE: Final = 60.0


def discover_extensions() -> tuple[str, ...]:
    """Every module in the `cogs` package, in name order: adding a file there adds a feature."""
    package = importlib.import_module("cogs")
    return tuple(
        f"{package.__name__}.{info.name}"
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name)
        if not info.name.startswith("_")
    )


class ReferenceBot(commands.AutoShardedBot):
    """Answers slash commands from one content library; the library and its commands are swapped whole on reload."""

    def __init__(
        self,
        settings: Settings,
        library: Library,
        *,
        extensions: Sequence[str] | None = None,
        **options: Any,
    ) -> None:
        intents = discord.Intents.none()
        # GUILD_CREATE is all the bot needs of the gateway; no privileged intent, no message content.
        intents.guilds = True
        # Questions by message (cogs/ask.py). Discord sends the content of DMs and of messages that mention
        # the bot without the message-content intent; but the guild-messages intent sends every message of
        # every channel the bot can see, so it is asked for only when mentions are to be answered.
        intents.dm_messages = settings.answer_dms
        intents.guild_messages = settings.answer_mentions
        self.metrics: BotMetrics | None = None
        if settings.shard_ids is not None:
            options["shard_ids"] = list(settings.shard_ids)
        if settings.health_port is not None:
            # Only when they can be read: tracing every HTTP request has a cost (see bot/ops/instrumentation.py).
            from ..ops.metrics import BotMetrics

            self.metrics = BotMetrics(
                shards=self.shard_statuses,
                pack=self._pack_info,
                guilds=lambda: len(self.guilds),
                error_kinds=ERROR_KINDS,
            )
            # Sees every interaction callback, so response latency is measured without touching any handler.
            options.setdefault("http_trace", self.metrics.http_trace())
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents,
            tree_cls=ReferenceTree,
            # The one place mentions are turned off: discord.py applies it to every send, edit and followup.
            allowed_mentions=discord.AllowedMentions.none(),
            allowed_installs=discord.app_commands.AppInstallationType(guild=True, user=True),
            allowed_contexts=discord.app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True),
            shard_count=settings.shard_count,
            **options,
        )
        self.settings = settings
        self._library = library
        # What the last sync in each scope answered, so replies can mention commands clickably.
        self.command_ids = CommandIds(settings.data_dir)
        self._builders: list[CommandBuilder] = []
        self._content_commands: tuple[BuiltCommand, ...] = ()
        self.reloader = ContentReloader(settings.content_dir, self.apply_library, self._reloaded)
        self._extensions = tuple(extensions) if extensions is not None else discover_extensions()
        self._watcher: asyncio.Task[None] | None = None
        self._warm_up: asyncio.Task[None] | None = None
        self._settle: asyncio.Task[None] | None = None
        self.health: HealthServer | None = None
        self.navigation_items: set[type[navigation.Navigation]] = set()

    def add_dynamic_items(self, *items: type[discord.ui.DynamicItem[Any]]) -> None:
        super().add_dynamic_items(*items)
        self.navigation_items.update(i for i in items if issubclass(i, navigation.Navigation))

    def remove_dynamic_items(self, *items: type[discord.ui.DynamicItem[Any]]) -> None:
        super().remove_dynamic_items(*items)
        self.navigation_items.difference_update(items)

    @property
    def library(self) -> Library:
        return self._library

    @property
    def search(self) -> SearchIndex:
        """The search index of the library served now, built with it (`bot.search.index_of`)."""
        return index_of(self._library)

    def add_command_builder(self, builder: CommandBuilder) -> None:
        """Derive slash commands from the content with `builder`, now and on every reload.

        Raises `ContentError` (and registers nothing) when the commands would not be accepted by Discord.
        """
        builders = [*self._builders, builder]
        planned = plan_commands(builders, self._library, self.tree, self._content_commands)
        install(self.tree, self._content_commands, planned)
        self._builders, self._content_commands = builders, planned

    def remove_command_builder(self, builder: CommandBuilder) -> None:
        builders = [b for b in self._builders if b is not builder]
        planned = plan_commands(builders, self._library, self.tree, self._content_commands)
        install(self.tree, self._content_commands, planned)
        self._builders, self._content_commands = builders, planned

    async def apply_library(self, library: Library) -> bool:
        """Serve `library` with its commands, all or nothing; return whether the slash commands changed.

        Everything is built and checked first (commands, search index); the swap itself is synchronous, so no
        interaction sees a mix of the two. If a sync Discord needs then fails, the old library and commands
        come back and the error propagates.
        """
        planned = plan_commands(self._builders, library, self.tree, self._content_commands)
        # The index is the costly derived value: built off the event loop before anything changes.
        await asyncio.to_thread(index_of, library)
        before = payload_hash(self.tree, None)
        previous = (self._library, self._content_commands)
        self._swap(library, planned)
        changed = payload_hash(self.tree, None) != before
        if changed:
            try:
                await self.sync_known_scopes()
            except Exception:
                self._swap(*previous)
                raise
        return changed

    def _swap(self, library: Library, planned: tuple[BuiltCommand, ...]) -> None:
        install(self.tree, self._content_commands, planned)
        self._library, self._content_commands = library, planned

    def _reloaded(self, result: ReloadResult) -> None:
        if self.metrics is not None:
            self.metrics.reloaded(result.ok)

    def _pack_info(self) -> PackInfo:
        return PackInfo(self._library.pack.title, self._library.pack.version)

    async def on_app_command_completion(
        self, interaction: discord.Interaction[Any], command: discord.app_commands.Command[Any, ..., Any]
    ) -> None:
        if self.metrics is not None:
            self.metrics.command_completed(command.qualified_name)

    def shard_statuses(self) -> list[ShardStatus]:
        """Every shard this process is meant to run, connected or not (an unlaunched one is not)."""
        # discord.py annotates shard_count as an int, but it is None until Discord has been asked.
        count: int | None = self.shard_count
        if self.shard_ids is not None:
            expected: Sequence[int] = self.shard_ids
        elif count is not None:
            expected = range(count)
        else:
            # discord.py has not asked Discord for the shard count yet: nothing is running.
            return []
        running = self.shards
        statuses = []
        for shard_id in expected:
            info = running.get(shard_id)
            connected = info is not None and not info.is_closed()
            statuses.append(ShardStatus(shard_id, connected, finite(info.latency) if info is not None else None))
        return statuses

    def health_report(self) -> dict[str, Any]:
        """What /healthz answers: "ok" only while every shard is connected and a pack is being served."""
        shards = self.shard_statuses()
        gateway = self.is_ready() and not self.is_closed() and bool(shards) and all(s.connected for s in shards)
        last = self.reloader.last
        # The reloader keeps the previous pack when a reload fails, so a library is always being served; a
        # failed last reload is reported for the operator but does not make the process unhealthy.
        return {
            "status": "ok" if gateway else "unavailable",
            "gateway": gateway,
            "content": True,
            "pack_version": self._library.pack.version,
            "shard_count": self.shard_count,
            "shards": [s.to_json() for s in shards],
            "last_reload": None if last is None else {"ok": last.ok, "version": last.version},
            # With WATCH_CONTENT: whether the folder is being watched right now (False: it is being retried).
            "watching": self.reloader.watching,
        }

    async def sync_known_scopes(self) -> bool:
        """Re-sync (hash-guarded) the dev guild and every scope synced before; return whether any was sent."""
        state = SyncState(self.settings.data_dir)
        sent = False
        if self.settings.dev_guild_id is not None:
            sent = await self.sync_dev_guild()
        if "global" in state.read():
            sent = await sync_commands(self.tree, state, None) or sent
        return sent

    async def load_extensions(self) -> None:
        """Load every feature; the content commands are built and checked as their extension registers them."""
        # Registered once for the process: page buttons and jump menus on any message ever sent are dispatched
        # by custom_id alone, so they keep working after a restart and nothing is kept per message.
        self.add_dynamic_items(*navigation.DYNAMIC_ITEMS)
        # Answers a click that no DynamicItem takes; discord.py would drop it silently.
        self.add_listener(navigation.answer_unclaimed, "on_interaction")
        for name in self._extensions:
            try:
                await self.load_extension(name)
            except commands.ExtensionFailed as failed:
                # A pack whose commands Discord would refuse is the editor's problem, said as such.
                if isinstance(failed.original, ContentError):
                    raise failed.original from None
                raise
        log.info("loaded %d extensions, %d slash commands", len(self._extensions), len(self.tree.get_commands()))

    async def setup_hook(self) -> None:
        await self.load_extensions()
        # The search index (SQLite, rapidfuzz, the English word list) is built once the bot is READY, off the
        # event loop: not before READY, which it would delay, and not in the first member's search.
        self._warm_up = asyncio.create_task(self._build_index_when_ready(), name="search-index")
        self._settle = asyncio.create_task(self._end_start_up_pause(), name="settle")
        if self.settings.dev_guild_id is not None:
            await self.sync_dev_guild()
        if self.settings.watch_content:
            self._watcher = asyncio.create_task(watch_content(self.reloader), name="content-watcher")
        if self.settings.health_port is not None and self.metrics is not None:
            from ..ops.health import HealthServer

            health = HealthServer(
                self.settings.health_host, self.settings.health_port, self.health_report, self.metrics.exposition
            )
            # Up before the gateway, answering 503 until it connects: a supervisor sees "starting", not "gone".
            await health.start()
            self.health = health

    async def _build_index_when_ready(self) -> None:
        await self.wait_until_ready()
        library = self._library
        started = time.perf_counter()
        await asyncio.to_thread(index_of, library)
        log.info("search index built in %.0f ms", (time.perf_counter() - started) * 1000)

    async def _end_start_up_pause(self) -> None:
        # The entry point pauses garbage collection for the start-up (`heap.pause_collection`). READY ends the
        # pause, or a minute without it: a gateway that never answers must not leave collection off for good.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wait_until_ready(), START_UP_PAUSE)
        heap.settle()

    async def close(self) -> None:
        if self._warm_up is not None:
            self._warm_up.cancel()
        if self._settle is not None:
            self._settle.cancel()
        if self._watcher is not None:
            self._watcher.cancel()
        try:
            await super().close()
        finally:
            if self.health is not None:
                await self.health.stop()

    async def sync_dev_guild(self) -> bool:
        """Mirror the commands into the dev guild (instant there) and sync them if they changed."""
        assert self.settings.dev_guild_id is not None
        guild = discord.Object(self.settings.dev_guild_id)
        # Cleared first so a command removed from the pack also leaves the guild.
        self.tree.clear_commands(guild=guild)
        self.tree.copy_global_to(guild=guild)
        return await sync_commands(self.tree, SyncState(self.settings.data_dir), guild)

    async def start(self, token: str, *, reconnect: bool = True) -> None:
        # Applied here, once per start, so a REST proxy or the local simulator is used for every request.
        use_endpoints(self.settings.discord_api_base, self.settings.discord_gateway_url)
        await super().start(token, reconnect=reconnect)


async def check_commands(settings: Settings, library: Library) -> int:
    """Build the command set `library` gives, as the bot would register it, without connecting; return how many
    slash commands it has. Raises `ContentError` naming what Discord would refuse."""
    bot = ReferenceBot(dataclasses.replace(settings, health_port=None), library)
    async with bot:
        await bot.load_extensions()
        return len(bot.tree.get_commands())


def create_bot(settings: Settings | None = None, **options: Any) -> ReferenceBot:
    """Build a configured, unstarted bot: the one public way to make one.

    Settings are read from the environment (and `.env`) when not given. The content pack is loaded and validated
    first, so a bad pack raises `ContentError` before anything connects. Extensions load in `setup_hook`.
    Extra keyword arguments go to `discord.Client` (tests pass a short `guild_ready_timeout`).
    """
    settings = settings if settings is not None else Settings.from_env()
    library = load_library(settings.content_dir)
    return ReferenceBot(settings, library, **options)
