"""PhoenixSource: out-of-network candidates from Phoenix two-tower retrieval (SPEC §3.5)."""

from __future__ import annotations

from foryou.core.errors import UnavailableError
from foryou.home_mixer.candidate import PostCandidate, ServedType
from foryou.home_mixer.clients.protocols import RetrievalClient
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Source


class PhoenixSource(Source[ScoredPostsQuery, PostCandidate]):
    def __init__(self, client: RetrievalClient, *, enabled: bool, max_results: int, timeout_ms: int) -> None:
        self.client, self.enabled, self.max_results, self.timeout_ms = client, enabled, max_results, timeout_ms

    def enable(self, query: ScoredPostsQuery) -> bool:
        return self.enabled and not query.in_network_only

    async def get_candidates(self, query: ScoredPostsQuery) -> list[PostCandidate]:
        if query.user_action_sequence is None:
            raise UnavailableError("missing user_action_sequence")
        posts = await self.client.retrieve(
            user_id=query.user_id, sequence=query.user_action_sequence, max_results=self.max_results
        )
        return [
            PostCandidate(
                tweet_id=p.post_id,
                author_id=p.author_id,
                in_reply_to_tweet_id=p.in_reply_to_post_id or None,
                retrieval_score=p.score,
                served_type=ServedType.FOR_YOU_PHOENIX_RETRIEVAL,
            )
            for p in posts
        ]
