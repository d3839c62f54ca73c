"""Fixtures of the Phoenix tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import GOLDEN_DIR


@pytest.fixture
def golden_dir() -> Path:
    if not GOLDEN_DIR.is_dir():
        pytest.skip(f"golden files not found at {GOLDEN_DIR} (shared/ must sit beside the project checkout)")
    return GOLDEN_DIR
