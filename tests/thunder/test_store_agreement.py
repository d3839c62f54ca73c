"""The columnar PostStore + RecentPosts agree with the reference store on every query (SPEC §4.2–4.5),
and the invariants hold: deleted posts never returned, nothing older than retention, newest first, caps."""

from __future__ import annotations

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from foryou.core.snowflake import make_snowflake
from foryou.thunder.config import StoreConfig
from foryou.thunder.light_post import LightPost, NewPosts
from foryou.thunder.post_store import PostStore
from foryou.thunder.recent_posts import RecentPosts
from foryou.thunder.reference import ReferencePostStore, recency_order

T0 = 1_700_000_000
RETENTION = 100


class _World:
    """Drives both stores with the same operations and remembers every post ever made."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self.fast = PostStore(config, capacity=4)
        self.reads = RecentPosts(self.fast, steps_per_check=1)  # resume the scan after every entry
        self.ref = ReferencePostStore(config)
        self.now = T0
        self.made: list[LightPost] = []
        self.deleted: dict[int, int] = {}  # post id -> deleted at

    def make(self, data: st.DataObject) -> LightPost:
        author = data.draw(st.integers(1, 4))
        created = self.now - data.draw(st.integers(-3, RETENTION + 5))
        post_id = make_snowflake(created * 1000, sequence=len(self.made) + 1)
        shape = data.draw(st.sampled_from(["original", "reply", "reply_user_only", "repost", "quote"]))
        earlier = data.draw(st.sampled_from(self.made)) if self.made else None
        post = LightPost(post_id=post_id, author_id=author, created_at_s=created)
        video = data.draw(st.booleans())
        if shape == "reply" and earlier is not None:
            conv = data.draw(st.sampled_from([0, earlier.conversation_id or earlier.post_id, earlier.post_id]))
            to_user = data.draw(st.sampled_from([0, earlier.author_id, 9]))
            post = post._replace(in_reply_to_post_id=earlier.post_id, in_reply_to_user_id=to_user, is_reply=True)
            post = post._replace(conversation_id=conv)
        elif shape == "reply_user_only":
            post = post._replace(in_reply_to_user_id=data.draw(st.integers(1, 5)), is_reply=True)
        elif shape == "repost" and earlier is not None:
            source_user = data.draw(st.sampled_from([earlier.author_id, 5]))
            post = post._replace(source_post_id=earlier.post_id, source_user_id=source_user, is_retweet=True)
        elif shape == "quote" and earlier is not None:
            post = post._replace(quoted_post_id=earlier.post_id)
        post = post._replace(has_video=video, conversation_id=post.conversation_id or post.post_id)
        self.made.append(post)
        return post

    def step(self, data: st.DataObject) -> None:
        op = data.draw(
            st.sampled_from(["insert", "insert", "insert", "delete", "trim", "advance", "finalize", "compact"])
        )
        if op == "insert":
            batch = [self.make(data) for _ in range(data.draw(st.integers(1, 6)))]
            if self.made and data.draw(st.booleans()):
                batch.append(data.draw(st.sampled_from(self.made)))  # a duplicate
            note(f"insert now={self.now} {[(p.post_id % 4096, p.author_id, p.created_at_s - T0) for p in batch]}")
            self.fast.insert(NewPosts.from_posts(batch), self.now)
            self.ref.insert(batch, self.now)
        elif op == "delete" and self.made:
            victims = data.draw(st.lists(st.sampled_from(self.made), min_size=1, max_size=3))
            deletes = [(p.post_id, self.now) for p in victims]
            note(f"delete {[p % 4096 for p, _ in deletes]}")
            self.fast.delete(deletes, self.now)
            self.ref.delete(deletes, self.now)
        elif op == "trim":
            run = data.draw(st.integers(0, 5))
            note(f"trim {run}")
            self.fast.trim(self.now, run)
            self.ref.trim(self.now, run)
        elif op == "advance":
            self.now += data.draw(st.integers(1, RETENTION // 2))
        elif op == "compact":
            note("compact")
            self.fast.compact()
            self.ref.compact()
        elif op == "finalize":
            self.fast.finalize(self.now)
            self.ref.finalize(self.now)

    def check(self, data: st.DataObject) -> None:
        authors = data.draw(st.lists(st.integers(1, 5), max_size=6))
        exclude = [p.post_id for p in data.draw(st.lists(st.sampled_from(self.made), max_size=4))] if self.made else []
        viewer = data.draw(st.integers(0, 5))
        note(f"query {authors} {[p % 4096 for p in exclude]} viewer={viewer}")
        got = self.fast.posts_at(self.reads.all_posts_slots(authors, exclude, viewer, now_s=self.now).slots)
        want = self.ref.get_all_posts_by_users(authors, exclude, viewer, now_s=self.now)
        assert got == want
        videos = self.fast.posts_at(self.reads.video_slots(authors, exclude, viewer, now_s=self.now).slots)
        assert videos == self.ref.get_videos_by_users(authors, exclude, viewer, now_s=self.now)
        max_results = data.draw(st.integers(1, 8))
        slots = self.reads.all_posts_slots(authors, exclude, viewer, now_s=self.now).slots
        assert self.fast.posts_at(self.reads.select_recent(slots, max_results)) == recency_order(want, max_results)
        top = self.reads.top_recent(authors, exclude, viewer, now_s=self.now, max_results=max_results)
        assert self.fast.posts_at(top.slots) == recency_order(want, max_results)
        top_videos = self.reads.top_recent(
            authors, exclude, viewer, now_s=self.now, max_results=max_results, video=True
        )
        assert self.fast.posts_at(top_videos.slots) == recency_order(videos, max_results)
        self._invariants(got, authors)

    def _invariants(self, got: list[LightPost], authors: list[int]) -> None:
        cfg = self.config
        for post in got:
            assert post.post_id not in self.ref.deleted
            assert self.now - post.created_at_s <= cfg.retention_s
            assert post.author_id in authors
        for author in set(authors):
            mine = [p for p in got if p.author_id == author]
            originals = [p for p in mine if p.is_original]
            secondary = [p for p in mine if not p.is_original]
            assert len(originals) <= cfg.max_original_per_author
            assert len(secondary) <= cfg.max_secondary_per_author
            for run in (originals, secondary):
                keys = [(p.created_at_s, p.post_id) for p in run]
                assert keys == sorted(keys, reverse=True)


configs = st.builds(
    StoreConfig,
    retention_s=st.just(RETENTION),
    max_original_per_author=st.integers(1, 4),
    max_secondary_per_author=st.integers(1, 4),
    max_video_per_author=st.integers(1, 4),
    max_scan_per_author=st.integers(1, 6),
    max_timeline_size=st.integers(1, 7),
    min_video_duration_ms=st.just(0),
    trim_fraction=st.integers(1, 3),
    request_timeout_ms=st.just(0),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=configs, data=st.data())
def test_fast_store_agrees_with_reference(config: StoreConfig, data: st.DataObject) -> None:
    world = _World(config)
    for _ in range(data.draw(st.integers(1, 15))):
        world.step(data)
        world.check(data)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_deleted_post_is_never_returned_even_if_created_later(data: st.DataObject) -> None:
    world = _World(StoreConfig(retention_s=RETENTION, request_timeout_ms=0))
    post = world.make(data)
    world.fast.delete([(post.post_id, world.now)], world.now)
    world.fast.insert(NewPosts.from_posts([post]), world.now)
    assert world.fast.get(post.post_id) is None
    slots = world.reads.all_posts_slots([post.author_id], [], 0, now_s=world.now).slots
    assert post.post_id not in [p.post_id for p in world.fast.posts_at(slots)]
