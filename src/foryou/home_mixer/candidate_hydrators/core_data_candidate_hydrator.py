"""CoreDataCandidateHydrator: text, repost / reply ids, conversation and ancestors from the PostEntityStore.

For a repost only the text comes from the original; reply ids, conversation and ancestors describe
the candidate itself, so a repost has none. Ancestors are filled only if empty and author_id only
if unknown. An unknown post gets empty text and cleared ids (the CoreDataHydration filter drops it).
"""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.clients.protocols import PostEntityReader
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Hydrator
from foryou.stores.models import PostCoreData


class CoreDataCandidateHydrator(Hydrator[ScoredPostsQuery, PostCandidate]):
    owned_fields = (
        "tweet_text",
        "has_media",
        "retweeted_tweet_id",
        "retweeted_user_id",
        "in_reply_to_tweet_id",
        "conversation_id",
        "ancestors",
        "author_id",
        "core_data_found",
    )

    def __init__(self, posts: PostEntityReader) -> None:
        self.posts = posts

    async def hydrate(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> list[PostCandidate]:
        found = await self.posts.core_data(sorted({c.tweet_id for c in candidates}))
        originals_needed = {d.repost_of_post_id for d in found.values() if d.repost_of_post_id} - found.keys()
        if originals_needed:
            found.update(await self.posts.core_data(sorted(originals_needed)))
        return [_hydrated(c, found) for c in candidates]


def _hydrated(cand: PostCandidate, found: dict[int, PostCoreData]) -> PostCandidate:
    data = found.get(cand.tweet_id)
    if data is None:
        return PostCandidate(
            cand.tweet_id, author_id=cand.author_id, ancestors=list(cand.ancestors), core_data_found=False
        )
    original = found.get(data.repost_of_post_id) if data.repost_of_post_id else data
    is_repost = data.repost_of_post_id != 0
    ancestors = list(cand.ancestors)
    if not ancestors and not is_repost and data.in_reply_to_post_id:
        ancestors = [data.in_reply_to_post_id]
        if data.conversation_id and data.conversation_id != data.in_reply_to_post_id:
            ancestors.append(data.conversation_id)
    return PostCandidate(
        cand.tweet_id,
        author_id=cand.author_id or data.author_id,
        tweet_text=original.text if original is not None else "",
        has_media=bool(original.media) if original is not None else False,
        retweeted_tweet_id=data.repost_of_post_id or None,
        retweeted_user_id=(data.repost_of_user_id or (original.author_id if original else 0)) or None
        if is_repost
        else None,
        in_reply_to_tweet_id=None if is_repost else data.in_reply_to_post_id or None,
        conversation_id=None if is_repost else data.conversation_id or None,
        ancestors=[] if is_repost else ancestors,
        core_data_found=True,
    )
