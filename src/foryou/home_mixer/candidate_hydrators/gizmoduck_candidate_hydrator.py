"""GizmoduckCandidateHydrator: author follower count and screen names, one batched UserStore lookup."""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.clients.protocols import UserReader
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Hydrator


class GizmoduckCandidateHydrator(Hydrator[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("author_followers_count", "author_screen_name", "retweeted_screen_name")

    def __init__(self, users: UserReader) -> None:
        self.users = users

    async def hydrate(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> list[PostCandidate]:
        ids = {c.author_id for c in candidates} | {c.retweeted_user_id for c in candidates if c.retweeted_user_id}
        ids.discard(0)
        found = await self.users.users(sorted(ids))
        out = []
        for cand in candidates:
            author = found.get(cand.author_id)
            reposted = found.get(cand.retweeted_user_id) if cand.retweeted_user_id else None
            out.append(
                PostCandidate(
                    cand.tweet_id,
                    author_followers_count=author.followers_count if author else None,
                    author_screen_name=author.screen_name or None if author else None,
                    retweeted_screen_name=reposted.screen_name or None if reposted else None,
                )
            )
        return out
