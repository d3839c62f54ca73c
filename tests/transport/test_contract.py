"""The embedded log and the Kafka adapter (over a real tansu broker) keep the same contract."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import pytest

from foryou.transport import EmbeddedLog, Transport, key_for
from foryou.transport.record import Consumer, Record

_names = itertools.count()


@pytest.fixture(params=["embedded", pytest.param("kafka", marks=pytest.mark.kafka)])
def transport(request: pytest.FixtureRequest) -> Iterator[Transport]:
    if request.param == "embedded":
        log = EmbeddedLog()
        yield log
        log.close()
    else:
        from foryou.transport.kafka import KafkaTransport

        yield KafkaTransport(request.getfixturevalue("kafka_bootstrap"))


def _read(consumer: Consumer, count: int, timeout_s: float = 20.0) -> list[Record]:
    out: list[Record] = []
    deadline = time.monotonic() + timeout_s
    while len(out) < count and time.monotonic() < deadline:
        out.extend(consumer.poll_batch(count - len(out), 0.2))
    return out


def test_produce_consume_commit_resume_and_lag(transport: Transport) -> None:
    topic = f"contract.{next(_names)}.{time.monotonic_ns()}"
    transport.ensure_topics([topic], 3)
    producer = transport.producer()
    for i in range(30):
        producer.produce(topic, f"{i % 5}:{i}".encode(), key=key_for(i % 5))
    producer.flush()
    consumer = transport.consumer("contract-a", [topic])
    first = _read(consumer, 12)
    assert len(first) == 12
    consumer.commit({(r.topic, r.partition): r.offset + 1 for r in first})
    rest = _read(consumer, 18)
    values = [r.value.decode() for r in first + rest]
    assert sorted(values) == sorted(f"{i % 5}:{i}" for i in range(30))
    for key in range(5):  # per-key order
        mine = [int(v.split(":")[1]) for v in values if v.startswith(f"{key}:")]
        assert mine == sorted(mine)
    deadline = time.monotonic() + 10
    while sum(consumer.lag().values()) != 0:
        assert time.monotonic() < deadline
        consumer.poll_batch(10, 0.1)
    positions = consumer.positions()
    assert sum(positions.values()) == 30
    expected = {(r.topic, r.partition): max(x.offset for x in first if x.partition == r.partition) + 1 for r in first}
    deadline = time.monotonic() + 10  # Kafka commits are asynchronous (decision Transport): wait for it
    while (committed := {tp: o for tp, o in consumer.committed().items() if o >= 0}) != expected:
        assert time.monotonic() < deadline, committed
        consumer.poll_batch(1, 0.1)
    consumer.close()
    resumed = transport.consumer("contract-b", [topic], start=committed)
    assert sorted(r.value.decode() for r in _read(resumed, 18)) == sorted(r.value.decode() for r in rest)
    resumed.close()
    producer.close()
