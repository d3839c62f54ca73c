"""A small generated world shared by the world tests (generated once per session)."""

from pathlib import Path

import pytest

from foryou.world import WorldConfig, generate_world

SMALL = WorldConfig(users=800, days=2, seed=7)


@pytest.fixture(scope="session")
def small_config() -> WorldConfig:
    return SMALL


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate_world(SMALL, out, progress=False)
    return out
