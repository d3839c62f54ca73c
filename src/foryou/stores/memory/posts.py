"""In-memory PostEntityStore: core data by id, tombstones for deletes, quote index for the cascade.

Bounded by `memory_max_posts` posts (the oldest by snowflake id is evicted) besides the retention
purge that every backend has.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence

from foryou.core.ids import AuthorId, PostId
from foryou.core.snowflake import creation_ms
from foryou.stores.limits import StoreLimits
from foryou.stores.models import InsertResult, Media, PostCoreData


class MemoryPostEntityStore:
    def __init__(self, limits: StoreLimits | None = None) -> None:
        self._limits = limits or StoreLimits()
        self._posts: dict[PostId, PostCoreData] = {}
        self._tombstones: dict[PostId, int] = {}  # deleted id -> its snowflake creation time
        self._quoted_by: defaultdict[PostId, set[PostId]] = defaultdict(set)
        self._age_heap: list[tuple[int, PostId]] = []  # lazy: stale entries skipped on pop

    async def insert(self, post: PostCoreData) -> InsertResult:
        if post.post_id in self._posts:
            return InsertResult.DUPLICATE
        if post.post_id in self._tombstones:
            return InsertResult.DELETED
        if post.quoted_post_id and post.quoted_post_id in self._tombstones:
            self._tombstones[post.post_id] = creation_ms(post.post_id)
            return InsertResult.DELETED
        self._posts[post.post_id] = post
        if post.quoted_post_id:
            self._quoted_by[post.quoted_post_id].add(post.post_id)
        heapq.heappush(self._age_heap, (post.created_at_ms, post.post_id))
        while len(self._posts) > self._limits.memory_max_posts:
            self._evict_oldest()
        return InsertResult.STORED

    def _evict_oldest(self) -> None:
        while self._age_heap:
            _, post_id = heapq.heappop(self._age_heap)
            if post_id in self._posts:
                self._forget(post_id)
                return

    def _forget(self, post_id: PostId) -> PostCoreData | None:
        post = self._posts.pop(post_id, None)
        if post is not None and post.quoted_post_id:
            quoting = self._quoted_by.get(post.quoted_post_id)
            if quoting is not None:
                quoting.discard(post_id)
                if not quoting:
                    del self._quoted_by[post.quoted_post_id]
        return post

    async def delete(self, post_id: PostId, deleted_at_ms: int) -> list[PostId]:
        quoting = sorted(self._quoted_by.pop(post_id, set()))
        removed: list[PostId] = []
        for victim in [post_id, *quoting]:
            post = self._forget(victim)
            if post is not None:
                removed.append(victim)
            self._tombstones.setdefault(victim, creation_ms(victim))
        return removed

    async def core_data(self, ids: Sequence[PostId]) -> dict[PostId, PostCoreData]:
        get = self._posts.get
        return {i: post for i in ids if (post := get(i)) is not None}

    async def media(self, ids: Sequence[PostId]) -> dict[PostId, tuple[Media, ...]]:
        return {i: self._posts[i].media for i in ids if i in self._posts}

    async def subscription_author(self, ids: Sequence[PostId]) -> dict[PostId, AuthorId]:
        return {i: self._posts[i].author_id for i in ids if i in self._posts and self._posts[i].subscriber_only}

    async def purge(self, before_ms: int) -> int:
        old = [i for i, p in self._posts.items() if p.created_at_ms < before_ms]
        for post_id in old:
            self._forget(post_id)
        stale = [i for i, t in self._tombstones.items() if t < before_ms]
        for post_id in stale:
            del self._tombstones[post_id]
        self._age_heap = [(t, i) for t, i in self._age_heap if i in self._posts]
        heapq.heapify(self._age_heap)
        return len(old) + len(stale)
