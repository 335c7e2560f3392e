"""The bot: a `commands.Bot` subclass that receives its settings and content library, and the factory that builds it."""

from __future__ import annotations

import asyncio
import importlib
import logging
import pkgutil
from collections.abc import Sequence

import discord
from discord.ext import commands

from . import navigation
from .content import Library, load_library
from .endpoints import use_endpoints
from .reload import ContentReloader, watch_content
from .search import SearchIndex
from .settings import Settings
from .sync import SyncState, sync_commands
from .tree import ReferenceTree

log = logging.getLogger(__name__)


def discover_extensions() -> tuple[str, ...]:
    """Every module in the `cogs` package, in name order: adding a file there adds a feature."""
    package = importlib.import_module("cogs")
    return tuple(
        f"{package.__name__}.{info.name}"
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name)
        if not info.name.startswith("_")
    )


class ReferenceBot(commands.Bot):
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
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents,
            tree_cls=ReferenceTree,
            allowed_mentions=discord.AllowedMentions.none(),
            allowed_installs=discord.app_commands.AppInstallationType(guild=True, user=True),
            allowed_contexts=discord.app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True),
            **options,  # type: ignore[arg-type]
        )
        self.settings = settings
        self._library = library
        self.search = SearchIndex(library)
        self.reloader = ContentReloader(
            settings.content_dir, lambda: self._library, self.swap_library, self._commands_changed
        )
        self._extensions = tuple(extensions) if extensions is not None else discover_extensions()
        self._watcher: asyncio.Task[None] | None = None
        if isinstance(self.tree, ReferenceTree):
            self.tree.set_cooldown(settings.cooldown_rate, settings.cooldown_seconds)

    @property
    def library(self) -> Library:
        return self._library

    def swap_library(self, library: Library) -> None:
        """Serve `library` from now on. The index is built first, so readers never see a mix of the two."""
        search = SearchIndex(library)
        self._library, self.search = library, search

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

    async def close(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
        await super().close()

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
