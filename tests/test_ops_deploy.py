"""The deployment files agree with the code and with each other (Docker itself cannot run here).

What can be checked without a Docker daemon or a systemd host: the image installs and starts the bot the way the
quick start does, runs as a non-root user with REQUIRE_TOKEN, and its HEALTHCHECK one-liner really tells a
healthy endpoint from an unhealthy one; compose mounts what the image expects; the systemd unit's user, paths and
environment file are consistent, and what it lets the bot write is exactly DATA_DIR.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.ops.health import HEALTH_PATH, HealthServer
from bot.settings import Settings, read_env_file
from tests.ops_support import ROOT

DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "compose.yaml"
UNIT = ROOT / "deploy" / "nato-iraq-bot.service"
UNIT_ENV = ROOT / "deploy" / "env.example"


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text(encoding="utf-8"))
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def instructions(name: str) -> list[str]:
    return [rest for word, rest in dockerfile() if word == name]


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for rest in instructions("ENV"):
        for pair in shlex.split(rest):
            key, _, value = pair.partition("=")
            env[key] = value
    return env


def makefile_recipe(target: str) -> list[str]:
    """The commands of the Makefile rule for `target`, as written there."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.split(":", 1)[0] == target and ":" in line)
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip().lstrip("@"))
    return recipe


