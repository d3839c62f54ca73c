"""ThunderSource: in-network candidates, the recent posts of followed accounts (SPEC §3.5)."""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate, ServedType
from foryou.home_mixer.clients.protocols import ThunderClient
from foryou.home_mixer.clients.types import InNetworkPost
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Source


class ThunderSource(Source[ScoredPostsQuery, PostCandidate]):
    def __init__(self, client: ThunderClient, *, enabled: bool, max_results: int, exclude_seen: bool) -> None:
        self.client, self.enabled = client, enabled
        self.max_results, self.exclude_seen = max_results, exclude_seen

    def enable(self, query: ScoredPostsQuery) -> bool:
        return self.enabled

    async def get_candidates(self, query: ScoredPostsQuery) -> list[PostCandidate]:
        posts = await self.client.get_in_network_posts(
            user_id=query.user_id,
            following=query.user_features.followed_user_ids,
            max_results=self.max_results,
            exclude=sorted(query.seen_ids) if self.exclude_seen else [],
        )
        return [_candidate(p) for p in posts]


def _candidate(post: InNetworkPost) -> PostCandidate:
    ancestors: list[int] = []
    if post.in_reply_to_post_id:
        ancestors.append(post.in_reply_to_post_id)
        if post.conversation_id and post.conversation_id != post.in_reply_to_post_id:
            ancestors.append(post.conversation_id)
    is_repost = post.repost_of_post_id > 0
    return PostCandidate(
        tweet_id=post.post_id,
        author_id=post.author_id,
        in_reply_to_tweet_id=post.in_reply_to_post_id or None,
        retweeted_tweet_id=post.repost_of_post_id if is_repost else None,
        retweeted_user_id=post.repost_of_user_id or None if is_repost else None,
        conversation_id=post.conversation_id or None,
        ancestors=ancestors,
        served_type=ServedType.FOR_YOU_IN_NETWORK,
    )
