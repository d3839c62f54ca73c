"""PhoenixScorer: the 18 action probabilities and dwell time of every candidate from the ranker.

Candidates are scored as their original post (reposts score like the post they repost). When the
ranker is switched off, missing, slow, failing or answers nothing, the scorer records why in the
request context instead of raising; the later scorers then give way to the recency fallback.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Mapping, Sequence

from foryou.core import ProductSurface
from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.clients.protocols import PredictionClient
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import RequestContext, Scorer

_Answer = dict[tuple[int, int], Mapping[str, float]]  # prediction by (original id, original author)


class PhoenixScorer(Scorer[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("phoenix_scores", "prediction_request_id", "last_scored_at_ms")

    def __init__(
        self, client: PredictionClient | None, *, enabled: bool, timeout_ms: int, prefetch: str = "never"
    ) -> None:
        self.client, self.enabled = client, enabled
        # In one process the ranker's thread and the hydrators share the GIL and two cores, and
        # overlapping them measured no faster; across processes it hides most of the ranker's time.
        self.early = prefetch == "always" or (prefetch == "remote" and bool(getattr(client, "remote", False)))
        # Our own budget is a little tighter than the executor's, so a slow ranker is recorded as
        # `ranker_timeout` here rather than cut off from outside without a reason.
        self.timeout_ms = timeout_ms
        self._budget_s = 0.9 * timeout_ms / 1000

    async def prefetch(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> _Answer | None:
        """Ask the ranker about every fetched candidate while the hydrators and filters run. With shared
        candidate positions (the default) its answer for a candidate depends only on the viewer and that
        candidate, so scoring the few that filters later remove costs ranker time but changes no score."""
        if not self.early or self._unusable(query) is not None:
            return None
        return await self._predict(query, list(dict.fromkeys(map(_original, candidates))))

    async def score(
        self, query: ScoredPostsQuery, candidates: list[PostCandidate], context: RequestContext
    ) -> list[PostCandidate]:
        reason = self._unusable(query)
        if reason is not None:
            context.mark_degraded(reason)
            return candidates
        pairs = list(map(_original, candidates))
        originals = list(dict.fromkeys(pairs))
        prefetched = context.prefetched.get(self.name)
        scores: list[Mapping[str, float] | None]
        try:
            async with asyncio.timeout(min(self._budget_s, context.remaining_s())):
                answer = await prefetched if prefetched is not None else None
                if answer is None:
                    predictions = await self._ask(query, originals)
                    if len(predictions) == len(pairs) == len(originals):
                        scores = list(predictions)  # every candidate its own original: answers in order
                    else:
                        scores = list(map(_answer(originals, predictions).get, pairs))
                else:  # hydration can reveal a repost the source did not know of: ask about what is new
                    missing = [pair for pair in originals if pair not in answer]
                    if missing:
                        answer = {**answer, **await self._predict(query, missing)}
                    scores = list(map(answer.get, pairs))
        except TimeoutError:
            context.mark_degraded("ranker_timeout")
            return candidates
        except Exception:
            context.mark_degraded("ranker_error")
            return candidates
        if candidates and all(s is None for s in scores):
            context.mark_degraded("ranker_empty")
            return candidates
        request_id = _prediction_request_id(context.request_id)
        now_ms = query.now_ms
        # Set in place, as the later scorers do: scorers run one at a time and nothing awaits below.
        for cand, score in zip(candidates, scores, strict=True):
            cand.phoenix_scores = score
            cand.prediction_request_id = request_id
            cand.last_scored_at_ms = now_ms
        return candidates

    async def _predict(self, query: ScoredPostsQuery, originals: list[tuple[int, int]]) -> _Answer:
        return _answer(originals, await self._ask(query, originals))

    async def _ask(
        self, query: ScoredPostsQuery, originals: list[tuple[int, int]]
    ) -> Sequence[Mapping[str, float] | None]:
        """The ranker's answer for each original, in order (a client may answer fewer)."""
        assert self.client is not None and query.user_action_sequence is not None  # checked by _unusable
        surface = ProductSurface.HOME_FOLLOWING if query.in_network_only else ProductSurface.HOME_FOR_YOU
        return await self.client.predict(
            user_id=query.user_id, sequence=query.user_action_sequence, candidates=originals, surface=int(surface)
        )

    def _unusable(self, query: ScoredPostsQuery) -> str | None:
        if not self.enabled:
            return "ranker_disabled"
        if self.client is None:
            return "ranker_unavailable"
        if query.user_action_sequence is None:
            return "uas_unavailable"
        return None


def _answer(originals: list[tuple[int, int]], predictions: Sequence[Mapping[str, float] | None]) -> _Answer:
    return {pair: p for pair, p in zip(originals, predictions, strict=False) if p is not None}


def _original(c: PostCandidate) -> tuple[int, int]:
    """What the ranker scores a candidate as: (original post id, original author)."""
    return (c.retweeted_tweet_id or c.tweet_id, c.retweeted_user_id or c.author_id)


def _prediction_request_id(request_id: str) -> int:
    """One id per request, derived from the request id so traces stay reproducible."""
    return int.from_bytes(hashlib.blake2b(request_id.encode(), digest_size=8).digest(), "big") >> 1