def unit() -> dict[str, list[tuple[str, str]]]:
    """Sections of the unit file, each a list of (key, value); keys may repeat (Environment=)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for raw in UNIT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
            continue
        key, _, value = line.partition("=")
        current.append((key.strip(), value.strip()))
    return sections


def service(key: str) -> list[str]:
    return [v for k, v in unit()["Service"] if k == key]


def one(key: str) -> str:
    values = service(key)
    assert len(values) == 1, f"{key}= should be set exactly once, got {values}"
    return values[0]


# ------------------------------------------------------------------------------------------------ the image


def test_the_image_is_slim_python_3_11() -> None:
    assert re.fullmatch(r"python:3\.11(\.\d+)?-slim(-\w+)?", instructions("FROM")[0])


def test_the_image_installs_and_starts_the_bot_as_the_quick_start_does() -> None:
    install = next(line for line in makefile_recipe("$(VENV)/.installed-run") if "pip install" in line)
    # The Makefile installs editable (-e) for people who edit the code; an image is never edited in place.
    expected_install = install.replace("$(PY)", "python").replace(" -e ", " ")
    assert any(run.startswith(expected_install + " ") or run == expected_install for run in instructions("RUN"))

    start = makefile_recipe("run")
    assert start == ["$(PY) -m bot run"]
    assert json.loads(instructions("CMD")[-1]) == ["python", "-m", "bot", "run"]
    # The README's quick start is that Makefile rule.
    assert "make run" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_image_runs_as_a_dedicated_user_and_requires_a_token() -> None:
    user = instructions("USER")[-1]
    assert user not in ("root", "0") and not user.startswith(("root:", "0:"))
    assert any(re.search(rf"useradd .*\b{re.escape(user)}$", run) for run in instructions("RUN"))
    env = image_env()
    assert env["REQUIRE_TOKEN"] == "true"
    settings = Settings.from_mapping(env | {"CONTENT_DIR": str(ROOT / "content")})
    assert settings.require_token and settings.health_port is not None
    # Loopback: the HEALTHCHECK runs inside the container, and nothing outside needs /metrics by default.
    assert settings.health_host == "127.0.0.1"


def test_content_and_data_are_where_the_settings_point() -> None:
    env = image_env()
    assert any(copy.split() == ["content", env["CONTENT_DIR"]] for copy in instructions("COPY"))
    assert env["DATA_DIR"] in json.loads(instructions("VOLUME")[0])
    user = instructions("USER")[-1]
    assert any(f"-o {user}" in run and run.endswith(env["DATA_DIR"]) for run in instructions("RUN"))
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in ignored and ".venv/" in ignored, "a token or a virtualenv would be copied into the image"


def _healthcheck_code() -> str:
    check = instructions("HEALTHCHECK")[0]
    assert "--interval=" in check and "--start-period=" in check
    command = json.loads(check[check.index("CMD") + 3 :].strip())
    assert command[:2] == ["python", "-c"]
    code: str = command[2]
    assert HEALTH_PATH in code and "HEALTH_PORT" in code
    return code


@pytest.mark.parametrize(("status", "exit_code"), [("ok", 0), ("unavailable", 1)])
async def test_the_healthcheck_one_liner_tells_healthy_from_not(status: str, exit_code: int) -> None:
    code = _healthcheck_code()
    server = HealthServer("127.0.0.1", 0, lambda: {"status": status}, lambda: b"")
    await server.start()
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            code,
            env={**os.environ, "HEALTH_PORT": str(server.port)},
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        assert await asyncio.wait_for(proc.wait(), 10) == exit_code
    finally:
        await server.stop()


def test_compose_mounts_what_the_image_expects() -> None:
    compose: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    bot = compose["services"]["bot"]
    env = image_env()
    assert bot["build"] == "."
    assert bot["env_file"] == ".env"
    assert bot["environment"]["REQUIRE_TOKEN"] == "true"
    targets = {volume.split(":")[1]: volume for volume in bot["volumes"]}
    assert targets[env["CONTENT_DIR"]].endswith(":ro")
    assert env["DATA_DIR"] in targets
    assert bot["environment"]["CONTENT_DIR"] == env["CONTENT_DIR"]
    assert bot["environment"]["DATA_DIR"] == env["DATA_DIR"]
    assert bot["stop_signal"] == "SIGTERM"
    assert int(bot["stop_grace_period"].rstrip("s")) >= 15


# ------------------------------------------------------------------------------------------------ systemd


def test_the_unit_runs_the_venv_python_from_its_working_directory_as_its_user() -> None:
    workdir = Path(one("WorkingDirectory"))
    assert workdir.is_absolute()
    # `make` creates .venv in the checkout and runs `$(PY) -m bot run`: the unit does the same.
    assert one("ExecStart") == f"{workdir}/.venv/bin/python -m bot run"
    assert makefile_recipe("run") == ["$(PY) -m bot run"]
    user = one("User")
    assert user not in ("root", "0") and one("Group") == user
    assert Path(one("EnvironmentFile").lstrip("-")).is_absolute()
    assert any(k == "Documentation" and str(workdir) in v for k, v in unit()["Unit"])


def test_the_unit_writes_only_data_dir_and_stops_like_docker_does() -> None:
    env = dict(value.split("=", 1) for value in service("Environment"))
    assert env["REQUIRE_TOKEN"] == "true"
    data_dir = env["DATA_DIR"]
    assert one("ReadWritePaths") == data_dir
    assert data_dir == f"/var/lib/{one('StateDirectory')}"
    assert one("ProtectSystem") == "strict" and one("NoNewPrivileges") == "yes"
    assert (one("Restart"), one("KillSignal"), one("TimeoutStopSec")) == ("on-failure", "SIGTERM", "15")
    assert ("WantedBy", "multi-user.target") in unit()["Install"]


def test_the_env_file_example_leaves_the_units_own_settings_alone() -> None:
    # systemd lets EnvironmentFile= override Environment=, so the file must not move DATA_DIR away from
    # ReadWritePaths (nor switch REQUIRE_TOKEN off).
    values = read_env_file(UNIT_ENV)
    assert "DATA_DIR" not in values and "REQUIRE_TOKEN" not in values
    assert "DISCORD_TOKEN" in values
    Settings.from_mapping({**values, "DISCORD_TOKEN": "x"})


def test_the_unit_passes_systemd_analyze_where_available() -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed")
    result = subprocess.run([tool, "verify", str(UNIT)], capture_output=True, text=True, timeout=60, check=False)
    # The checkout and its venv do not exist on a build machine; anything else is a real complaint.
    complaints = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and "is not executable: No such file or directory" not in line
    ]
    assert not complaints, complaints


def test_the_readme_documents_each_file() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    deploying = readme[readme.index("## Deploying") :]
    for name in ("Dockerfile", "compose.yaml", "deploy/nato-iraq-bot.service", "deploy/env.example", "/healthz"):
        assert name in deploying, name
    assert "## Sharding" in readme
