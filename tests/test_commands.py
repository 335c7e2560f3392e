"""The commands end to end: real discord.py against the local Discord simulator, real Interaction payloads.

Every command with every choice and both `private` values, every button and menu option on every page, clicks
by another user, stale and unknown components, unknown commands, unknown option values, the cooldown and
internal errors. The simulator refuses anything Discord would (limits, late or double answers), so each test
ends with `assert_no_rejections`.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import navigation
from bot.app.client import ReferenceBot, create_bot
from bot.app.replies import MessageView
from bot.app.sync import SyncState, sync_commands
from bot.content import Library
from bot.render import Button, key_of
from bot.render.model import ActionRow
from bot.search import SearchIndex
from bot.settings import Settings
from bot.simulator import DiscordSimulator, InteractionRecord, SimMessage
from tests.discord_rules import violations
from tests.rig import run_client

EPHEMERAL = 1 << 6
CHANNEL_MESSAGE = 4
DEFERRED = 5
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8


@dataclasses.dataclass
class World:
    sim: DiscordSimulator
    bot: ReferenceBot

    @property
    def library(self) -> Library:
        return self.bot.library

    async def run(self, name: str, options: dict[str, Any] | None = None, **where: Any) -> InteractionRecord:
        record = await self.sim.invoke(name, options, **where)
        await record.wait_response()
        return record

    async def answer(self, name: str, options: dict[str, Any] | None = None, **where: Any) -> SimMessage:
        """Run a command and return the message it answered with."""
        record = await self.run(name, options, **where)
        assert record.response is not None and record.response.type in (CHANNEL_MESSAGE, DEFERRED)
        return await record.wait_original()

    async def press(self, message: SimMessage, custom_id: str, **who: Any) -> InteractionRecord:
        record = await self.sim.click(message, custom_id, **who)
        await record.wait_response()
        return record

    async def pick(self, message: SimMessage, custom_id: str, value: str, **who: Any) -> InteractionRecord:
        record = await self.sim.select(message, custom_id, [value], **who)
        await record.wait_response()
        return record


async def start(settings: Settings) -> AsyncIterator[World]:
    async with DiscordSimulator() as sim:
        # discord.py waits this long for more GUILD_CREATEs before on_ready; the simulator sends them at once.
        bot = create_bot(settings, guild_ready_timeout=0.05)
        async with run_client(bot, sim) as running:
            await running.tree.sync()
            yield World(sim, running)
            # Nothing was kept per message, and no timed-out view took the DynamicItems with it.
            store = running._connection._view_store
            assert not store._views and not store._synced_message_views
            assert set(navigation.DYNAMIC_ITEMS) <= set(store._dynamic_items.values())
        sim.assert_no_rejections()


@pytest.fixture
async def world() -> AsyncIterator[World]:
    async for w in start(Settings(cooldown_rate=10_000)):
        yield w


def title(message: SimMessage) -> str:
    return str(message.embeds[0].get("title"))


def field_names(message: SimMessage) -> list[str]:
    return [f["name"] for f in message.embeds[0].get("fields") or []]


def select_of(message: SimMessage, placeholder: str = "Open a point in full, or a related topic…") -> dict[str, Any]:
    return next(c for c in message.iter_components() if c.get("type") == 3 and c.get("placeholder") == placeholder)


def source_of(message: SimMessage) -> dict[str, Any]:
    """The "Source" button of an answer."""
    return next(b for b in message.buttons() if str(b.get("label", "")).startswith("Source"))


def nav(message: SimMessage, slot: str) -> dict[str, Any]:
    """The page button `slot` (f, p, n or l) of a message."""
    return next(
        b for b in message.buttons() if b["custom_id"].startswith("nir:page:") and b["custom_id"].endswith(f":{slot}")
    )


def distinct(points: Any) -> tuple[Any, ...]:
    """`points` each made to say something of its own, so that none is folded away as a repeat."""
    return tuple(
        dataclasses.replace(p, text=" ".join(f"w{n}x{k}" for k in range(12)) + ".") for n, p in enumerate(points)
    )


def fits(message: SimMessage) -> None:
    payload = {
        "content": message.content or None,
        "embeds": message.embeds,
        "components": message.components,
        "attachments": message.attachments,
    }
    problems = violations(payload)
    assert not problems, problems


# ------------------------------------------------------------------------------------------------ commands


@pytest.mark.parametrize("private", [False, True])
async def test_every_topic_command_shows_its_topic(world: World, private: bool) -> None:
    for topic in world.library.commands:
        record = await world.run(str(topic.command), {"private": private} if private else None)
        message = await record.wait_original()
        assert title(message) == topic.title
        assert message.ephemeral is private
        lines = message.embeds[0]["description"].splitlines()
        assert 0 < len([line for line in lines if line.startswith("**") and " — " in line]) <= len(topic.points)
        assert message.embeds[0]["footer"]["text"].startswith(f"Source: {world.library.pack.source_title} › ")
        fits(message)
        # The request told Discord to ping nobody, whatever the text holds.
        assert record.response is not None
        assert (record.response.data or {}).get("allowed_mentions") == {"parse": []}


async def test_every_choice_opens_its_part(world: World) -> None:
    parents = [t for t in world.library.commands if t.children]
    assert {t.command for t in parents} == {"overview", "collaboration", "achievements"}
    for parent in parents:
        assert parent.option is not None
        for child in world.library.children(parent):
            for private in (False, True):
                options = {parent.option.name: key_of(child.id), "private": private}
                message = await world.answer(str(parent.command), options)
                assert title(message) == child.title
                assert message.ephemeral is private


async def test_commands_work_in_dms_and_user_installs(world: World) -> None:
    dm = await world.answer("history", dm=True)
    assert title(dm) == world.library.by_command["history"].title
    private_channel = await world.answer("timeline", context=2)
    assert title(private_channel) == "Timeline"


async def test_synced_commands_carry_contexts_and_installs(world: World) -> None:
    for command in world.sim.get_commands():
        if command.get("default_member_permissions") is not None:
            continue  # operator commands (/reload) are guild-only on purpose; tests/test_ops_reload.py pins them
        assert sorted(command["contexts"]) == [0, 1, 2], command["name"]
        assert sorted(command["integration_types"]) == [0, 1], command["name"]


@pytest.mark.parametrize("private", [False, True])
async def test_timeline_opens_at_each_era(world: World, private: bool) -> None:
    for event in world.library.timeline:
        message = await world.answer("timeline", {"era": event.id, "private": private})
        assert title(message) == event.title and event.when in message.embeds[0]["author"]["name"]
        assert message.ephemeral is private
        fits(message)


async def test_timeline_autocomplete_suggests_events(world: World) -> None:
    record = await world.sim.autocomplete("timeline", "era", "2004")
    await record.wait_response()
    assert record.response is not None and record.response.type == AUTOCOMPLETE_RESULT
    assert (record.choices or [])[0]["value"] == "ntm-i-2004"
    everything = await world.sim.autocomplete("timeline", "era", "")
    await everything.wait_response()
    assert [c["value"] for c in everything.choices or []] == [e.id for e in world.library.timeline]


async def test_a_failing_autocomplete_answers_an_empty_list(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: object, query: str) -> list[tuple[str, str]]:
        raise RuntimeError("the index broke")

    monkeypatch.setattr(SearchIndex, "complete_events", broken)
    record = await world.sim.autocomplete("timeline", "era", "a query no earlier test typed")
    await record.wait_response()
    assert record.response is not None and record.response.type == AUTOCOMPLETE_RESULT
    assert record.choices == []


async def test_topics_help_and_about(world: World) -> None:
    contents = await world.answer("topics")
    lines = contents.embeds[0]["description"].splitlines()[1:]
    tops = [line.split(" ")[0] for line in lines if line.startswith("`/")]
    assert tops == [f"`/{t.command}`" for t in world.library.commands]
    more = lines[-1]
    assert "`/timeline`" in more and "`/help`" in more and "`/about`" in more and "`/overview`" not in more
    help_message = await world.answer("help")
    assert help_message.ephemeral and title(help_message) == "How to use me"
    assert help_message.embeds[0]["fields"][0]["value"].startswith("`/search`")
    about = await world.answer("about")
    assert title(about) == world.library.pack.title
    for message in (contents, help_message, about):
        fits(message)


# ------------------------------------------------------------------------------------- buttons and menus


async def test_the_timeline_is_one_page_with_its_picture_a_tap_away(world: World) -> None:
    message = await world.answer("timeline")
    assert not [b for b in message.buttons() if b["custom_id"].startswith("nir:pos:")]
    lines = message.embeds[0]["description"].splitlines()[1:]
    assert [line.split("** · ")[0].strip("*") for line in lines] == [e.when for e in world.library.timeline]
    assert not message.attachments and "image" not in message.embeds[0]
    # The picture: the invoker's tap turns the message into it, drawn and attached as Discord shows it.
    picture = next(b for b in message.buttons() if b["label"] == "Picture")
    await world.press(message, picture["custom_id"])
    await message.wait_for(lambda m: m.revision >= 1)
    (drawn,) = message.attachments
    assert drawn["filename"] == "timeline.png" and drawn["description"].startswith("Timeline of the 9 moments")
    assert drawn["content_type"] == "image/png"
    assert message.embeds[0]["image"]["url"].endswith("/timeline.png")
    fits(message)
    # Back to the list: the picture goes, and the simulator refused nothing.
    back = next(b for b in message.buttons() if b["label"] == "Back to the list")
    await world.press(message, back["custom_id"])
    await message.wait_for(lambda m: m.revision >= 2)
    assert not message.attachments and message.embeds[0]["description"].splitlines()[1:] == lines
    fits(message)


async def test_someone_elses_tap_on_picture_gets_them_their_own(world: World) -> None:
    message = await world.answer("timeline")
    other = world.sim.add_user("kim")
    picture = next(b for b in message.buttons() if b["label"] == "Picture")
    record = await world.press(message, picture["custom_id"], user=other)
    # Acknowledged first while the picture is drawn (the first tap after a start), then answered in place.
    copy = await record.wait_original(lambda m: not m.loading)
    assert copy.ephemeral and len(copy.attachments) == 1 and message.revision == 0


async def test_source_and_point_in_full_from_every_topic(world: World) -> None:
    for topic in world.library.commands:
        message = await world.answer(str(topic.command), {"private": True})
        record = await world.press(message, source_of(message)["custom_id"])
        assert record.response is not None and record.response.type == UPDATE_MESSAGE
        await message.wait_for(lambda m: m.revision >= 1)
        block = world.library.source.blocks[topic.block]
        shown = " ".join(f["value"] for f in message.embeds[0]["fields"])
        assert block.paragraphs[0].text in shown
        fits(message)
        fresh = await world.answer(str(topic.command), {"private": True})
        menu = select_of(fresh)
        await world.pick(fresh, menu["custom_id"], menu["options"][0]["value"])
        await fresh.wait_for(lambda m: m.revision >= 1)
        assert title(fresh) == menu["options"][0]["label"]
        fits(fresh)


async def test_every_jump_option_on_every_topic(world: World) -> None:
    for topic in world.library.topics:
        command = world.library.command_of(topic)
        assert command.command is not None
        options = {command.option.name: key_of(topic.id)} if topic.parent and command.option else None
        first = await world.answer(command.command, options)
        # Topics only: the menu's points in full have their own test.
        for option in [o for o in select_of(first)["options"] if "#" not in o["value"]]:
            # A fresh answer for each option, since a jump replaces the message and its menu.
            message = await world.answer(command.command, options)
            record = await world.pick(message, select_of(message)["custom_id"], option["value"])
            assert record.response is not None and record.response.type == UPDATE_MESSAGE
            await message.wait_for(lambda m: m.revision >= 1)
            assert title(message) == world.library.by_id[option["value"]].title
            fits(message)


async def test_timeline_menu_jumps_to_each_event(world: World) -> None:
    message = await world.answer("timeline", {"private": True})
    for event in world.library.timeline:
        menu = select_of(message, "Open a moment in full…")
        revision = message.revision
        await world.pick(message, menu["custom_id"], f"@{event.id}")
        await message.wait_for(lambda m, r=revision: m.revision > r)
        assert title(message) == event.title
        assert message.ephemeral
        back = next(b for b in message.buttons() if b["label"] == "Back to the timeline")
        revision = message.revision
        await world.press(message, back["custom_id"])
        await message.wait_for(lambda m, r=revision: m.revision > r)


async def test_pages_of_a_long_topic(world: World) -> None:
    # The shipped topics fit on one page; a topic with four times the points needs several.
    history = world.library.by_command["history"]
    longer = dataclasses.replace(history, points=distinct(history.points * 4))
    await world.bot.apply_library(replace_topics(world.library, {"history": longer}))
    message = await world.answer("history", {"private": True})
    position = next(b for b in message.buttons() if b["custom_id"].startswith("nir:pos:"))
    assert position["disabled"] and position["label"].startswith("1/")
    count = position["label"].split("/")[1]
    assert nav(message, "f")["disabled"] and nav(message, "p")["disabled"]
    await world.press(message, nav(message, "l")["custom_id"])
    await message.wait_for(lambda m: m.revision >= 1)
    assert message.ephemeral
    assert next(b for b in message.buttons() if b["custom_id"].startswith("nir:pos:"))["label"] == f"{count}/{count}"
    fits(message)


async def test_another_users_click_gets_their_own_private_page(world: World) -> None:
    other = world.sim.add_user("someone-else")
    message = await world.answer("timeline")
    record = await world.press(message, source_of(message)["custom_id"], user=other)
    assert record.response is not None and record.response.type == CHANNEL_MESSAGE
    theirs = await record.wait_original()
    assert theirs.ephemeral and message.revision == 0
    assert field_names(theirs) != field_names(message)
    # Their copy is theirs: its buttons carry their id, and their clicks on it edit it.
    assert all(f":{other.id}:1" in c for c in theirs.custom_ids())
    menu = select_of(message, "Open a moment in full…")
    picked = await world.pick(message, menu["custom_id"], menu["options"][-1]["value"], user=other)
    assert picked.response is not None and picked.response.type == CHANNEL_MESSAGE
    back = next(b for b in theirs.buttons() if b["label"] == "Back to the timeline")
    await world.press(theirs, back["custom_id"], user=other)
    await theirs.wait_for(lambda m: m.revision >= 1)
    assert message.revision == 0


async def test_stale_button_gets_a_short_private_answer(world: World) -> None:
    message = await world.answer("collaboration")
    menu = select_of(message)
    collaboration = dataclasses.replace(world.library.by_command["collaboration"], children=("united-states",))
    await world.bot.apply_library(replace_topics(world.library, {"collaboration": collaboration}, drop={"coalition"}))
    record = await world.pick(message, menu["custom_id"], "coalition")
    reply = await record.wait_original()
    assert reply.ephemeral and reply.content == navigation.STALE
    assert message.revision == 0


async def test_unknown_component_gets_a_private_answer(world: World) -> None:
    channel = world.bot.get_partial_messageable(world.sim.default_channel.id)
    legacy = ActionRow(
        (
            Button("legacy:thing", "Old"),
            Button("nir:page:history:9999999:1:0:n", "Too far"),
            Button("nir:page:history:0:1:0:n", "Page"),
        )
    )
    sent = await channel.send("from an older version", view=MessageView([legacy]))
    message = world.sim.message(sent.id)
    for custom_id in ("legacy:thing", "nir:page:history:9999999:1:0:n"):
        record = await world.press(message, custom_id)
        reply = await record.wait_original()
        assert reply.ephemeral and reply.content == navigation.UNCLAIMED
    # A current custom_id on any message still works, by itself: it answers with the page, once.
    record = await world.press(message, "nir:page:history:0:1:0:n")
    assert len(record.attempts) == 1
    page = await record.wait_original()
    assert title(page) == world.library.by_command["history"].title


async def test_unknown_command_gets_a_private_answer(world: World) -> None:
    world.bot.tree.remove_command("impact")
    message = await world.answer("impact")
    assert message.ephemeral and "no longer exists" in message.content


async def test_removed_topic_command_gets_a_private_answer(world: World) -> None:
    # Discord still lists /impact (nothing was synced), but the new library took its command away with it.
    await world.bot.apply_library(replace_topics(world.library, {}, drop={"impact"}))
    assert world.bot.tree.get_command("impact") is None
    message = await world.answer("impact")
    assert message.ephemeral and "no longer exists" in message.content


async def test_unknown_option_values_get_private_answers(world: World) -> None:
    era = await world.answer("timeline", {"era": "the year 3000"})
    assert era.ephemeral and "“the year 3000”" in era.content and "era" in era.content
    # A part the registered choices still offer but the reloaded library no longer has.
    collaboration = world.library.by_command["collaboration"]
    fewer = dataclasses.replace(collaboration, children=("coalition",))
    await world.bot.apply_library(replace_topics(world.library, {"collaboration": fewer}, drop={"united-states"}))
    part = await world.answer("collaboration", {"partner": "united-states"})
    assert part.ephemeral and "partner" in part.content


async def test_internal_error_is_logged_and_answered(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    # discord.py loads extensions itself, so the loaded module is reached through sys.modules.
    monkeypatch.setattr(sys.modules["cogs.topics"], "render_topic", broken)
    monkeypatch.setattr("bot.app.navigation.render_key", broken)
    with caplog.at_level(logging.ERROR):
        message = await world.answer("history")
        assert message.ephemeral and "Something went wrong" in message.content
        timeline = await world.answer("timeline")
        record = await world.press(timeline, source_of(timeline)["custom_id"])
        reply = await record.wait_original()
        assert reply.ephemeral and "Something went wrong" in reply.content
    assert any("boom" in (r.exc_text or "") for r in caplog.records)


async def test_cooldown_answers_with_the_time_left() -> None:
    async for w in start(Settings(cooldown_rate=2, cooldown_seconds=60)):
        await w.answer("history")
        await w.answer("role")
        # Typing into autocomplete does not count.
        record = await w.sim.autocomplete("timeline", "era", "")
        await record.wait_response()
        limited = await w.answer("objectives")
        assert limited.ephemeral and "try again in" in limited.content
        seconds = int(limited.content.split("try again in ")[1].split(" s")[0])
        assert 1 <= seconds <= 60
        other = w.sim.add_user("patient")
        assert not (await w.answer("objectives", user=other)).ephemeral


def replace_topics(library: Library, new: dict[str, Any], drop: set[str] | frozenset[str] = frozenset()) -> Library:
    topics = tuple(new.get(t.id, t) for t in library.topics if t.id not in drop)
    return Library(library.pack, library.source, topics, library.timeline)


async def test_stale_page_button_gets_a_short_private_answer(world: World) -> None:
    history = world.library.by_command["history"]
    await world.bot.apply_library(
        replace_topics(world.library, {"history": dataclasses.replace(history, points=distinct(history.points * 3))})
    )
    message = await world.answer("history")
    await world.bot.apply_library(replace_topics(world.library, {}, drop={"history"}))
    record = await world.press(message, nav(message, "n")["custom_id"])
    reply = await record.wait_original()
    assert reply.ephemeral and reply.content == navigation.STALE and message.revision == 0


async def test_autocomplete_of_an_unknown_command_gets_an_empty_list(world: World) -> None:
    world.bot.tree.remove_command("timeline")
    record = await world.sim.autocomplete("timeline", "era", "x")
    await record.wait_response()
    assert record.response is not None and record.response.type == AUTOCOMPLETE_RESULT
    assert record.choices == []


async def test_an_option_value_of_the_wrong_type_gets_a_friendly_answer(world: World) -> None:
    # A boolean option whose value is text (a stale registration, a modified client): discord.py would hand
    # "yes" to the handler as it is. The simulator's own builder sends a boolean, so the payload is edited.
    record = await world.sim.invoke("history", {"private": True}, dispatch=False)
    record.payload["data"]["options"][0]["value"] = "yes"
    await world.sim._dispatch(record, True)
    await record.wait_response()
    message = await record.wait_original()
    assert message.ephemeral and "I can’t read the value given for private" in message.content


async def test_autocomplete_for_an_option_without_one_gets_an_empty_list(world: World) -> None:
    # Discord still has a registration where `private` completes; the bot's command no longer does.
    registered = world.sim.find_command("history")
    next(o for o in registered["options"] if o["name"] == "private")["autocomplete"] = True
    record = await world.sim.autocomplete("history", "private", "y")
    await record.wait_response()
    assert record.response is not None and record.response.type == AUTOCOMPLETE_RESULT
    assert record.choices == []


# ------------------------------------------------------------------------------------------------ mentions


async def test_related_commands_are_mentions_once_synced_and_after_a_restart(tmp_path: Any) -> None:
    settings = Settings(cooldown_rate=10_000, data_dir=tmp_path / "data")
    async with DiscordSimulator() as sim:
        bot = create_bot(settings, guild_ready_timeout=0.05)
        async with run_client(bot, sim) as running:
            await running.tree.sync()  # registered, but not through the bot's sync: no ids known
            before = await World(sim, running).answer("objectives")
            assert "**Related:** `/role`" in before.embeds[0]["description"]  # ids unknown yet: plain code
            # The operator's sync: its answer carries the ids, kept in memory and beside the sync hash.
            await sync_commands(running.tree, SyncState(settings.data_dir), None, force=True)
            ids = {c["name"]: c["id"] for c in sim.get_commands(None)}
            after = await World(sim, running).answer("objectives")
            assert f"**Related:** </role:{ids['role']}>" in after.embeds[0]["description"]
            contents = await World(sim, running).answer("topics")
            assert f"</timeline:{ids['timeline']}>" in contents.embeds[0]["description"]
        # A restart that does not sync still knows them.
        again = create_bot(settings, guild_ready_timeout=0.05)
        async with run_client(again, sim) as restarted:
            later = await World(sim, restarted).answer("objectives")
            assert f"</role:{ids['role']}>" in later.embeds[0]["description"]
            assert sim.sync_count(None) == 2  # the two above; the restart did not sync


async def test_the_timeline_picture_goes_through_discord_and_is_redrawn_after_a_reload(world: World) -> None:
    from PIL import Image

    from bot.render import timeline_images

    async def uploaded(**options: Any) -> tuple[bytes, dict[str, Any]]:
        message = await world.answer("timeline", options or None)
        picture = next(b for b in message.buttons() if b["label"] == "Picture")
        await world.press(message, picture["custom_id"])
        await message.wait_for(lambda m: m.revision >= 1)
        (attachment,) = message.attachments
        return world.sim.attachment_data[int(attachment["id"])][1], attachment

    drawn = timeline_images.drawn
    first, _ = await uploaded()
    again, _ = await uploaded(private=True)
    assert first == again and timeline_images.drawn <= drawn + 1  # once per library
    picture = Image.open(io.BytesIO(first))
    assert picture.format == "PNG" and picture.width >= 800
    event = world.library.timeline[0]
    changed = dataclasses.replace(event, title="A title the picture did not have")
    await world.bot.apply_library(dataclasses.replace(world.library, timeline=(changed, *world.library.timeline[1:])))
    after, attachment = await uploaded()
    assert after != first
    assert "A title the picture did not have" in attachment["description"]
