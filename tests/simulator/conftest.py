"""Fixtures for the simulator's own tests: a simulator, and a minimal discord.py bot to run against it.

The bot here is deliberately not the project's bot: it is a plain ``commands.Bot`` with a few app commands,
a ``DynamicItem`` button, a select, a modal and a sub-command group - enough to drive every protocol path.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.app.endpoints import use_endpoints
from bot.simulator import DiscordSimulator

log = logging.getLogger(__name__)


class CounterButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"counter:(?P<count>\d+)"):
    """A stateless button: its count lives in its custom_id; a click edits the message to count + 1."""

    def __init__(self, count: int) -> None:
        super().__init__(
            discord.ui.Button(label=f"Count {count}", style=discord.ButtonStyle.primary, custom_id=f"counter:{count}")
        )
        self.count = count

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CounterButton:
        return cls(int(match["count"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(CounterButton(self.count + 1))
        await interaction.response.edit_message(content=f"count={self.count + 1}", view=view)


class PickView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.select(
        custom_id="pick:letters",
        placeholder="Pick letters",
        min_values=1,
        max_values=2,
        options=[discord.SelectOption(label=x.upper(), value=x) for x in "abc"],
    )
    async def letters(self, interaction: discord.Interaction[Any], select: discord.ui.Select[Any]) -> None:
        await interaction.response.edit_message(content=f"picked {','.join(select.values)}", view=None)


class NameModal(discord.ui.Modal, title="Your name"):
    name: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Name", custom_id="form:name", max_length=40)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(f"hello {self.name.value}")


class SimBotMixin:
    """What the test bots share: a few app commands, a DynamicItem, no 5 s wait before re-IDENTIFY."""

    tree: app_commands.CommandTree[Any]

    def _setup_test_bot(self, sync: bool) -> None:
        self.sync_on_setup = sync
        self.errors: list[BaseException] = []
        self.error_seen = asyncio.Event()
        self.slow_delay = 0.0
        self.slow_outcome: asyncio.Future[BaseException | None] | None = None
        self.closed = asyncio.Event()
        self.tree.on_error = self._on_tree_error  # type: ignore[method-assign]
        self._add_commands()

    async def setup_hook(self) -> None:
        self.add_dynamic_items(CounterButton)  # type: ignore[attr-defined]
        if self.sync_on_setup:
            await self.tree.sync()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py sleeps 5 s before every re-IDENTIFY; the simulator has no identify rate limit to respect."""

    async def close(self) -> None:
        await super().close()  # type: ignore[misc]
        self.closed.set()

    async def _on_tree_error(self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError) -> None:
        log.info("app command error: %r", error)
        self.record_error(error)

    def record_error(self, error: BaseException) -> None:
        self.errors.append(error)
        self.error_seen.set()

    def _add_commands(self) -> None:
        tree = self.tree

        @tree.command(name="ping", description="Answer pong with a counter button")
        async def ping(interaction: discord.Interaction[Any]) -> None:
            view = discord.ui.View(timeout=None)
            view.add_item(CounterButton(0))
            await interaction.response.send_message("pong", view=view)

        @tree.command(name="echo", description="Repeat a text")
        @app_commands.describe(text="What to repeat", times="How many times")
        async def echo(
            interaction: discord.Interaction[Any], text: str, times: app_commands.Range[int, 1, 5] = 1
        ) -> None:
            await interaction.response.send_message(" ".join([text] * times))

        @echo.autocomplete("text")
        async def echo_text(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=f"{current}-{i}", value=f"{current}-{i}") for i in range(3)]

        @tree.command(name="slow", description="Answer after bot.slow_delay seconds")
        async def slow(interaction: discord.Interaction[Any]) -> None:
            await asyncio.sleep(self.slow_delay)
            outcome: BaseException | None = None
            try:
                await interaction.response.send_message("finally")
            except discord.HTTPException as exc:
                outcome = exc
            if self.slow_outcome is not None and not self.slow_outcome.done():
                self.slow_outcome.set_result(outcome)

        @tree.command(name="deferred", description="Defer ephemerally, then follow up")
        async def deferred(interaction: discord.Interaction[Any]) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await asyncio.sleep(0.01)
            await interaction.followup.send("done after defer")
            await interaction.followup.send("a second followup")

        @tree.command(name="pick", description="Pick letters in a select")
        async def pick(interaction: discord.Interaction[Any]) -> None:
            await interaction.response.send_message("pick some", view=PickView())

        @tree.command(name="card", description="Answer with an embed, then edit it")
        async def card(interaction: discord.Interaction[Any]) -> None:
            embed = discord.Embed(title="Card", description="first").add_field(name="a", value="1")
            await interaction.response.send_message(embed=embed)
            await interaction.edit_original_response(embed=discord.Embed(title="Card", description="second"))

        @tree.command(name="form", description="Open a modal")
        async def form(interaction: discord.Interaction[Any]) -> None:
            await interaction.response.send_modal(NameModal())

        @tree.command(name="twice", description="Acknowledge twice (the second is Discord's 40060)")
        async def twice(interaction: discord.Interaction[Any]) -> None:
            await interaction.response.send_message("first")
            adapter = discord.webhook.async_.async_context.get()
            params = discord.webhook.async_.interaction_message_response_params(type=4, content="second")
            try:
                await adapter.create_interaction_response(
                    interaction.id, interaction.token, session=interaction._session, params=params
                )
            except discord.HTTPException as exc:
                self.record_error(exc)

        @tree.command(name="shard", description="Say which shard got the interaction")
        async def shard(interaction: discord.Interaction[Any]) -> None:
            shard_id = interaction.guild.shard_id if interaction.guild else None
            await interaction.response.send_message(f"shard {shard_id}")

        tag = app_commands.Group(name="tag", description="Tags")

        @tag.command(name="show", description="Show a tag")
        async def tag_show(interaction: discord.Interaction[Any], name: str) -> None:
            await interaction.response.send_message(f"tag {name} in {interaction.guild_id}")

        tree.add_command(tag)

        @tree.command(name="whereami", description="Say where the interaction came from")
        @app_commands.allowed_installs(guilds=True, users=True)
        @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
        async def whereami(interaction: discord.Interaction[Any]) -> None:
            where = "guild" if interaction.guild_id else "dm"
            ctx = interaction.context
            await interaction.response.send_message(
                f"{where} guild={ctx.guild} dm={ctx.dm_channel} private={ctx.private_channel} "
                f"user={interaction.user.name} locale={interaction.locale.value}",
                ephemeral=True,
            )


