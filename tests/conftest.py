"""Suite-wide guard: outside the simulator's own tests, Discord (the simulator) refuses nothing we send.

Every `DiscordSimulator` made during a test is checked when the test ends: a 400 for a broken limit, a late or
double acknowledgement, or a call to a route Discord does not have fails the test that caused it. The
simulator's own tests provoke those refusals on purpose and are exempt, as is a test marked
`provokes_rejections`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from bot.content import Library, load_library
from bot.search import SearchIndex, index_of
from bot.settings import SHIPPED_CONTENT_DIR
from bot.simulator import DiscordSimulator

SIMULATOR_TESTS = Path(__file__).parent / "simulator"

# Property tests: a quick look for `make test`, a thorough one in CI (`.ci/run` sets HYPOTHESIS_PROFILE=ci).
settings.register_profile("default", max_examples=60)
settings.register_profile("ci", max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "provokes_rejections: the test makes the simulator refuse a request on purpose")


@pytest.fixture(scope="session")
def library() -> Library:
    """The shipped pack, loaded once: it is frozen, so every test can share it."""
    return load_library(SHIPPED_CONTENT_DIR)


@pytest.fixture(scope="session")
def index(library: Library) -> SearchIndex:
    return index_of(library)


@pytest.fixture(autouse=True)
def no_rejections(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    exempt = Path(str(request.path)).is_relative_to(SIMULATOR_TESTS) or request.node.get_closest_marker(
        "provokes_rejections"
    )
    if exempt:
        yield
        return
    made: list[DiscordSimulator] = []
    original = DiscordSimulator.__init__

    def recording_init(self: DiscordSimulator, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(DiscordSimulator, "__init__", recording_init)
    yield
    for sim in made:
        sim.assert_no_rejections()
