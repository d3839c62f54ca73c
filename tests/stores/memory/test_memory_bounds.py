"""The in-memory backend stays bounded: each memory-only cap of `StoreLimits` evicts or refuses."""

from __future__ import annotations

import asyncio

from foryou.core import AuthorId, PostId, UserId
from foryou.params import Params
from foryou.stores import EdgeKind, PostCoreData, SafetyLabel, SafetyLevel, StoreLimits, UserAction, VisibilityAction
from foryou.stores.memory import (
    MemoryPostEntityStore,
    MemorySafetyLabelStore,
    MemoryServedHistoryStore,
    MemorySocialGraphStore,
    MemoryUserActionStore,
)
from foryou.stores.visibility import VisibilityRules


def test_posts_evict_the_oldest_beyond_the_cap() -> None:
    async def body() -> None:
        store = MemoryPostEntityStore(StoreLimits(memory_max_posts=2))
        for created in (30, 10, 20):
            await store.insert(PostCoreData(PostId(created), AuthorId(1), created_at_ms=created))
        assert set(await store.core_data([PostId(10), PostId(20), PostId(30)])) == {20, 30}

    asyncio.run(body())


def test_action_logs_of_the_least_recently_written_user_go_first() -> None:
    async def body() -> None:
        store = MemoryUserActionStore(StoreLimits(memory_max_action_users=2))
        for user in (1, 2, 1, 3):
            action = UserAction(f"e{user}", UserId(user), PostId(5), AuthorId(6), 1, 0, 0, 10, 0, 10)
            await store.add([action])
        assert [bool(await store.actions(UserId(u))) for u in (1, 2, 3)] == [True, False, True]

    asyncio.run(body())


def test_edges_beyond_the_cap_are_refused() -> None:
    async def body() -> None:
        graph = MemorySocialGraphStore(StoreLimits(memory_max_edges_per_user=2))
        results = [await graph.set_edge(UserId(1), UserId(t), EdgeKind.FOLLOW, active=True) for t in (5, 6, 7)]
        assert results == [True, True, False]
        assert await graph.following(UserId(1), 10) == [5, 6]
        assert await graph.followers_count(UserId(7)) == 0
        assert await graph.set_edge(UserId(1), UserId(7), EdgeKind.BLOCK, active=True)

    asyncio.run(body())


def test_viewers_and_labelled_posts_are_capped() -> None:
    async def body() -> None:
        limits = StoreLimits(memory_max_viewers=1, memory_max_labelled_posts=1)
        served = MemoryServedHistoryStore(limits)
        await served.append(UserId(1), "a", 10, [(PostId(1), PostId(1))])
        await served.append(UserId(2), "b", 10, [(PostId(2), PostId(2))])
        assert (await served.recent(UserId(1), 10, 60, 10), await served.recent(UserId(2), 10, 60, 10)) == ([], [2])
        labels = MemorySafetyLabelStore(VisibilityRules.from_params(Params()), limits)
        await labels.set_label(PostId(1), SafetyLabel.SPAM, applied=True)
        await labels.set_label(PostId(2), SafetyLabel.SPAM, applied=True)
        got = await labels.visibility([PostId(1), PostId(2)], SafetyLevel.TIMELINE_HOME, UserId(9))
        assert [got[PostId(i)].action for i in (1, 2)] == [VisibilityAction.ALLOW, VisibilityAction.DROP]

    asyncio.run(body())
