"""StoreServedIdsSideEffect: remembers what was served so the next request does not repeat it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.clients.protocols import ServedHistoryStore
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import SideEffect

ServedPublisher = Callable[[ScoredPostsQuery, list[PostCandidate]], Awaitable[None]]


class StoreServedIdsSideEffect(SideEffect[ScoredPostsQuery, PostCandidate]):
    def __init__(self, store: ServedHistoryStore, *, enabled: bool, publish: ServedPublisher | None = None) -> None:
        self.store, self.enabled, self.publish = store, enabled, publish

    def enable(self, query: ScoredPostsQuery) -> bool:
        return self.enabled and not query.in_network_only

    async def run(self, query: ScoredPostsQuery, selected: list[PostCandidate]) -> None:
        await self.store.append(
            viewer_id=query.user_id,
            request_id=query.request_id,
            served_at_ms=query.now_ms,
            items=[(c.tweet_id, c.original_id) for c in selected],
        )
        if self.publish is not None:
            await self.publish(query, selected)
