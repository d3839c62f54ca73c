"""Snapshots: a restored store answers and evolves exactly like the original; damage is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from foryou.core.errors import CorruptDataError
from foryou.thunder.config import StoreConfig
from foryou.thunder.light_post import LightPost, NewPosts
from foryou.thunder.post_store import PostStore
from foryou.thunder.recent_posts import RecentPosts
from foryou.thunder.snapshot import SNAPSHOT_FILE, load_snapshot, save_snapshot
from thunder.helpers import NOW, snowflake_post

AUTHORS = [2, 3, 4, 5]


def _answers(store: PostStore) -> tuple[list[LightPost], list[LightPost]]:
    reads = RecentPosts(store)
    posts = reads.all_posts_slots(AUTHORS, [], 1, now_s=NOW).slots
    videos = reads.video_slots(AUTHORS, [], 1, now_s=NOW).slots
    return store.posts_at(posts), store.posts_at(videos)


def _filled() -> tuple[PostStore, list[LightPost]]:
    store = PostStore(StoreConfig(max_timeline_size=6, request_timeout_ms=0))
    posts = [snowflake_post(i, AUTHORS[i % 4], age_s=500 - i, has_video=i % 3 == 0) for i in range(40)]
    reply = snowflake_post(90, 3, age_s=5, in_reply_to_post_id=posts[-1].post_id, conversation_id=posts[-1].post_id)
    quote = snowflake_post(91, 4, age_s=4, quoted_post_id=posts[-2].post_id)
    store.insert(NewPosts.from_posts([*posts, reply, quote]), NOW)
    store.delete([(posts[-3].post_id, NOW)], NOW)
    return store, [*posts, reply, quote]


def test_round_trip_keeps_answers_offsets_and_behaviour(tmp_path: Path) -> None:
    store, posts = _filled()
    offsets = {("foryou.posts.v1", 0): 17, ("foryou.posts.v1", 1): 4}
    save_snapshot(store, offsets, tmp_path)
    loaded = load_snapshot(tmp_path, store.config)
    assert loaded is not None
    restored, restored_offsets = loaded
    assert restored_offsets == offsets
    assert _answers(restored) == _answers(store)
    assert restored.deleted == store.deleted and sorted(restored.tombstones) == sorted(store.tombstones)
    for s in (store, restored):  # the quote index came back: deleting the quoted post cascades
        s.delete([(posts[-2].post_id, NOW)], NOW)
        s.insert(NewPosts.from_posts([snowflake_post(95, 2, age_s=1)]), NOW)
        s.trim(NOW + 400, None)
    assert _answers(restored) == _answers(store)
    assert posts[-1].post_id in {p.post_id for p in _answers(restored)[0]}  # 90's parent is still there


def test_missing_and_damaged_snapshots(tmp_path: Path) -> None:
    assert load_snapshot(tmp_path, StoreConfig()) is None
    (tmp_path / SNAPSHOT_FILE).write_bytes(b"not a snapshot")
    with pytest.raises(CorruptDataError):
        load_snapshot(tmp_path, StoreConfig())
