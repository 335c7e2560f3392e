"""/reload: operators reload the pack through Discord; a broken pack is refused and the old one keeps serving.

The bot runs against the simulator over a temporary copy of the pack that each test edits. Who may reload is
decided twice, as on Discord: the command is hidden from non-administrators (`default_member_permissions`),
and the bot checks again, since a server can grant the command to anyone.
"""

from __future__ import annotations

import asyncio
import gc
import re
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import bot.ops.reload
from bot.app.tree import Refused
from bot.content import Library, Problem, heap, load_library
from bot.ops.reload import ReloadResult
from bot.render import render_reload
from bot.render.admin import MAX_PROBLEMS
from bot.settings import Settings
from bot.simulator import DiscordSimulator, InteractionRecord, SimMessage, SimulatorUsageError, SimUser
from cogs.admin import NOT_AN_ADMIN, NOT_AN_OWNER, NOT_HERE, may_reload
from tests.ops_support import copy_content, edit, running

DEFERRED = 5
CHANNEL_MESSAGE = 4
SHIPPED = Path(__file__).resolve().parent.parent / "content"
OBJECTIVES_TITLE = 'title: "Objectives of NATO’s Involvement in Iraq"'
OBJECTIVES_DESCRIPTION = 'description: "What NATO set out to achieve in Iraq'


@dataclass
class Ops:
    sim: DiscordSimulator
    content: Path
    admin: SimUser
    member: SimUser

    async def reload(self, user: SimUser | None = None) -> SimMessage:
        """Run /reload as `user` (the admin by default) and return its answer, once it is final."""
        record = await self.sim.invoke("reload", user=user or self.admin)
        return await final_answer(record)


async def final_answer(record: InteractionRecord) -> SimMessage:
    await record.wait_response()
    # A deferred answer is the "thinking…" message until the follow-up replaces it.
    return await record.wait_original(lambda m: not m.loading, within=10)


def ops_world(sim: DiscordSimulator, content: Path) -> Ops:
    guild = sim.default_guild
    assert guild is not None
    admin = sim.add_user("server-admin")
    sim.add_member(guild, admin, admin=True)
    return Ops(sim, content, admin, sim.default_user)


def settings_for(tmp_path: Path, content: Path, **extra: Any) -> Settings:
    return Settings(content_dir=content, data_dir=tmp_path / "data", cooldown_rate=10_000, **extra)


async def title_of(sim: DiscordSimulator, command: str) -> str:
    record = await sim.invoke(command)
    message = await record.wait_original()
    return str(message.embeds[0]["title"])


# ------------------------------------------------------------------------------------------------ reloads


