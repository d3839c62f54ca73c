"""CachedPosts: concurrent identical lookups become one, entries expire, failures reach every waiter."""

from __future__ import annotations

import asyncio

import pytest

from foryou.core import UnavailableError
from foryou.home_mixer.clients.cached_posts import CachedPosts
from foryou.stores.models import PostCoreData

from ..memory import Posts


def test_concurrent_lookups_are_coalesced_and_cached() -> None:
    posts = Posts().add(PostCoreData(1, 10, 0, "a"), PostCoreData(2, 20, 0, "b"))
    cache = CachedPosts(posts)

    async def go() -> list[dict[int, PostCoreData]]:
        return await asyncio.gather(cache.core_data([1, 2, 3]), cache.core_data([1, 2]), cache.core_data([2, 3]))

    a, b, c = asyncio.run(go())
    assert set(a) == {1, 2} and set(b) == {1, 2} and set(c) == {2}
    assert posts.calls == [[1, 2, 3]]
    asyncio.run(cache.core_data([1, 3]))  # cached, including the miss of 3
    assert posts.calls == [[1, 2, 3]]


def test_entries_expire() -> None:
    posts = Posts().add(PostCoreData(1, 10, 0, "a"))
    cache = CachedPosts(posts, ttl_ms=0)
    asyncio.run(cache.core_data([1]))
    asyncio.run(cache.core_data([1]))
    assert posts.calls == [[1], [1]]


def test_a_failed_lookup_fails_every_waiter_and_is_not_cached() -> None:
    posts = Posts(down=True)
    cache = CachedPosts(posts)

    async def go() -> list[object]:
        return await asyncio.gather(cache.core_data([1]), cache.core_data([1]), return_exceptions=True)

    results = asyncio.run(go())
    assert all(isinstance(r, UnavailableError) for r in results)
    posts.down = False
    posts.add(PostCoreData(1, 10, 0, "a"))
    assert set(asyncio.run(cache.core_data([1]))) == {1}
    with pytest.raises(UnavailableError):
        posts.down = True
        asyncio.run(CachedPosts(posts).core_data([5]))
