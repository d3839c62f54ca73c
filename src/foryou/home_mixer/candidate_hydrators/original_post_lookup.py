"""Core data of a candidate list, looked up once for the hydrators that read posts (core data, video
duration, subscription).

They run concurrently on the same list, so the first to ask starts one lookup and the others await
it; the lookup is forgotten as soon as it finishes, so nothing is cached across requests here (the
`CachedPosts` client does that).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.clients.protocols import PostEntityReader
from foryou.stores.models import PostCoreData


@dataclass(frozen=True, slots=True)
class CandidatePosts:
    """`found`: core data by post id, of every candidate, its original and one more repost hop.
    `originals[i]`: the post candidate i's video and subscription come from (its original id, one hop
    further when that is a repost itself, as for an OON repost not yet known as such), or None."""

    found: dict[int, PostCoreData]
    originals: list[PostCoreData | None]


class PostLookup:
    def __init__(self, posts: PostEntityReader) -> None:
        self.posts = posts
        self._inflight: tuple[list[PostCandidate], asyncio.Future[CandidatePosts]] | None = None

    async def of(self, candidates: list[PostCandidate]) -> CandidatePosts:
        inflight = self._inflight
        if inflight is None or inflight[0] is not candidates:
            task = asyncio.ensure_future(self._lookup(candidates))
            inflight = self._inflight = (candidates, task)
            task.add_done_callback(lambda _: self._forget(task))
        # shield: one hydrator timing out must not cancel the lookup the others wait for
        return await asyncio.shield(inflight[1])

    def _forget(self, task: asyncio.Future[CandidatePosts]) -> None:
        if self._inflight is not None and self._inflight[1] is task:
            self._inflight = None
        if not task.cancelled():
            task.exception()  # retrieved: each waiter re-raises it

    async def _lookup(self, candidates: list[PostCandidate]) -> CandidatePosts:
        ids = {c.tweet_id for c in candidates}
        ids.update([c.retweeted_tweet_id for c in candidates if c.retweeted_tweet_id])
        found = await self.posts.core_data(sorted(ids))
        hops = {d.repost_of_post_id for d in found.values() if d.repost_of_post_id} - found.keys()
        if hops:
            found = {**found, **await self.posts.core_data(sorted(hops))}
        get = found.get
        originals: list[PostCoreData | None] = []
        for cand in candidates:
            data = get(cand.retweeted_tweet_id or cand.tweet_id)
            if data is not None and data.repost_of_post_id:
                data = get(data.repost_of_post_id)
            originals.append(data)
        return CandidatePosts(found, originals)
