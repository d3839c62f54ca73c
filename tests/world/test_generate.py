"""A generated world honours its ground truth, streams well-formed events, and is reproducible."""

from collections import defaultdict
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from foryou.core import EventAction, creation_ms
from foryou.events import (
    MediaItem,
    engagement,
    pb,
    post_created,
    read_event_dir,
    safety_label,
    social_edge,
    user_profile,
)
from foryou.world import EVENTS_DIR, WorldConfig, generate_world
from foryou.world.generate import WorldGenerator

POSITIVE = {int(a) for a in EventAction if 1 <= a <= 14}  # favorite … follow_author


@pytest.fixture(scope="module")
def events(small_world: Path) -> list[pb.Event]:
    return list(read_event_dir(small_world / EVENTS_DIR))


def test_same_seed_gives_byte_identical_outputs(small_world: Path, small_config: WorldConfig, tmp_path: Path) -> None:
    generate_world(small_config, tmp_path, progress=False)
    files = sorted(p.relative_to(small_world) for p in small_world.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for rel in files:
        assert (small_world / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


def test_another_seed_differs(small_world: Path, small_config: WorldConfig, tmp_path: Path) -> None:
    generate_world(WorldConfig(users=small_config.users, days=1, seed=small_config.seed + 1), tmp_path, progress=False)
    assert (tmp_path / "users.parquet").read_bytes() != (small_world / "users.parquet").read_bytes()


def test_stream_is_time_ordered_and_complete(
    small_world: Path, small_config: WorldConfig, events: list[pb.Event]
) -> None:
    times = [e.event_time_ms for e in events]
    assert times == sorted(times)
    kinds = defaultdict(int)
    for e in events:
        kinds[e.WhichOneof("payload")] += 1
    assert set(kinds) >= {
        "post_created",
        "engagement",
        "social_edge",
        "muted_keywords",
        "subscription",
        "safety_label",
        "user_profile",
        "post_deleted",
    }
    assert kinds["post_created"] == pq.read_metadata(small_world / "posts.parquet").num_rows
    assert kinds["engagement"] == pq.read_metadata(small_world / "engagements.parquet").num_rows
    assert kinds["user_profile"] == small_config.users
    assert len({e.event_id for e in events}) == len(events)


def test_posts_of_every_kind_with_consistent_ids(events: list[pb.Event]) -> None:
    posts = {e.post_created.post_id: e.post_created for e in events if e.HasField("post_created")}
    assert all(creation_ms(pid) == p.created_at_ms for pid, p in posts.items())
    replies = [p for p in posts.values() if p.in_reply_to_post_id]
    assert replies and any(p.repost_of_post_id for p in posts.values())
    assert any(p.quoted_post_id for p in posts.values()) and any(p.subscriber_only for p in posts.values())
    assert any(m.kind == pb.VIDEO and m.duration_ms > 0 for p in posts.values() for m in p.media)
    threaded = 0
    for r in replies:
        parent = posts[r.in_reply_to_post_id]
        assert parent.post_id < r.post_id and r.in_reply_to_user_id == parent.author_id
        root = posts[r.conversation_id]
        assert root.conversation_id == root.post_id and not root.in_reply_to_post_id
        assert r.conversation_id == parent.conversation_id
        threaded += bool(parent.in_reply_to_post_id)
    assert threaded > 0  # replies to replies exist
    for p in posts.values():
        if p.repost_of_post_id:
            assert not posts[p.repost_of_post_id].repost_of_post_id  # reposts point at originals


def test_blocked_or_muted_authors_get_no_positive_actions_afterwards(events: list[pb.Event]) -> None:
    silenced_at: dict[tuple[int, int], int] = {}
    checked = 0
    for e in events:
        if e.HasField("social_edge") and e.social_edge.edge in (pb.BLOCK, pb.MUTE):
            key = (e.social_edge.source_user_id, e.social_edge.target_user_id)
            silenced_at.setdefault(key, e.event_time_ms)
        elif e.HasField("engagement") and e.engagement.action in POSITIVE:
            g = e.engagement
            since = silenced_at.get((g.user_id, g.author_id))
            assert since is None or g.impression_time_ms < since, g
            checked += since is not None
    assert len(silenced_at) > 50


def test_users_engage_more_with_their_topics(small_world: Path) -> None:
    users = pq.read_table(small_world / "users.parquet", columns=["interests"])
    interests = np.array(users.column("interests").to_pylist())
    posts = pq.read_table(small_world / "posts.parquet", columns=["post_id", "original_post_id", "topic"])
    pid = posts.column("post_id").to_numpy().astype(np.int64)
    topic = posts.column("topic").to_numpy()[np.searchsorted(pid, posts.column("original_post_id").to_numpy())]
    eng = pq.read_table(small_world / "engagements.parquet", columns=["user_id", "post_id", "action"])
    u = eng.column("user_id").to_numpy().astype(np.int64) - 1
    p = np.searchsorted(pid, eng.column("post_id").to_numpy().astype(np.int64))
    act = eng.column("action").to_numpy()
    rel = interests[u, topic[p]] / interests[u].max(axis=1)
    imp = act == EventAction.IMPRESSION
    fav = act == EventAction.FAVORITE
    hi, lo = rel >= 0.5, rel < 0.1
    fav_rate_hi = fav[hi].sum() / imp[hi].sum()
    fav_rate_lo = fav[lo].sum() / imp[lo].sum()
    assert fav_rate_hi > 5 * fav_rate_lo
    ni = act == EventAction.NOT_INTERESTED
    assert ni[lo].sum() / imp[lo].sum() > 3 * ni[hi].sum() / imp[hi].sum()


def test_subscriber_only_posts_reach_only_subscribers(small_world: Path) -> None:
    posts = pq.read_table(small_world / "posts.parquet", columns=["post_id", "author_id", "subscriber_only"])
    locked = dict(
        zip(
            np.asarray(posts.column("post_id"))[np.asarray(posts.column("subscriber_only"))].tolist(),
            np.asarray(posts.column("author_id"))[np.asarray(posts.column("subscriber_only"))].tolist(),
            strict=True,
        )
    )
    subs = pq.read_table(small_world / "subscriptions.parquet").to_pylist()
    pairs = {(s["subscriber_id"], s["creator_id"]) for s in subs}
    eng = pq.read_table(small_world / "engagements.parquet", columns=["user_id", "post_id"]).to_pylist()
    seen = [(e["user_id"], locked[e["post_id"]]) for e in eng if e["post_id"] in locked]
    assert seen and all(pair in pairs for pair in seen)


def test_emitted_records_equal_the_typed_constructors(events: list[pb.Event]) -> None:
    """The simulator's fast serialisation builds exactly what foryou.events builds."""
    done = set()
    for e in events:
        kind = e.WhichOneof("payload")
        if kind in done:
            continue
        rebuilt = None
        if kind == "engagement":
            g = e.engagement
            rebuilt = engagement(
                user_id=g.user_id,
                post_id=g.post_id,
                author_id=g.author_id,
                action=EventAction(g.action),
                product_surface=g.product_surface,
                impression_time_ms=g.impression_time_ms,
                engaged_time_ms=g.engaged_time_ms,
                dwell_ms=g.dwell_ms,
                request_id=g.request_id,
                producer=e.producer,
            )
        elif kind == "post_created" and e.post_created.media:
            p = e.post_created
            rebuilt = post_created(
                post_id=p.post_id,
                author_id=p.author_id,
                text=p.text,
                conversation_id=p.conversation_id,
                in_reply_to_post_id=p.in_reply_to_post_id,
                in_reply_to_user_id=p.in_reply_to_user_id,
                media=[MediaItem(m.kind, m.duration_ms) for m in p.media],
                subscriber_only=p.subscriber_only,
                producer=e.producer,
            )
        elif kind == "social_edge":
            s = e.social_edge
            rebuilt = social_edge(
                source_user_id=s.source_user_id,
                target_user_id=s.target_user_id,
                edge=s.edge,
                active=s.active,
                time_ms=e.event_time_ms,
                producer=e.producer,
            )
        elif kind == "safety_label":
            s = e.safety_label
            rebuilt = safety_label(
                post_id=s.post_id, label=s.label, applied=True, time_ms=e.event_time_ms, producer=e.producer
            )
        elif kind == "user_profile":
            u = e.user_profile
            rebuilt = user_profile(
                user_id=u.user_id,
                screen_name=u.screen_name,
                created_at_ms=u.created_at_ms,
                subscription_level=u.subscription_level,
                producer=e.producer,
            )
        if rebuilt is not None:
            assert rebuilt == e, kind
            done.add(kind)
    assert done == {"engagement", "post_created", "social_edge", "safety_label", "user_profile"}


def test_generator_keeps_memory_to_the_tables(small_world: Path) -> None:
    gen = WorldGenerator(WorldConfig(users=50, days=1, seed=1), small_world.parent / "tiny")
    assert gen.table.size == 0 and not hasattr(gen, "events")
