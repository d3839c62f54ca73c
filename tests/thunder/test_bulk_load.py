"""bulk_load gives the same store, as seen by every query, as inserting the batch."""

from __future__ import annotations

import numpy as np
import pytest

from foryou.core.errors import InvalidInputError
from foryou.thunder.bulk_load import bulk_load
from foryou.thunder.config import StoreConfig
from foryou.thunder.light_post import LightPost, NewPosts
from foryou.thunder.post_store import PostStore
from foryou.thunder.recent_posts import RecentPosts
from thunder.helpers import NOW, post


def _random_posts(seed: int, n: int) -> list[LightPost]:
    rng = np.random.default_rng(seed)
    posts: list[LightPost] = []
    for i in range(1, n + 1):
        earlier = posts[int(rng.integers(len(posts)))] if posts else None
        shape = rng.integers(4) if earlier else 0
        created = NOW - int(rng.integers(-2, 200))
        author = int(rng.integers(1, 6))
        if shape == 1 and earlier:
            p = post(i, author, created, in_reply_to_post_id=earlier.post_id, conversation_id=earlier.post_id)
        elif shape == 2 and earlier:
            p = post(i, author, created, source_post_id=earlier.post_id, source_user_id=earlier.author_id)
        else:
            p = post(i, author, created, has_video=bool(rng.integers(2)), quoted_post_id=i - 1 if shape == 3 else 0)
        posts.append(p)
    return [*posts, posts[3]]  # and a duplicate


@pytest.mark.parametrize("seed", range(6))
def test_bulk_load_matches_insert(seed: int) -> None:
    config = StoreConfig(retention_s=150, max_timeline_size=7, max_original_per_author=5, request_timeout_ms=0)
    batch = NewPosts.from_posts(_random_posts(seed, 120))
    inserted, loaded = PostStore(config), PostStore(config)
    assert inserted.insert(batch, NOW) == bulk_load(loaded, batch, NOW)
    for viewer in (0, 1, 2):
        for store_query in ("all_posts_slots", "video_slots"):
            answers = [
                s.posts_at(getattr(RecentPosts(s), store_query)([1, 2, 3, 4, 5], [7, 8], viewer, now_s=NOW).slots)
                for s in (inserted, loaded)
            ]
            assert answers[0] == answers[1]
    assert loaded.quotes == inserted.quotes  # the quote cascade will find the same posts


def test_bulk_load_needs_an_empty_store() -> None:
    store = PostStore(StoreConfig())
    store.insert(NewPosts.from_posts([post(1, 2)]), NOW)
    with pytest.raises(InvalidInputError):
        bulk_load(store, NewPosts.from_posts([post(2, 2)]), NOW)
