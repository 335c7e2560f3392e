"""Settings: typed parsing, clear errors naming the variable, and a token that never shows."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.settings import SHIPPED_CONTENT_DIR, Secret, Settings, SettingsError

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.super-secret-token-value"


def test_defaults_need_nothing() -> None:
    settings = Settings.from_mapping({})
    assert settings.discord_token is None
    assert settings.dev_guild_id is None
    assert settings.log_level == "INFO"
    assert settings.content_dir == SHIPPED_CONTENT_DIR
    assert (settings.content_dir / "pack.yaml").is_file()
    assert settings.data_dir == Path("data")
    assert settings.discord_api_base == "https://discord.com/api/v10"


def test_values_are_parsed_into_types(tmp_path: Path) -> None:
    settings = Settings.from_mapping(
        {
            "DISCORD_TOKEN": TOKEN,
            "DEV_GUILD_ID": " 123456789012345678 ",
            "LOG_LEVEL": "debug",
            "CONTENT_DIR": str(tmp_path),
            "DATA_DIR": str(tmp_path / "state"),
            "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10/",
            "DISCORD_GATEWAY_URL": "ws://127.0.0.1:9/gateway",
            "COOLDOWN_RATE": "3",
            "COOLDOWN_SECONDS": "1.5",
        }
    )
    assert settings.discord_token == Secret(TOKEN)
    assert settings.dev_guild_id == 123456789012345678
    assert settings.log_level == "DEBUG"
    assert settings.content_dir == tmp_path.resolve()
    assert settings.data_dir == tmp_path / "state"
    assert settings.discord_api_base == "http://127.0.0.1:9/api/v10"
    assert (settings.cooldown_rate, settings.cooldown_seconds) == (3, 1.5)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DEV_GUILD_ID", "my-server", "DEV_GUILD_ID: expected a server id (a positive whole number), got 'my-server'"),
        ("DEV_GUILD_ID", "-5", "DEV_GUILD_ID: expected a server id"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL: expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'LOUD'"),
        ("CONTENT_DIR", "/no/such/folder", "CONTENT_DIR: expected a folder that exists, got '/no/such/folder'"),
        ("DISCORD_API_BASE", "discord.com", "DISCORD_API_BASE: expected an http(s) URL"),
        ("DISCORD_GATEWAY_URL", "https://x", "DISCORD_GATEWAY_URL: expected a ws(s) URL"),
        ("COOLDOWN_RATE", "0", "COOLDOWN_RATE: expected a whole number of commands, at least 1, got '0'"),
        ("COOLDOWN_SECONDS", "soon", "COOLDOWN_SECONDS: expected a finite number of seconds above 0, got 'soon'"),
        # float() reads these too; forever is not a cooldown (the limited command would get no answer at all).
        ("COOLDOWN_SECONDS", "inf", "COOLDOWN_SECONDS: expected a finite number of seconds above 0, got 'inf'"),
        ("COOLDOWN_SECONDS", "Infinity", "COOLDOWN_SECONDS: expected a finite number"),
        ("COOLDOWN_SECONDS", "1e999", "COOLDOWN_SECONDS: expected a finite number"),
        ("COOLDOWN_SECONDS", "nan", "COOLDOWN_SECONDS: expected a finite number"),
    ],
)
def test_a_bad_value_names_the_variable_and_what_it_expects(name: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_mapping({name: value})
    assert expected in str(caught.value)


def test_every_bad_value_is_reported_at_once() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_mapping({"DEV_GUILD_ID": "x", "LOG_LEVEL": "y"})
    assert [p.split(":")[0] for p in caught.value.problems] == ["DEV_GUILD_ID", "LOG_LEVEL"]


def test_a_rejected_token_is_not_echoed() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_mapping({"DISCORD_TOKEN": "abc def-secret"})
    assert "DISCORD_TOKEN" in str(caught.value)
    assert "secret" not in str(caught.value)


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        "# comment\nexport LOG_LEVEL=warning\nDEV_GUILD_ID='42'\nDISCORD_TOKEN=\"from-file\"  \n"
        "COOLDOWN_RATE=4 # four\n",
        encoding="utf-8",
    )
    settings = Settings.from_env({"DEV_GUILD_ID": "7"}, env_file=env)
    assert settings.log_level == "WARNING"
    assert settings.dev_guild_id == 7
    assert settings.cooldown_rate == 4
    assert settings.discord_token is not None and settings.discord_token.get() == "from-file"


def test_an_env_file_saved_with_a_byte_order_mark_keeps_its_first_variable(tmp_path: Path) -> None:
    # Notepad and some Windows editors start a UTF-8 file with U+FEFF; the first key must not swallow it.
    env = tmp_path / ".env"
    env.write_bytes("DISCORD_TOKEN=from-file\nREQUIRE_TOKEN=true\n".encode("utf-8-sig"))
    settings = Settings.from_env({}, env_file=env)
    assert settings.discord_token is not None and settings.discord_token.get() == "from-file"
    assert settings.require_token is True


def test_token_never_shows_in_repr_str_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings.from_mapping({"DISCORD_TOKEN": TOKEN})
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)
    assert "<set>" in repr(settings)
    assert TOKEN not in f"{settings.discord_token}"
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("bot.test").info("settings: %s; token: %s", settings, settings.discord_token)
        logging.getLogger("bot.test").info("token repr %r", settings.discord_token)
    assert caplog.records
    assert TOKEN not in caplog.text


def test_no_token_with_require_token_exits_1_with_guidance(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Without REQUIRE_TOKEN a missing token starts the local playground instead (tests/test_playground*).
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.setenv("REQUIRE_TOKEN", "true")
    assert main(["run"]) == 1
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN" in err and ".env.example" in err and "README" in err
    assert "Traceback" not in err


def test_a_bad_setting_exits_1_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    assert main(["run"]) == 1
    err = capsys.readouterr().err
    assert "LOG_LEVEL: expected one of" in err
    assert "Traceback" not in err


def test_check_command_reports_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--content-dir", str(SHIPPED_CONTENT_DIR)]) == 0
    out = capsys.readouterr().out
    assert "paragraphs: 57/57 quoted" in out
    assert "blocks:     16/16" in out


def test_check_command_lists_every_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    root = tmp_path / "content"
    shutil.copytree(SHIPPED_CONTENT_DIR, root)
    (root / "pack.yaml").write_text("title: [\n", encoding="utf-8")
    assert main(["check", "--content-dir", str(root)]) == 1
    err = capsys.readouterr().err
    assert "pack.yaml:2: YAML syntax error" in err
    assert "Traceback" not in err
