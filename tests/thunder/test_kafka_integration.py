"""Thunder against a real Kafka-protocol broker (tansu): posts and deletes are served, a replica
killed mid-stream and restarted from its snapshot loses nothing, malformed records are counted and
dead-lettered."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from foryou.core.clock import FixedClock
from foryou.thunder.in_network import InNetworkRequest
from foryou.thunder.node import NodeOptions, ThunderNode
from foryou.transport import POSTS, dead_letter_topic, key_for
from foryou.transport.kafka import KafkaTransport
from thunder.helpers import NOW, created_event, deleted_event, snowflake_post
from thunder.test_node import AUTHORS, PARAMS, wait_for

pytestmark = pytest.mark.kafka


def _node(transport: KafkaTransport, group: str, snapshots: Path | None = None) -> ThunderNode:
    return ThunderNode(
        params=PARAMS,
        transport=transport,
        clock=FixedClock(NOW * 1000),
        options=NodeOptions(group_id=group, snapshot_dir=snapshots, partitions=3),
    )


def _produce(transport: KafkaTransport, seqs: range) -> list[int]:
    producer = transport.producer()
    ids = []
    for seq in seqs:
        p = snowflake_post(seq, AUTHORS[seq % len(AUTHORS)], age_s=5000 - seq)
        producer.produce(POSTS, created_event(p), key=key_for(p.author_id))
        ids.append(p.post_id)
    producer.flush()
    return ids


def _served(node: ThunderNode) -> set[int]:
    """What a follower of every author is served (45 posts per author stay under the cap of 50)."""
    request = InNetworkRequest(user_id=1, following_user_ids=AUTHORS)
    return {p.post_id for p in node.posts.get_in_network_posts(request)}


@pytest.fixture
def kafka(kafka_bootstrap: str) -> KafkaTransport:
    """The posts topic name is fixed by the SPEC, so tests share it on the session broker and tell
    their posts apart by id."""
    return KafkaTransport(kafka_bootstrap)


def test_kill_and_restart_mid_stream_loses_nothing(kafka: KafkaTransport, tmp_path: Path) -> None:
    kafka.ensure_topics([POSTS], 3)
    first = _produce(kafka, range(1, 201))
    node = _node(kafka, "thunder-kill-test", tmp_path)
    node.start()
    assert node.wait_ready(30)
    wait_for(lambda: len(node.store) >= 200, 30)
    more = _produce(kafka, range(201, 301))  # mid-stream
    wait_for(lambda: len(node.store) >= 300, 30)
    node.snapshot()
    late = _produce(kafka, range(301, 401))
    node.stop(snapshot=False)  # killed: no final snapshot, whatever it read after the snapshot is lost
    victim = first[5]
    producer = kafka.producer()
    producer.produce(POSTS, deleted_event(victim, AUTHORS[6 % len(AUTHORS)], NOW), key=key_for(AUTHORS[6]))
    producer.flush()
    after = _produce(kafka, range(401, 451))

    restarted = _node(kafka, "thunder-kill-test", tmp_path)
    assert restarted.restored_posts >= 300
    restarted.start()
    assert restarted.wait_ready(30)
    expected = (set(first) | set(more) | set(late) | set(after)) - {victim}
    wait_for(lambda: restarted.store.get(after[-1]) is not None, 30)
    served = _served(restarted)
    mine = {pid for pid in served if pid in set(first) | set(more) | set(late) | set(after) | {victim}}
    assert mine == expected
    # Only the tail after the snapshot was replayed, not the whole topic.
    assert restarted.ingestor.metrics.events._value.get() < 300
    restarted.stop(snapshot=False)


def test_malformed_records_are_counted_and_dead_lettered(kafka: KafkaTransport) -> None:
    kafka.ensure_topics([POSTS], 3)
    producer = kafka.producer()
    poison = b"\x0a\xff\xff\xff\xff"
    producer.produce(POSTS, poison, key=b"poison")
    producer.flush()
    ok = _produce(kafka, range(900, 905))
    node = _node(kafka, f"thunder-poison-{time.monotonic_ns()}")
    node.start()
    assert node.wait_ready(30)
    wait_for(lambda: all(node.store.get(pid) is not None for pid in ok), 30)
    wait_for(lambda: node.ingestor.failures >= 1, 30)
    assert node.metrics.decode_failures._value.get() >= 1
    node.stop()
    dead = kafka.consumer(f"dlq-reader-{time.monotonic_ns()}", [dead_letter_topic(POSTS)])
    records = []
    deadline = time.monotonic() + 20
    while not any(r.value == poison for r in records) and time.monotonic() < deadline:
        records.extend(dead.poll_batch(100, 0.2))
    dead.close()
    assert any(r.value == poison and dict(r.headers).get("foryou-error") for r in records)
