"""The bot: a `commands.AutoShardedBot` subclass that receives its settings and content library, and the factory
that builds it.

Sharded always: with SHARD_COUNT/SHARD_IDS unset, discord.py asks Discord how many shards to run and runs them
all in this process; with them set, this process runs its share and others run the rest.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import pkgutil
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from ..content import Library, load_library
from ..ops.instrumentation import PackInfo, ShardStatus, finite
from ..ops.reload import ContentReloader, ReloadResult, watch_content
from ..search import SearchIndex
from ..settings import Settings
from . import navigation
from .endpoints import use_endpoints
from .sync import SyncState, sync_commands
from .tree import ReferenceTree

if TYPE_CHECKING:
    from ..ops.health import HealthServer
    from ..ops.metrics import BotMetrics

log = logging.getLogger(__name__)


def discover_extensions() -> tuple[str, ...]:
    """Every module in the `cogs` package, in name order: adding a file there adds a feature."""
    package = importlib.import_module("cogs")
    return tuple(
        f"{package.__name__}.{info.name}"
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name)
        if not info.name.startswith("_")
    )


class ReferenceBot(commands.AutoShardedBot):
    """Answers slash commands from one content library; the library is swapped whole on reload."""

    def __init__(
        self,
        settings: Settings,
        library: Library,
        *,
        extensions: Sequence[str] | None = None,
        **options: object,
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
        if settings.health_port is not None:
            # Only when they can be read: tracing every HTTP request has a cost (see bot/instrumentation.py).
            from ..ops.metrics import BotMetrics

            self.metrics = BotMetrics(shards=self.shard_statuses, pack=self._pack_info, guilds=lambda: len(self.guilds))
            # Sees every interaction callback, so response latency is measured without touching any handler.
            options.setdefault("http_trace", self.metrics.http_trace())
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents,
            tree_cls=ReferenceTree,
            allowed_mentions=discord.AllowedMentions.none(),
            allowed_installs=discord.app_commands.AppInstallationType(guild=True, user=True),
            allowed_contexts=discord.app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True),
            shard_count=settings.shard_count,
            shard_ids=list(settings.shard_ids) if settings.shard_ids is not None else None,
            **options,  # type: ignore[arg-type]
        )
        self.settings = settings
        self._library = library
        self.search = SearchIndex(library)
        self.reloader = ContentReloader(
            settings.content_dir, lambda: self._library, self.swap_library, self._commands_changed, self._reloaded
        )
        self._extensions = tuple(extensions) if extensions is not None else discover_extensions()
        self._watcher: asyncio.Task[None] | None = None
        self.health: HealthServer | None = None
        self._logged_in = False
        if isinstance(self.tree, ReferenceTree):
            self.tree.set_cooldown(settings.cooldown_rate, settings.cooldown_seconds)

    @property
    def library(self) -> Library:
        return self._library

    def swap_library(self, library: Library) -> None:
        """Serve `library` from now on. The index is built first, so readers never see a mix of the two."""
        search = SearchIndex(library)
        self._library, self.search = library, search

    def _reloaded(self, result: ReloadResult) -> None:
        if self.metrics is not None:
            self.metrics.reloaded(result.ok)

    def _pack_info(self) -> PackInfo:
        return PackInfo(self._library.pack.title, self._library.pack.version)

    async def on_app_command_completion(
        self, interaction: discord.Interaction, command: discord.app_commands.Command[Any, Any, Any]
    ) -> None:
        if self.metrics is not None:
            self.metrics.command_completed(command.qualified_name)

    def shard_statuses(self) -> list[ShardStatus]:
        """Every shard this process is meant to run, connected or not (an unlaunched one is not)."""
        if self.shard_ids is not None:
            expected: Sequence[int] = self.shard_ids
        elif self.shard_count is not None:
            expected = range(self.shard_count)
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
        # The reloader keeps the previous pack when a reload fails, so a library is always there once built;
        # a failed last reload is reported for the operator but does not make the process unhealthy.
        content = self._library is not None
        last = self.reloader.last
        return {
            "status": "ok" if gateway and content else "unavailable",
            "gateway": gateway,
            "content": content,
            "pack_version": self._library.pack.version,
            "shard_count": self.shard_count,
            "shards": [s.to_json() for s in shards],
            "last_reload": None if last is None else {"ok": last.ok, "version": last.version},
        }

    async def _commands_changed(self) -> None:
        # The topic commands are built from the library when their extension loads.
        for name in self._extensions:
            await self.reload_extension(name)
        await self.sync_known_scopes()

    async def sync_known_scopes(self) -> None:
        """Re-sync (hash-guarded) every scope the operator has synced before, and the dev guild."""
        state = SyncState(self.settings.data_dir)
        if self.settings.dev_guild_id is not None:
            await self.sync_dev_guild()
        if "global" in state.read():
            await sync_commands(self.tree, state, None)

    async def setup_hook(self) -> None:
        # Registered once for the process: page buttons and jump menus on any message ever sent are dispatched
        # by custom_id alone, so they keep working after a restart and nothing is kept per message.
        self.add_dynamic_items(*navigation.DYNAMIC_ITEMS)
        # Answers a click that no DynamicItem or view takes; discord.py would drop it silently.
        self.add_listener(navigation.answer_unclaimed, "on_interaction")
        for name in self._extensions:
            await self.load_extension(name)
        log.info(
            "loaded %d extensions, %d slash commands",
            len(self._extensions),
            len(self.tree.get_commands()),
        )
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

    async def login(self, token: str) -> None:
        self._logged_in = True
        await super().login(token)

    async def close(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
        if not self._logged_in:
            # Built and closed without logging in (tests do): AutoShardedClient.close() needs the shard queue
            # that login() creates in this hook, so it is created the same way first.
            await self._async_setup_hook()
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


def create_bot(settings: Settings | None = None, **options: object) -> ReferenceBot:
    """Build a configured, unstarted bot: the one public way to make one.

    Settings are read from the environment (and `.env`) when not given. The content pack is loaded and validated
    first, so a bad pack raises `ContentError` before anything connects. Extensions load in `setup_hook`.
    Extra keyword arguments go to `discord.Client` (tests pass a short `guild_ready_timeout`).
    """
    settings = settings if settings is not None else Settings.from_env()
    library = load_library(settings.content_dir)
    return ReferenceBot(settings, library, **options)
