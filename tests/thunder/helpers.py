"""Small builders shared by the Thunder tests."""

from __future__ import annotations

from foryou.core.snowflake import make_snowflake
from foryou.thunder.config import StoreConfig
from foryou.thunder.light_post import LightPost, NewPosts
from foryou.thunder.post_store import PostStore
from foryou.thunder.recent_posts import RecentPosts

NOW = 1_700_000_000


def post(post_id: int, author: int, created: int | None = None, **fields: object) -> LightPost:
    """A LightPost; is_reply / is_retweet follow the ids as the decoder derives them."""
    base = LightPost(
        post_id=post_id, author_id=author, created_at_s=NOW - 3000 + post_id if created is None else created
    )
    p = base._replace(**fields)
    return p._replace(
        is_reply=p.in_reply_to_post_id != 0 or p.in_reply_to_user_id != 0,
        is_retweet=p.source_post_id != 0,
    )


def snowflake_post(seq: int, author: int, age_s: int, **fields: object) -> LightPost:
    """A post whose id is a real snowflake created `age_s` before NOW (deletes check its age)."""
    created = NOW - age_s
    return post(make_snowflake(created * 1000, sequence=seq), author, created, **fields)


class Harness:
    """A store, its reader and a clock in seconds."""

    def __init__(self, **config: int) -> None:
        self.config = StoreConfig(request_timeout_ms=0, **config)
        self.store = PostStore(self.config)
        self.reads = RecentPosts(self.store)
        self.now = NOW

    def insert(self, *posts: LightPost) -> int:
        return self.store.insert(NewPosts.from_posts(list(posts)), self.now)

    def all_ids(self, authors: list[int], exclude: list[int] | None = None, viewer: int = 0) -> list[int]:
        result = self.reads.all_posts_slots(authors, exclude or [], viewer, now_s=self.now)
        return [p.post_id for p in self.store.posts_at(result.slots)]

    def video_ids(self, authors: list[int], exclude: list[int] | None = None, viewer: int = 0) -> list[int]:
        result = self.reads.video_slots(authors, exclude or [], viewer, now_s=self.now)
        return [p.post_id for p in self.store.posts_at(result.slots)]


def created_event(p: LightPost, *, video_ms: int = 0, nullcast: bool = False) -> bytes:
    """The PostCreated Event a producer would send for `p` (a video of `video_ms` if non-zero)."""
    from foryou._proto.foryou.events.v1 import events_pb2

    event = events_pb2.Event(event_id=f"c{p.post_id}", event_time_ms=p.created_at_s * 1000, producer="test")
    c = event.post_created
    c.post_id, c.author_id, c.created_at_ms = p.post_id, p.author_id, p.created_at_s * 1000
    c.conversation_id = p.conversation_id
    c.in_reply_to_post_id, c.in_reply_to_user_id = p.in_reply_to_post_id, p.in_reply_to_user_id
    c.repost_of_post_id, c.repost_of_user_id = p.source_post_id, p.source_user_id
    c.quoted_post_id, c.nullcast = p.quoted_post_id, nullcast
    if video_ms:
        c.media.add(kind=events_pb2.VIDEO, duration_ms=video_ms)
    return bytes(event.SerializeToString())


def deleted_event(post_id: int, author_id: int, at_s: int) -> bytes:
    from foryou._proto.foryou.events.v1 import events_pb2

    event = events_pb2.Event(event_id=f"d{post_id}", event_time_ms=at_s * 1000, producer="test")
    event.post_deleted.post_id, event.post_deleted.author_id = post_id, author_id
    event.post_deleted.deleted_at_ms = at_s * 1000
    return bytes(event.SerializeToString())
