"""The embedded log: per-key order, offsets, consumer groups, replay, lag and persistence."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foryou.core.errors import CorruptDataError
from foryou.transport import EmbeddedLog, key_for
from foryou.transport.segments import read_segments

TOPIC = "t"


def _drain(consumer: object, limit: int = 1000) -> list[bytes]:
    out = []
    while batch := consumer.poll_batch(limit, 0.0):  # type: ignore[attr-defined]
        out.extend(r.value for r in batch)
    return out


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 6), st.binary(max_size=8)), max_size=40), st.integers(1, 7))
def test_every_record_is_read_once_and_per_key_order_holds(events: list[tuple[int, bytes]], batch: int) -> None:
    log = EmbeddedLog(default_partitions=3)
    producer = log.producer()
    for key, value in events:
        producer.produce(TOPIC, key_for(key) + b":" + value, key=key_for(key))
    consumer = log.consumer("g", [TOPIC])
    got = _drain(consumer, batch)
    assert sorted(got) == sorted(key_for(k) + b":" + v for k, v in events)
    for key in {k for k, _ in events}:
        prefix = key_for(key) + b":"
        assert [g for g in got if g.startswith(prefix)] == [prefix + v for k, v in events if k == key]


def test_lag_commit_and_start_offsets() -> None:
    log = EmbeddedLog(default_partitions=2)
    for i in range(10):
        log.append(TOPIC, str(i).encode(), key=key_for(i))
    consumer = log.consumer("g", [TOPIC])
    assert sum(consumer.lag().values()) == 10
    batch = consumer.poll_batch(4, 0.0)
    assert len(batch) == 4
    assert sum(consumer.lag().values()) == 6
    consumer.commit(consumer.positions())
    assert consumer.committed() == consumer.positions()
    resumed = log.consumer("g2", [TOPIC], start=consumer.positions())
    assert len(_drain(resumed)) == 6
    replay = log.consumer("g", [TOPIC])  # a new consumer replays from 0 whatever was committed
    assert len(_drain(replay)) == 10


def test_poll_waits_for_data_then_times_out() -> None:
    log = EmbeddedLog(default_partitions=1)
    consumer = log.consumer("g", [TOPIC])
    assert consumer.poll_batch(10, 0.01) == []


def test_persisted_log_survives_a_restart(tmp_path: Path) -> None:
    log = EmbeddedLog(tmp_path, default_partitions=2)
    for i in range(25):
        log.append(TOPIC, f"v{i}".encode(), key=key_for(i % 5))
    consumer = log.consumer("g", [TOPIC])
    consumer.poll_batch(7, 0.0)
    consumer.commit(consumer.positions())
    committed = consumer.committed()
    log.close()
    again = EmbeddedLog(tmp_path, default_partitions=2)
    assert again.committed("g") == committed
    assert sorted(_drain(again.consumer("h", [TOPIC]))) == sorted(f"v{i}".encode() for i in range(25))
    again.append(TOPIC, b"late", key=key_for(1))
    again.close()
    third = EmbeddedLog(tmp_path)
    assert b"late" in _drain(third.consumer("h", [TOPIC]))
    third.close()


def test_torn_tail_is_dropped_but_truncation_inside_is_corrupt(tmp_path: Path) -> None:
    log = EmbeddedLog(tmp_path, default_partitions=1)
    for i in range(3):
        log.append(TOPIC, b"x" * 10, key=key_for(i))
    log.close()
    (segment,) = (tmp_path / TOPIC / "0").glob("*.seg")
    data = segment.read_bytes()
    segment.write_bytes(data[:-4])
    assert len(list(read_segments(segment.parent))) == 2
    (segment.parent / "99999999999999999999.seg").write_bytes(data)
    with pytest.raises(CorruptDataError):
        list(read_segments(segment.parent))
