"""Suite-wide guards on every `DiscordSimulator` a test makes.

1. Discord (the simulator) refuses nothing we send: a 400 for a broken limit, a late or double acknowledgement,
   or a call to a route Discord does not have fails the test that caused it. The simulator's own tests provoke
   those refusals on purpose and are exempt, as is a test marked `provokes_rejections`.
2. The simulator answers as Discord's published spec says: every REST answer it gives, in every test, is checked
   against the spec's response schema for that route and status (`tests/discord_spec.py`), and a mismatch fails
   the test. Only answers the spec cannot describe are left out: server errors (5xx) and Cloudflare's HTML ban,
   which the simulator gives only when a test injects them. Without the spec beside the checkout the check is
   off, and the summary says so.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from bot.content import Library, load_library
from bot.search import SearchIndex, index_of
from bot.settings import SHIPPED_CONTENT_DIR
from bot.simulator import DiscordSimulator, ServedResponse
from tests.discord_spec import ABSENT_REASON, DiscordSpec, served_mismatches

SIMULATOR_TESTS = Path(__file__).parent / "simulator"

# Property tests: a quick look for `make test`, a thorough one in CI (`.ci/run` sets HYPOTHESIS_PROFILE=ci).
settings.register_profile("default", max_examples=60)
settings.register_profile("ci", max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# What the spec check saw in this run, for the summary.
SPEC_TALLY: Counter[str] = Counter()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "provokes_rejections: the test makes the simulator refuse a request on purpose")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if DiscordSpec.load() is None:
        terminalreporter.write_line(f"Discord spec check off: {ABSENT_REASON}")
        return
    if SPEC_TALLY:
        terminalreporter.write_line(
            f"Discord spec check: {SPEC_TALLY['validated']} simulator answers validated against the spec "
            f"({SPEC_TALLY['exempt']} injected 5xx/Cloudflare answers left out)"
        )


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A copy of the shipped pack to break (without its README, which the loader never reads)."""
    root = tmp_path / "content"
    shutil.copytree(SHIPPED_CONTENT_DIR, root, ignore=shutil.ignore_patterns("README.md"))
    return root


@pytest.fixture(scope="session")
def library() -> Library:
    """The shipped pack, loaded once: it is frozen, so every test can share it."""
    return load_library(SHIPPED_CONTENT_DIR)


@pytest.fixture(scope="session")
def index(library: Library) -> SearchIndex:
    return index_of(library)


@pytest.fixture(autouse=True)
def simulator_guard(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    exempt = Path(str(request.path)).is_relative_to(SIMULATOR_TESTS) or request.node.get_closest_marker(
        "provokes_rejections"
    )
    spec = DiscordSpec.load()
    made: list[DiscordSimulator] = []
    served: list[ServedResponse] = []
    original = DiscordSimulator.__init__

    def recording_init(self: DiscordSimulator, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)
        if spec is not None:
            # Kept as sent and checked after the test, so the check costs the test no time while it runs.
            self.response_listeners.append(served.append)

    monkeypatch.setattr(DiscordSimulator, "__init__", recording_init)
    yield
    if spec is not None:
        problems = served_mismatches(spec, served, SPEC_TALLY)
        if problems:
            shown = "\n".join(problems[:20]) + (f"\n... and {len(problems) - 20} more" if len(problems) > 20 else "")
            pytest.fail(f"the simulator answered what Discord's spec does not describe:\n{shown}", pytrace=False)
    if not exempt:
        for sim in made:
            sim.assert_no_rejections()
