"""What the real process logs: no interaction token even at DEBUG, no voice warnings, no traceback for a
connection discord.py retries by itself."""

from __future__ import annotations

import logging
import signal
from pathlib import Path

import pytest

from bot.ops.logs import REDACTED, install_filters, redact
from bot.simulator import DiscordSimulator
from tests.ops_support import process_env
from tests.test_ops_lifecycle import bot_process


async def test_debug_logs_never_carry_an_interaction_token(tmp_path: Path) -> None:
    async with DiscordSimulator() as sim:
        guild = sim.default_guild
        assert guild is not None
        env = process_env(sim, tmp_path / "data", DEV_GUILD_ID=str(guild.id), LOG_LEVEL="DEBUG")
        async with bot_process(tmp_path, env) as running:
            await sim.wait_for_session(0, within=20)
            # A deferred answer, then its edit: the callback URL and the webhook URL both carry the token.
            records = [await sim.invoke(name, guild=guild) for name in ("objectives", "timeline", "about")]
            for record in records:
                await record.wait_original()
            await running.wait_for_line(r"/interactions/\d+/")
            assert await running.stop(signal.SIGTERM) == 0
    output = running.output
    for record in records:
        assert record.token not in output, "an interaction token reached the log"
    assert f"/interactions/{records[0].id}/{REDACTED}/callback" in output
    assert "Traceback" not in output


async def test_a_start_logs_no_voice_warnings(tmp_path: Path) -> None:
    async with DiscordSimulator() as sim, bot_process(tmp_path, process_env(sim, tmp_path / "data")) as running:
        await sim.wait_for_session(0, within=20)
        await running.wait_for_line(r"connected to Gateway")
        assert await running.stop() == 0
    assert "voice will NOT be supported" not in running.output
    assert "PyNaCl" not in running.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "POST http://x/api/v10/interactions/123/aW50ZXJhY3Rpb246MTIz/callback?with_response=true has returned 200",
            f"POST http://x/api/v10/interactions/123/{REDACTED}/callback?with_response=true has returned 200",
        ),
        ("PATCH /webhooks/42/tok.en-_x/messages/@original", f"PATCH /webhooks/42/{REDACTED}/messages/@original"),
        ("{'type': 2, 'token': 'abc.def', 'id': '1'}", f"{{'type': 2, 'token': '{REDACTED}', 'id': '1'}}"),
        ('{"token":"abc"}', f'{{"token":"{REDACTED}"}}'),
        ("GET /users/@me has returned 200", "GET /users/@me has returned 200"),
    ],
)
def test_redaction(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_a_retried_connection_failure_is_one_warning_line(caplog: pytest.LogCaptureFixture) -> None:
    install_filters()
    logger = logging.getLogger("discord.shard")
    try:
        raise ConnectionResetError(104, "Connection reset by peer")
    except ConnectionResetError:
        logger.exception("Attempting a reconnect for shard ID %s in %.2fs", 0, 3.5)
    (record,) = [r for r in caplog.records if r.name == "discord.shard"]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert record.getMessage() == (
        "Attempting a reconnect for shard ID 0 in 3.50s (ConnectionResetError: [Errno 104] Connection reset by peer)"
    )