async def test_a_valid_change_is_served_after_reload(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    async with DiscordSimulator() as sim, running(sim, settings_for(tmp_path, content)) as bot:
        ops = ops_world(sim, content)
        old = bot.library
        assert await title_of(sim, "objectives") == "Objectives of NATO’s Involvement in Iraq"
        syncs = sim.sync_count(None)

        edit(content / "pack.yaml", 'version: "1.0.0"', 'version: "1.0.1"')
        edit(content / "topics" / "objectives.yaml", OBJECTIVES_TITLE, 'title: "What NATO Set Out to Do"')
        answer = await ops.reload()

        assert answer.ephemeral
        assert answer.content.startswith("✅ reloaded pack 1.0.1 in ")
        assert "commands changed" not in answer.content
        assert bot.library is not old and bot.library.pack.version == "1.0.1"
        assert bot.search.library is bot.library
        assert await title_of(sim, "objectives") == "What NATO Set Out to Do"
        about = await (await sim.invoke("about")).wait_original()
        assert any(f["value"] == "1.0.1" for f in about.embeds[0]["fields"])
        # Titles are not part of any command: nothing to tell Discord.
        assert sim.sync_count(None) == syncs


async def test_a_broken_pack_is_refused_with_file_line_key_and_the_old_one_keeps_serving(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    async with DiscordSimulator() as sim, running(sim, settings_for(tmp_path, content)) as bot:
        ops = ops_world(sim, content)
        old = bot.library
        topic = content / "topics" / "objectives.yaml"
        edit(topic, OBJECTIVES_TITLE, 'title: "Never Served"')
        edit(topic, "quote: >-\n", "quote: >-\n      Words the source never says.\n")
        edit(content / "topics" / "challenges.yaml", "quote: >-\n", "quote: >-\n      Nor does it say this.\n")

        answer = await ops.reload()

        assert answer.ephemeral
        lines = answer.content.splitlines()
        assert re.fullmatch(r"⚠️ reload refused: \d+ problems; still serving the previous pack", lines[0])
        assert re.search(r"^topics/objectives\.yaml:\d+: points\[0\]\.quote: not found verbatim", answer.content, re.M)
        assert re.search(r"^topics/challenges\.yaml:\d+: points\[0\]\.quote: ", answer.content, re.M)
        assert bot.library is old
        assert await title_of(sim, "objectives") == "Objectives of NATO’s Involvement in Iraq"
        assert bot.reloader.last is not None and not bot.reloader.last.ok


async def test_a_reload_that_changes_the_commands_resyncs_them_once(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    async with DiscordSimulator() as sim, running(sim, settings_for(tmp_path, content)):
        ops = ops_world(sim, content)
        syncs = sim.sync_count(None)

        edit(content / "topics" / "objectives.yaml", OBJECTIVES_DESCRIPTION, 'description: "Why NATO went to Iraq')
        answer = await ops.reload()

        assert answer.content.endswith("(commands changed)")
        assert sim.sync_count(None) == syncs + 1
        described = {c["name"]: c["description"] for c in sim.get_commands(None)}
        assert described["objectives"].startswith("Why NATO went to Iraq")
        # The same pack again: the hash guard keeps Discord out of it.
        again = await ops.reload()
        assert "commands changed" not in again.content
        assert sim.sync_count(None) == syncs + 1


async def test_two_reloads_at_once_leave_one_consistent_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = copy_content(tmp_path)
    loads = {"running": 0, "most": 0, "calls": 0}
    guard = threading.Lock()
    release = threading.Event()
    loading = asyncio.Event()
    loop = asyncio.get_running_loop()
    real_load = bot.ops.reload.load_library

    def counting_load(path: Path) -> Any:
        with guard:
            loads["calls"] += 1
            loads["running"] += 1
            loads["most"] = max(loads["most"], loads["running"])
            first = loads["calls"] == 1
        try:
            if first:
                # Held until the second /reload is in flight too.
                loop.call_soon_threadsafe(loading.set)
                release.wait(10)
            return real_load(path)
        finally:
            with guard:
                loads["running"] -= 1

    monkeypatch.setattr(bot.ops.reload, "load_library", counting_load)
    async with DiscordSimulator() as sim, running(sim, settings_for(tmp_path, content)) as reference:
        ops = ops_world(sim, content)
        syncs = sim.sync_count(None)
        edit(content / "pack.yaml", 'version: "1.0.0"', 'version: "2.0.0"')
        edit(content / "topics" / "objectives.yaml", OBJECTIVES_DESCRIPTION, 'description: "Why NATO went to Iraq')

        # Both are acknowledged and in flight before either has loaded anything.
        first = await sim.invoke("reload", user=ops.admin)
        await first.wait_response()
        await asyncio.wait_for(loading.wait(), 5)
        assert reference.reloader.busy
        second = await sim.invoke("reload", user=ops.admin)
        assert (await second.wait_response()).type == DEFERRED
        release.set()
        answers = await asyncio.gather(final_answer(first), final_answer(second))

        assert all(a.content.startswith("✅ reloaded pack 2.0.0") for a in answers)
        # One of them found the commands changed and re-registered them; the other found nothing left to do.
        assert sorted("commands changed" in a.content for a in answers) == [False, True]
        assert loads == {"running": 0, "most": 1, "calls": 2}
        assert sim.sync_count(None) == syncs + 1

        library = reference.library
        assert library.pack.version == "2.0.0"
        assert reference.search.library is library
        names = [c.name for c in reference.tree.get_commands()]
        assert len(names) == len(set(names)), "an extension was loaded twice"
        assert {t.command for t in library.commands} <= set(names)
        described = {c["name"]: c["description"] for c in sim.get_commands(None)}
        assert described["objectives"].startswith("Why NATO went to Iraq")
        # And the pack that won answers.
        assert await title_of(sim, "objectives") == library.by_command["objectives"].title


# ------------------------------------------------------------------------------------------------ who may


async def test_reload_is_hidden_from_members_and_guild_only_on_discord(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    async with DiscordSimulator() as sim, running(sim, settings_for(tmp_path, content)):
        ops = ops_world(sim, content)
        command = next(c for c in sim.get_commands(None) if c["name"] == "reload")
        assert command["default_member_permissions"] == "8"  # ADMINISTRATOR
        assert command["contexts"] == [0]
        assert command["integration_types"] == [0]
        # Discord's client offers it neither to a plain member nor in a DM.
        with pytest.raises(SimulatorUsageError, match="lacks the permissions"):
            await sim.invoke("reload", user=ops.member)
        with pytest.raises(SimulatorUsageError, match="not available in context"):
            await sim.invoke("reload", user=ops.admin, dm=True)
        # Nor is it advertised in the table of contents, which every member reads.
        contents = await (await sim.invoke("topics")).wait_original()
        assert "/reload" not in str(contents.embeds)


async def test_a_non_admin_is_refused_even_where_a_server_granted_the_command(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    async with DiscordSimulator() as sim, running(sim, settings_for(tmp_path, content)) as reference:
        ops = ops_world(sim, content)
        # What a server's Integrations settings do when they open /reload to @everyone.
        command = next(c for c in sim.commands[None].values() if c["name"] == "reload")
        command["default_member_permissions"] = None

        record = await sim.invoke("reload", user=ops.member)
        answer = await final_answer(record)

        assert answer.ephemeral
        assert answer.content == NOT_AN_ADMIN
        assert record.response is not None and record.response.type == CHANNEL_MESSAGE
        assert reference.reloader.last is None, "the pack was reloaded anyway"


async def test_with_owner_ids_only_the_owners_may_reload(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    async with DiscordSimulator() as sim:
        guild = sim.default_guild
        assert guild is not None
        owner = sim.add_user("operator")
        sim.add_member(guild, owner, admin=True)
        settings = settings_for(tmp_path, content, owner_ids=frozenset({owner.id}))
        async with running(sim, settings) as reference:
            ops = ops_world(sim, content)
            refused = await ops.reload(ops.admin)
            assert refused.ephemeral and refused.content == NOT_AN_OWNER
            assert reference.reloader.last is None

            allowed = await ops.reload(owner)
            assert allowed.content.startswith("✅ reloaded pack 1.0.0")


def _interaction(
    user_id: int, *, guild_id: int | None, admin: bool, guild_install: bool = True
) -> Any:  # a stand-in with only what the check reads
    return SimpleNamespace(
        user=SimpleNamespace(id=user_id),
        guild_id=guild_id,
        permissions=SimpleNamespace(administrator=admin),
        is_guild_integration=lambda: guild_id is not None and guild_install,
    )


@pytest.mark.parametrize(
    ("owners", "interaction", "refusal"),
    [
        (frozenset(), _interaction(1, guild_id=9, admin=True), None),
        (frozenset(), _interaction(1, guild_id=9, admin=False), NOT_AN_ADMIN),
        (frozenset(), _interaction(1, guild_id=None, admin=False), NOT_HERE),
        # An administrator of some server where only a user installed the app vouches for nothing here.
        (frozenset(), _interaction(1, guild_id=9, admin=True, guild_install=False), NOT_HERE),
        (frozenset({1}), _interaction(1, guild_id=None, admin=False), None),
        (frozenset({1}), _interaction(2, guild_id=9, admin=True), NOT_AN_OWNER),
    ],
)
def test_who_may_reload(owners: frozenset[int], interaction: Any, refusal: str | None) -> None:
    if refusal is None:
        may_reload(interaction, owners)
    else:
        with pytest.raises(Refused, match=re.escape(refusal)):
            may_reload(interaction, owners)


# ------------------------------------------------------------------------------------------------ rendering


def _problems(count: int, message: str = "not found verbatim") -> tuple[Problem, ...]:
    return tuple(Problem(f"topics/t{i}.yaml", i + 1, f"points[{i}].quote", message) for i in range(count))


def test_render_reload_success() -> None:
    reply = render_reload(ReloadResult(True, "1.2.3", (), True, 0.042))
    assert reply.ephemeral
    assert reply.content == "✅ reloaded pack 1.2.3 in 42 ms (commands changed)"


def test_render_reload_lists_every_problem_when_few() -> None:
    reply = render_reload(ReloadResult(False, None, _problems(3)))
    assert reply.ephemeral and reply.content is not None
    lines = reply.content.splitlines()
    assert lines[0] == "⚠️ reload refused: 3 problems; still serving the previous pack"
    assert lines[1:] == ["```", *(str(p) for p in _problems(3)), "```"]
    assert lines[2] == "topics/t0.yaml:1: points[0].quote: not found verbatim"


@pytest.mark.parametrize(("count", "length"), [(MAX_PROBLEMS + 1, 20), (500, 20), (40, 2000), (3, 5000)])
def test_render_reload_stays_within_one_message(count: int, length: int) -> None:
    reply = render_reload(ReloadResult(False, None, _problems(count, "`x` " * (length // 4))))
    assert reply.content is not None
    assert len(reply.content) <= 2000
    # Whatever the messages hold, the block opens and closes exactly once.
    assert reply.content.count("```") == 2
    shown = reply.content.split("```")[1].strip("\n").splitlines()
    assert 1 <= len(shown) <= MAX_PROBLEMS
    more = count - len(shown)
    if more:
        assert f"…and {more} more" in reply.content
    else:
        assert "more" not in reply.content.split("```")[2]


def _refer_back(library: Library) -> None:
    library.derived.get("back to the library", lambda: library)


@pytest.mark.parametrize("since_start_up", [False, True], ids=["collected", "frozen at start-up"])
async def test_a_reload_lets_the_library_it_replaces_go(since_start_up: bool) -> None:
    # A library and what is derived from it can refer to each other (the search index keeps its library): such
    # a cycle is freed only by a full collection, which must not wait on the garbage collector's own schedule.
    # The library served since start-up is frozen (heap.settle), out of any collection's sight, until a reload.
    served = [load_library(SHIPPED)]
    if since_start_up:
        heap.pause_collection()
        heap.settle()
        assert gc.isenabled() and gc.get_freeze_count() > 0
    old = served[0]
    _refer_back(old)
    retired = weakref.ref(old.derived)
    del old

    async def apply(library: Library) -> bool:
        served[0] = library
        return False

    collecting = gc.isenabled()
    gc.disable()
    try:
        result = await bot.ops.reload.ContentReloader(SHIPPED, apply).reload()
    finally:
        if collecting:
            gc.enable()
        frozen = gc.get_freeze_count() > 0
        gc.unfreeze()  # what the test froze goes back to the collector, for the tests after it
    assert result.ok
    assert retired() is None
    assert frozen == since_start_up, "a reload after start-up freezes what it keeps again, and only then"


async def test_the_bot_ends_the_start_up_pause_at_ready(tmp_path: Path) -> None:
    """`python -m bot run` pauses collection for the start-up; READY ends the pause, freezing what start-up made."""
    settings = settings_for(tmp_path, SHIPPED)
    heap.pause_collection()
    try:
        async with DiscordSimulator() as sim, running(sim, settings, sync=False):
            # READY is set; the bot's task that ends the pause runs at one of the loop's next turns.
            for _ in range(100):
                if gc.isenabled():
                    break
                await asyncio.sleep(0.01)
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0
    finally:
        gc.enable()
        gc.unfreeze()


def test_settling_without_a_pause_freezes_nothing() -> None:
    """A test or a program embedding the bot never paused collection: READY leaves its collector alone, even
    when it comes while a load (in another thread) has collection off for itself."""
    assert gc.isenabled()
    heap.settle()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()  # as load_library does while it runs
    try:
        heap.settle()
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()
