"""A tansu broker (real Kafka protocol, in-memory) for the tests marked `kafka`, one per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from foryou.transport.tansu import TansuBroker, find_tansu


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    if find_tansu() is None:
        pytest.skip("tansu is not installed (the 'kafka' extra ships it)")
    with TansuBroker() as broker:
        yield broker.bootstrap
