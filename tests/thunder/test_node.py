"""A whole replica over the persisted embedded log: ready after catch-up, snapshot, restart without
loss and without replaying what the snapshot already holds."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from foryou.core.clock import FixedClock
from foryou.params import Params
from foryou.thunder.in_network import InNetworkRequest
from foryou.thunder.node import NodeOptions, ThunderNode
from foryou.transport import POSTS, EmbeddedLog, key_for
from thunder.helpers import NOW, created_event, deleted_event, snowflake_post

AUTHORS = list(range(2, 12))
# No scan budget: on a loaded test machine a query may wait on the ingest batch's lock for long.
PARAMS = Params({"thunder.request_timeout_ms": 0})


def wait_for(condition: Callable[[], bool], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def _produce(log: EmbeddedLog, first: int, count: int) -> list[int]:
    ids = []
    for seq in range(first, first + count):
        p = snowflake_post(seq, AUTHORS[seq % len(AUTHORS)], age_s=3000 - seq)
        log.append(POSTS, created_event(p), key=key_for(p.author_id))
        ids.append(p.post_id)
    return ids


def _served(node: ThunderNode) -> set[int]:
    request = InNetworkRequest(user_id=1, following_user_ids=AUTHORS)
    return {p.post_id for p in node.posts.get_in_network_posts(request)}


def _node(log: EmbeddedLog, snapshots: Path) -> ThunderNode:
    options = NodeOptions(group_id="thunder-test", snapshot_dir=snapshots, partitions=3)
    return ThunderNode(params=PARAMS, transport=log, clock=FixedClock(NOW * 1000), options=options)


def test_restart_resumes_from_snapshot_and_loses_nothing(tmp_path: Path) -> None:
    log = EmbeddedLog(tmp_path / "log", default_partitions=3)
    first = _produce(log, 1, 60)
    node = _node(log, tmp_path / "snap")
    assert not node.ready
    node.start()
    assert node.wait_ready(20)
    wait_for(lambda: len(node.store) == 60)
    assert _served(node) == set(first)
    node.stop()  # writes the final snapshot
    log.close()

    log = EmbeddedLog(tmp_path / "log")  # a new process: the log comes back from its segments
    later = _produce(log, 61, 25)
    log.append(POSTS, deleted_event(first[0], AUTHORS[1], NOW), key=key_for(AUTHORS[1]))
    restarted = _node(log, tmp_path / "snap")
    assert restarted.restored_posts == 60
    restarted.start()
    assert restarted.wait_ready(20)
    wait_for(lambda: restarted.ingestor.metrics.events._value.get() == 26)
    assert _served(restarted) == (set(first) | set(later)) - {first[0]}
    restarted.stop(snapshot=False)
    log.close()


def test_without_snapshot_a_replica_replays_everything(tmp_path: Path) -> None:
    log = EmbeddedLog(default_partitions=2)
    ids = _produce(log, 1, 30)
    node = ThunderNode(params=PARAMS, transport=log, clock=FixedClock(NOW * 1000), options=NodeOptions(group_id="r1"))
    node.start()
    assert node.wait_ready(20)
    wait_for(lambda: len(node.store) == 30)
    assert _served(node) == set(ids)
    node.trim_once()
    assert _served(node) == set(ids)
    node.stop()
