"""End to end: an unmodified discord.py ``commands.Bot`` against the simulator, through ``run_client``."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest

from bot.app.endpoints import DISCORD_API_BASE, current_endpoints
from bot.simulator import CONTEXT_PRIVATE_CHANNEL, DiscordSimulator
from tests.rig import ClientFailed, run_client


async def test_connect_ready_guild_create(sim: DiscordSimulator, bot: Any) -> None:
    async with run_client(bot, sim) as client:
        assert current_endpoints() == (sim.api_base, sim.gateway_url)
        assert client.user is not None and client.user.id == sim.bot_user.id
        assert client.application_id == sim.application_id
        guild = sim.default_guild
        assert guild is not None
        connected = client.get_guild(guild.id)
        assert connected is not None and connected.name == guild.name
        assert [c.name for c in connected.text_channels] == ["general"]
        assert connected.me is not None
        identify = next(e for e in sim.gateway_events if e.kind == "identify")
        assert identify.detail["compress"] == "zlib-stream"  # discord.py asks for transport compression
        assert identify.detail["path"] == "/"
        assert sim.sync_count() == 1  # setup_hook synced the tree once, globally
        assert {c["name"] for c in sim.get_commands()} >= {"ping", "echo", "tag", "whereami"}
    assert current_endpoints()[0] == DISCORD_API_BASE
    sim.assert_no_rejections()


async def test_sync_and_fetch_commands_back(sim: DiscordSimulator, bot: Any) -> None:
    async with run_client(bot, sim) as client:
        fetched = await client.tree.fetch_commands()
        assert {c.name: c.id for c in fetched} == {c["name"]: int(c["id"]) for c in sim.get_commands()}
        echo = next(c for c in fetched if c.name == "echo")
        assert [o.name for o in echo.options] == ["text", "times"]
        guild = sim.default_guild
        assert guild is not None
        client.tree.copy_global_to(guild=discord.Object(guild.id))
        synced = await client.tree.sync(guild=discord.Object(guild.id))
        assert {c.guild_id for c in synced} == {guild.id}
        assert sim.sync_count(guild) == 1 and sim.sync_count() == 1
    sim.assert_no_rejections()


async def test_slash_command_and_dynamic_button(sim: DiscordSimulator, bot: Any) -> None:
    async with run_client(bot, sim):
        record = await sim.invoke("ping")
        response = await record.wait_response()
        assert response.type == 4 and response.data is not None and response.data["content"] == "pong"
        assert record.attempts == [response]  # answered at the first try
        message = await record.wait_original()
        assert message.custom_ids() == ["counter:0"]
        for expected in (1, 2):
            click = await sim.click(message, f"counter:{expected - 1}")
            assert (await click.wait_response()).type == 7
            await message.wait_for(lambda m, n=expected: m.content == f"count={n}")
            assert message.custom_ids() == [f"counter:{expected}"]
        assert message.revision == 2
    sim.assert_no_rejections()


async def test_options_and_autocomplete(sim: DiscordSimulator, bot: Any) -> None:
    async with run_client(bot, sim):
        record = await sim.invoke("echo", {"text": "hi", "times": 3})
        message = await record.wait_original()
        assert message.content == "hi hi hi"
        typed = await sim.autocomplete("echo", "text", "ab")
        await typed.wait_response()
        assert typed.choices == [{"name": f"ab-{i}", "value": f"ab-{i}"} for i in range(3)]
        tag = await sim.invoke("tag show", {"name": "x"})
        assert (await tag.wait_original()).content == f"tag x in {sim.default_guild.id}"  # type: ignore[union-attr]
    sim.assert_no_rejections()


async def test_select_menu(sim: DiscordSimulator, bot: Any) -> None:
    async with run_client(bot, sim):
        record = await sim.invoke("pick")
        message = await record.wait_original()
        chosen = await sim.select(message, "pick:letters", ["a", "c"])
        await chosen.wait_response()
        assert message.content == "picked a,c"
        assert message.components == []
    sim.assert_no_rejections()


async def test_defer_followups_and_edits(sim: DiscordSimulator, bot: Any) -> None:
    async with run_client(bot, sim):
        deferred = await sim.invoke("deferred")
        assert (await deferred.wait_response()).type == 5
        original = await deferred.wait_original(lambda m: not m.loading)
        assert original.ephemeral and original.content == "done after defer"
        (second,) = await deferred.wait_followups(1)
        assert second.content == "a second followup"
        card = await sim.invoke("card")
        edited = await card.wait_original(lambda m: m.revision == 1)
        assert edited.embeds[0]["description"] == "second"
        assert edited.history[0].embeds[0]["fields"] == [{"name": "a", "value": "1", "inline": True}]
    sim.assert_no_rejections()


async def test_modal_round_trip(sim: DiscordSimulator, bot: Any) -> None:
    async with run_client(bot, sim):
        record = await sim.invoke("form")
        response = await record.wait_response()
        assert response.type == 9 and record.modal is not None
        assert record.modal["title"] == "Your name"
        submitted = await sim.submit_modal(record, {"form:name": "Ada"})
        assert (await submitted.wait_original()).content == "hello Ada"
    sim.assert_no_rejections()


async def test_contexts_reach_discordpy(sim: DiscordSimulator, bot: Any) -> None:
    async with run_client(bot, sim):
        in_guild = await (await sim.invoke("whereami", locale="fr")).wait_original()
        assert in_guild.content.startswith("guild guild=True dm=False private=False user=sim-user locale=fr")
        in_dm = await (await sim.invoke("whereami", dm=True)).wait_original()
        assert in_dm.content.startswith("dm guild=False dm=True private=False")
        private = await (await sim.invoke("whereami", context=CONTEXT_PRIVATE_CHANNEL)).wait_original()
        assert private.content.startswith("dm guild=False dm=False private=True")
        foreign = sim.add_guild("users only", bot_member=False, members=[sim.default_user])
        installed = await (await sim.invoke("whereami", guild=foreign)).wait_original()
        assert installed.content.startswith("guild guild=True")
    sim.assert_no_rejections()


async def test_late_first_response_gets_10062(make_bot: Any) -> None:
    async with DiscordSimulator(first_response_deadline=0.3) as sim:
        bot = make_bot()
        bot.slow_delay = 0.4
        bot.slow_outcome = asyncio.get_running_loop().create_future()
        async with run_client(bot, sim):
            record = await sim.invoke("slow")
            error = await asyncio.wait_for(bot.slow_outcome, 5)
            assert isinstance(error, discord.NotFound) and error.code == 10062
            (attempt,) = record.attempts
            assert attempt.status == 404 and attempt.elapsed >= 0.3
            assert not record.acknowledged
        assert [r.code for r in sim.rejections] == [10062]


async def test_double_acknowledgement_gets_40060(sim: DiscordSimulator, bot: Any) -> None:
    async with run_client(bot, sim):
        record = await sim.invoke("twice")
        await asyncio.wait_for(bot.error_seen.wait(), 5)
        (error,) = bot.errors
        assert isinstance(error, discord.HTTPException) and error.code == 40060
        assert [a.status for a in record.attempts] == [200, 400]
    assert [r.code for r in sim.rejections] == [40060]


async def test_rate_limited_callback_is_retried(sim: DiscordSimulator, bot: Any) -> None:
    async with run_client(bot, sim):
        fault = sim.faults.rate_limit("POST /interactions/*/callback", retry_after=0.05)
        record = await sim.invoke("ping")
        response = await record.wait_response()
        assert fault.hits == 1
        assert response.elapsed >= 0.05
        assert len(record.attempts) == 1  # the 429 never reached the interaction
    sim.assert_no_rejections()


async def test_server_error_on_callback_is_retried(sim: DiscordSimulator, bot: Any) -> None:
    async with run_client(bot, sim):
        fault = sim.faults.server_error("POST /interactions/*/callback", status=500)
        record = await sim.invoke("ping")
        response = await record.wait_response(within=5)
        assert fault.hits == 1
        # discord.py sent the callback again after the 500 (it waits 1 s first), and the retry was accepted:
        # accepted at all means within the first-response deadline, which the simulator enforces itself.
        callback = f"/interactions/{record.id}/{record.token}/callback"
        assert [r.status for r in sim.requests if r.method == "POST" and r.path == callback] == [500, 200]
        assert record.attempts == [response]  # the 500 came from in front of the API: no attempt reached it
        assert response.accepted and record.acknowledged
    sim.assert_no_rejections()


async def test_drop_then_resume_keeps_answering(sim: DiscordSimulator, bot: Any) -> None:
    async with run_client(bot, sim):
        resumes = sim.gateway_event_count("resume")
        mark = len(sim.gateway_events)
        await sim.drop_connection()
        # Sent while the bot is disconnected: buffered on the session and replayed by the RESUME.
        record = await sim.invoke("ping")
        resume = await sim.wait_for_gateway_event("resume", after=mark)
        assert resume.detail["path"] == "/resume"  # resume_gateway_url from READY
        assert resume.detail["replayed"] >= 1
        await record.wait_response()
        assert sim.gateway_event_count("resume") == resumes + 1
        assert sim.gateway_event_count("identify") == 1
        after = await sim.invoke("echo", {"text": "still here"})
        assert (await after.wait_original()).content == "still here"
    sim.assert_no_rejections()


async def test_reconnect_op7_resumes(sim: DiscordSimulator, bot: Any) -> None:
    async with run_client(bot, sim):
        mark = len(sim.gateway_events)
        await sim.send_reconnect()
        resume = await sim.wait_for_gateway_event("resume", after=mark)
        assert resume.detail["replayed"] == 0
        await sim.wait_for_session()
        assert (await (await sim.invoke("ping")).wait_response()).type == 4
    sim.assert_no_rejections()


async def test_invalid_session(sim: DiscordSimulator, bot: Any) -> None:
    async with run_client(bot, sim):
        mark = len(sim.gateway_events)
        await sim.invalidate_session(resumable=True)
        await sim.wait_for_gateway_event("resume", after=mark)
        mark = len(sim.gateway_events)
        await sim.invalidate_session(resumable=False)
        await sim.wait_for_gateway_event("ready", after=mark)  # a new IDENTIFY, a new session
        assert sim.gateway_event_count("identify") == 2
        await sim.wait_for_session()
        assert (await (await sim.invoke("ping")).wait_response()).type == 4
    sim.assert_no_rejections()


async def test_resumable_close_code(sim: DiscordSimulator, bot: Any) -> None:
    async with run_client(bot, sim):
        mark = len(sim.gateway_events)
        await sim.close_gateway(4000)
        await sim.wait_for_gateway_event("resume", after=mark)
        assert (await (await sim.invoke("ping")).wait_response()).type == 4


async def test_fatal_close_code_surfaces_from_the_rig(sim: DiscordSimulator, bot: Any) -> None:
    async def closed_with_4004() -> None:
        async with run_client(bot, sim):
            await sim.close_gateway(4004)
            await asyncio.wait_for(bot.closed.wait(), 5)

    with pytest.raises(ClientFailed) as failure:
        await closed_with_4004()
    cause = failure.value.__cause__
    assert isinstance(cause, discord.ConnectionClosed) and cause.code == 4004
    assert current_endpoints()[0] == DISCORD_API_BASE


async def test_plain_client_runs_too(sim: DiscordSimulator) -> None:
    client = discord.Client(intents=discord.Intents.none(), guild_ready_timeout=0.05)
    async with run_client(client, sim) as running:
        assert running.is_ready()
        assert running.get_guild(sim.default_guild.id) is not None  # type: ignore[union-attr]
    assert running.is_closed()


async def test_bad_token_fails_login(sim: DiscordSimulator, bot: Any) -> None:
    with pytest.raises(discord.LoginFailure):
        async with run_client(bot, sim, token="not-the-token"):
            pass
    assert [r.status for r in sim.rejections] == [401]


async def test_unexpected_route_from_the_bot(sim: DiscordSimulator, bot: Any) -> None:
    async with run_client(bot, sim) as client:
        with pytest.raises(discord.NotFound):
            await client.fetch_channel(1234)
    assert [(u.method, u.path) for u in sim.unexpected_routes] == [("GET", "/channels/1234")]


async def test_split_zlib_frames_decode_in_discordpy(sim: DiscordSimulator, bot: Any) -> None:
    sim.gateway_split_frames = True
    async with run_client(bot, sim):
        assert (await (await sim.invoke("ping")).wait_response()).type == 4


async def test_auto_sharded_bot(make_sharded_bot: Any) -> None:
    async with DiscordSimulator(recommended_shards=2) as sim:
        guilds = [sim.default_guild, *(sim.add_guild(f"g{i}") for i in range(3))]
        bot = make_sharded_bot()
        async with run_client(bot, sim) as client:
            assert client.shard_count == 2
            assert len(client.guilds) == 4
            for guild in guilds:
                assert guild is not None
                record = await sim.invoke("shard", guild=guild)
                message = await record.wait_original()
                assert message.content == f"shard {record.shard_id}"
                assert record.shard_id == (guild.id >> 22) % 2
                # ... and the INTERACTION_CREATE went down that shard's websocket.
                session = sim.gateway.session_for_shard(record.shard_id)
                assert session is not None and session.connection is not None
                sent = [p["d"]["id"] for p in session.connection.sent if p.get("t") == "INTERACTION_CREATE"]
                assert str(record.id) in sent
            assert {sim.gateway.shard_for_guild(g.id) for g in guilds if g} == {0, 1}
        sim.assert_no_rejections()


async def test_discordpy_paces_itself_from_rate_limit_headers(make_bot: Any) -> None:
    async with DiscordSimulator(bucket_limit=2, bucket_window=0.2, enforce_rate_limits=True) as sim:
        bot = make_bot()
        async with run_client(bot, sim) as client:
            for _ in range(5):
                await client.tree.fetch_commands()
        assert [r for r in sim.requests if r.status == 429] == []
        gets = [r for r in sim.requests if r.method == "GET" and r.path.endswith("/commands")]
        assert len(gets) == 5
        assert gets[-1].at - gets[0].at >= 0.2  # it waited for the bucket to reset, twice
