"""Shared by the hydrators that describe a candidate's original post (video, subscription)."""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.clients.protocols import PostEntityReader
from foryou.stores.models import PostCoreData


async def originals(posts: PostEntityReader, candidates: list[PostCandidate]) -> dict[int, PostCoreData]:
    """Core data keyed by each candidate's original id. A repost not yet known as such (an OON
    candidate) resolves through its own core data first."""
    found = await posts.core_data(sorted({c.original_id for c in candidates}))
    hops = {d.repost_of_post_id for d in found.values() if d.repost_of_post_id} - found.keys()
    if hops:
        found.update(await posts.core_data(sorted(hops)))
    return found


def original_of(cand: PostCandidate, found: dict[int, PostCoreData]) -> PostCoreData | None:
    data = found.get(cand.original_id)
    if data is not None and data.repost_of_post_id:
        return found.get(data.repost_of_post_id)
    return data