class SimTestBot(SimBotMixin, commands.Bot):
    """A minimal ``commands.Bot``; ``errors`` collects what its app commands raised."""

    def __init__(self, *, sync: bool = True, **options: Any) -> None:
        options.setdefault("intents", discord.Intents.default())
        super().__init__(command_prefix=commands.when_mentioned, guild_ready_timeout=0.05, **options)
        self._setup_test_bot(sync)


class ShardedSimTestBot(SimBotMixin, commands.AutoShardedBot):
    """The same bot as an ``AutoShardedBot`` (shard count from ``GET /gateway/bot`` unless given)."""

    def __init__(self, *, sync: bool = True, **options: Any) -> None:
        options.setdefault("intents", discord.Intents.default())
        super().__init__(command_prefix=commands.when_mentioned, guild_ready_timeout=0.05, **options)
        self._setup_test_bot(sync)


@pytest.fixture(autouse=True)
def restore_endpoints() -> Iterator[None]:
    yield
    use_endpoints(None, None)


@pytest.fixture
async def sim() -> AsyncIterator[DiscordSimulator]:
    async with DiscordSimulator(heartbeat_interval=1.0) as simulator:
        yield simulator


@pytest.fixture
async def http(sim: DiscordSimulator) -> AsyncIterator[aiohttp.ClientSession]:
    """A raw HTTP client for the simulator's REST API, authenticated as the bot."""
    headers = {"Authorization": f"Bot {sim.token}"}
    async with aiohttp.ClientSession(base_url=sim.base_url, headers=headers) as session:
        yield session


@pytest.fixture
def bot() -> SimTestBot:
    return SimTestBot()


@pytest.fixture
def make_bot() -> type[SimTestBot]:
    """The test bot class, for tests that need their own options (intents, no sync)."""
    return SimTestBot


@pytest.fixture
def make_sharded_bot() -> type[ShardedSimTestBot]:
    return ShardedSimTestBot


class RawGateway:
    """A bare gateway client (aiohttp websocket) that decodes zlib-stream the way discord.py does."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, compressed: bool) -> None:
        self.ws = ws
        self.compressed = compressed
        self._inflate = zlib.decompressobj()
        self._buffer = bytearray()
        self.frames: list[bytes] = []

    async def recv(self, within: float = 2.0) -> dict[str, Any]:
        """The next payload; raises ``ConnectionError`` carrying the close code when the server closes."""
        async with asyncio.timeout(within):
            while True:
                msg = await self.ws.receive()
                if msg.type == aiohttp.WSMsgType.TEXT:
                    return json.loads(msg.data)
                if msg.type == aiohttp.WSMsgType.BINARY:
                    self.frames.append(msg.data)
                    self._buffer.extend(msg.data)
                    if bytes(msg.data[-4:]) != b"\x00\x00\xff\xff":
                        continue
                    text = self._inflate.decompress(bytes(self._buffer))
                    self._buffer.clear()
                    return json.loads(text)
                raise ConnectionError(self.ws.close_code)

    async def recv_dispatch(self, event: str, within: float = 2.0) -> dict[str, Any]:
        while True:
            payload = await self.recv(within)
            if payload.get("t") == event:
                return payload

    async def close_code(self, within: float = 2.0) -> int | None:
        """Read until the server closes; the close code."""
        try:
            while True:
                await self.recv(within)
        except ConnectionError as exc:
            return exc.args[0]

    async def send(self, op: int, d: Any) -> None:
        await self.ws.send_str(json.dumps({"op": op, "d": d}))

    async def identify(
        self, token: str = "sim-token", *, intents: int = 513, shard: list[int] | None = None
    ) -> dict[str, Any]:
        """Send IDENTIFY; return READY's payload."""
        data: dict[str, Any] = {
            "token": token,
            "intents": intents,
            "properties": {"os": "linux", "browser": "raw", "device": "raw"},
        }
        if shard is not None:
            data["shard"] = shard
        await self.send(2, data)
        return await self.recv_dispatch("READY")


@pytest.fixture
async def open_gateway(
    sim: DiscordSimulator,
) -> AsyncIterator[Callable[..., Awaitable[RawGateway]]]:
    """Connect raw gateway clients: ``gw = await open_gateway(compress=True)``; HELLO is already read."""
    session = aiohttp.ClientSession()
    sockets: list[aiohttp.ClientWebSocketResponse] = []

    async def connect(
        *, compress: bool = False, version: str = "10", path: str = "/", read_hello: bool = True
    ) -> RawGateway:
        query = {"v": version, "encoding": "json"}
        if compress:
            query["compress"] = "zlib-stream"
        url = sim.gateway_url.rstrip("/") + path
        ws = await session.ws_connect(url, params=query, autoclose=False)
        sockets.append(ws)
        gateway = RawGateway(ws, compress)
        if read_hello:
            hello = await gateway.recv()
            assert hello["op"] == 10
        return gateway

    yield connect
    for ws in sockets:
        await ws.close()
    await session.close()
