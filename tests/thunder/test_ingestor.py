"""The ingestion loop over the embedded log: apply, commit, catch-up, dead letters, throttle."""

from __future__ import annotations

from foryou.core.clock import FixedClock
from foryou.thunder.config import StoreConfig
from foryou.thunder.ingest import IngestConfig, PostIngestor
from foryou.thunder.metrics import ThunderMetrics
from foryou.thunder.post_store import PostStore
from foryou.thunder.recent_posts import RecentPosts
from foryou.transport import POSTS, EmbeddedLog, dead_letter_topic, key_for
from thunder.helpers import NOW, created_event, deleted_event, post, snowflake_post


def _ingestor(log: EmbeddedLog, store: PostStore, batch_size: int = 2) -> PostIngestor:
    consumer = log.consumer("thunder-test", [POSTS])
    return PostIngestor(
        store,
        consumer,
        config=IngestConfig(batch_size=batch_size, poll_timeout_s=0.0, lag_check_interval_s=0.0),
        clock=FixedClock(NOW * 1000),
        metrics=ThunderMetrics(),
        dead_letters=(log.producer(), dead_letter_topic(POSTS)),
    )


def test_posts_and_deletes_are_applied_committed_and_served() -> None:
    log = EmbeddedLog(default_partitions=2)
    kept, gone = snowflake_post(1, 2, age_s=20), snowflake_post(2, 3, age_s=10)
    for p in (kept, gone):
        log.append(POSTS, created_event(p), key=key_for(p.author_id))
    log.append(POSTS, deleted_event(gone.post_id, 3, NOW), key=key_for(3))
    store = PostStore(StoreConfig())
    ingestor = _ingestor(log, store)
    while ingestor.step():
        pass
    assert ingestor.caught_up
    slots = RecentPosts(store).all_posts_slots([2, 3], [], 0, now_s=NOW).slots
    assert [p.post_id for p in store.posts_at(slots)] == [kept.post_id]
    read = {tp: offset for tp, offset in ingestor.consumer.positions().items() if offset}
    assert ingestor.consumer.committed() == read
    assert ingestor.applied == ingestor.consumer.positions()
    assert ingestor.metrics.events._value.get() == 3


def test_catch_up_waits_for_lag_below_partitions_times_batch() -> None:
    log = EmbeddedLog(default_partitions=1)
    for i in range(1, 8):
        log.append(POSTS, created_event(post(i, 2)), key=key_for(2))
    ingestor = _ingestor(log, PostStore(StoreConfig()), batch_size=2)
    ingestor.step()  # 5 left ≥ 1 × 2
    assert not ingestor.caught_up
    ingestor.step()
    ingestor.step()  # 1 left < 2
    assert ingestor.caught_up
    assert ingestor.metrics.caught_up._value.get() == 1


def test_malformed_records_are_counted_dead_lettered_and_skipped() -> None:
    log = EmbeddedLog(default_partitions=1)
    log.append(POSTS, b"\x08\x96", key=b"1")
    log.append(POSTS, created_event(post(5, 2)), key=key_for(2))
    store = PostStore(StoreConfig())
    ingestor = _ingestor(log, store, batch_size=10)
    ingestor.step()
    assert store.get(5) is not None
    assert ingestor.failures == 1
    assert ingestor.metrics.decode_failures._value.get() == 1
    dead = log.read((dead_letter_topic(POSTS), 0), 0, 10)
    assert [r.value for r in dead] == [b"\x08\x96"]
    assert dict(dead[0].headers)["foryou-error"].startswith(b"not a foryou")
