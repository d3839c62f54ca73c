"""Fixtures of the training tests (the data itself lives in tiny_training_data.py)."""

from __future__ import annotations

import pytest
from tiny_training_data import tiny_data

from foryou.training import Ml100kData


@pytest.fixture()
def data() -> Ml100kData:
    return tiny_data()
