"""The custom_id scheme and the DynamicItems that read it, without a connection."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.app import navigation
from bot.app.client import ReferenceBot, create_bot
from bot.app.replies import MessageView, message_kwargs
from bot.render import ActionRow, Button, Reply, Select, SelectOption, Viewer
from bot.render.ids import CONTENTS, TIMELINE, jump_id, key_of, page_id, position_id
from bot.settings import Settings

LONGEST_USER = 2**64 - 1


@pytest.mark.parametrize("key", ["history", "a" * 40, key_of("b" * 200), TIMELINE, CONTENTS])
@pytest.mark.parametrize("private", [False, True])
def test_custom_ids_fit_and_round_trip(key: str, private: bool) -> None:
    viewer = Viewer(LONGEST_USER, private)
    page = page_id(key, 999_999, viewer, "l")
    position = position_id(key, 999_999, viewer)
    jump = jump_id(key, viewer)
    for custom_id in (page, position, jump):
        assert len(custom_id) <= 100
    found = re.fullmatch(navigation.PageButton.__discord_ui_compiled_template__, page)
    assert found is not None
    assert (found["key"], int(found["page"]), int(found["user"]), found["private"], found["slot"]) == (
        key,
        999_999,
        LONGEST_USER,
        "1" if private else "0",
        "l",
    )
    assert navigation.PositionLabel.__discord_ui_compiled_template__.fullmatch(position)
    assert navigation.JumpSelect.__discord_ui_compiled_template__.fullmatch(jump)


def test_templates_do_not_overlap() -> None:
    viewer = Viewer(7)
    ids = [page_id("history", 1, viewer, "n"), position_id("history", 1, viewer), jump_id("history", viewer)]
    for custom_id in ids:
        matching = [i for i in navigation.DYNAMIC_ITEMS if i.claims(custom_id)]
        assert len(matching) == 1, custom_id


def test_foreign_ids_match_nothing() -> None:
    for custom_id in ("legacy:thing", "nir:page:History:0:1:0:n", "nir:page:history:0:1:2:n", "nir:jump:x:y:0"):
        assert not any(i.claims(custom_id) for i in navigation.DYNAMIC_ITEMS)


@pytest.fixture
async def bot() -> AsyncIterator[ReferenceBot]:
    async with create_bot(Settings()) as bot:
        await bot.setup_hook()
        yield bot


async def test_setup_hook_registers_the_dynamic_items(bot: ReferenceBot) -> None:
    registered = bot.navigation_items
    assert set(navigation.DYNAMIC_ITEMS) <= registered


async def test_sent_views_are_never_stored(bot: ReferenceBot) -> None:
    # A stored view without a timeout would be kept by discord.py for the life of the process, one per message.
    reply = Reply(
        rows=(
            ActionRow((Button(page_id("history", 0, Viewer(1), "n"), "▶"),)),
            ActionRow((Select(jump_id("history", Viewer(1)), "Jump", (SelectOption("A", "a"),)),)),
        )
    )
    kwargs = message_kwargs(reply)
    view = kwargs["view"]
    assert isinstance(view, MessageView) and view.is_finished() and view.timeout is None
    assert message_kwargs(Reply(content="x"), editing=True)["view"] is None
