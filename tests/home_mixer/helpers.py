"""Builders shared by the Home Mixer component tests."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from foryou.events.uas import UasConfig, aggregate
from foryou.home_mixer.query import ScoredPostsQuery, UserFeatures
from foryou.pipeline import RequestContext

T = TypeVar("T")
NOW_MS = 1_768_910_400_000


def query(user_id: int = 1, *, follows: tuple[int, ...] = (), **kw: Any) -> ScoredPostsQuery:
    kw.setdefault("user_features", UserFeatures(followed_user_ids=follows))
    kw.setdefault("user_action_sequence", aggregate(user_id, [], config=UasConfig()))
    return ScoredPostsQuery(user_id=user_id, request_id=f"req-{user_id}", now_ms=NOW_MS, **kw)


def context(deadline_s: float = 5.0) -> RequestContext:
    import time

    return RequestContext("req", time.perf_counter_ns() + int(deadline_s * 1e9))


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)
