"""Filters, scorers, selector and post-selection filters together through the real CandidatePipeline.

The source, ranker and visibility hydrator are small real stand-ins that return fixed data, so the
test pins the order the Home Mixer components produce: example D1, a filter scenario and the
reverse-chronological fallback when the ranker is down.
"""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from foryou.home_mixer.bloom import BloomFilter
from foryou.home_mixer.candidate import PostCandidate, Visibility, VisibilityAction
from foryou.home_mixer.filters import post_selection_filters, pre_scoring_filters
from foryou.home_mixer.query import ScoredPostsQuery, UserFeatures
from foryou.home_mixer.scorers.author_diversity_scorer import AuthorDiversityScorer
from foryou.home_mixer.scorers.oon_scorer import OONScorer
from foryou.home_mixer.scorers.recency_fallback_scorer import RecencyFallbackScorer
from foryou.home_mixer.scorers.weighted_scorer import WeightedScorer
from foryou.home_mixer.selectors import TopKScoreSelector
from foryou.params import Params
from foryou.pipeline import CandidatePipeline, Hydrator, PipelineResult, RequestContext, Scorer, Source

from .builders import VIEWER, post, post_id, query


class FixedSource(Source[ScoredPostsQuery, PostCandidate]):
    def __init__(self, cands: list[PostCandidate]) -> None:
        self.cands = cands

    async def get_candidates(self, query: ScoredPostsQuery) -> list[PostCandidate]:
        return [dataclasses.replace(c, ancestors=list(c.ancestors)) for c in self.cands]


class FixedRanker(Scorer[ScoredPostsQuery, PostCandidate]):
    """Phoenix stand-in: favorite probabilities by original id, or a degraded ranker when `favorites` is None."""

    owned_fields = ("phoenix_scores",)

    def __init__(self, favorites: dict[int, float] | None) -> None:
        self.favorites = favorites

    @property
    def name(self) -> str:
        return "PhoenixScorer"

    async def score(
        self, query: ScoredPostsQuery, candidates: list[PostCandidate], context: RequestContext
    ) -> list[PostCandidate]:
        if self.favorites is None:
            context.mark_degraded("ranker_unavailable")
            return candidates
        fav = self.favorites
        return [
            dataclasses.replace(c, phoenix_scores={"favorite": fav[c.original_id]} if c.original_id in fav else None)
            for c in candidates
        ]


class FixedVisibility(Hydrator[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("visibility", "visibility_checked")

    def __init__(self, actions: dict[int, Visibility]) -> None:
        self.actions = actions

    async def hydrate(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> list[PostCandidate]:
        allow = Visibility(VisibilityAction.ALLOW)
        return [
            dataclasses.replace(c, visibility=self.actions.get(c.tweet_id, allow), visibility_checked=True)
            for c in candidates
        ]


def run(
    cands: list[PostCandidate],
    q: ScoredPostsQuery,
    favorites: dict[int, float] | None,
    visibility: dict[int, Visibility] | None = None,
    params: Params | None = None,
) -> PipelineResult[ScoredPostsQuery, PostCandidate]:
    params = params or Params()
    pipeline: CandidatePipeline[ScoredPostsQuery, PostCandidate] = CandidatePipeline(
        name="for_you_test",
        candidate_key=lambda c: c.tweet_id,
        sources=[FixedSource(cands)],
        filters=pre_scoring_filters(params),
        scorers=[
            FixedRanker(favorites),
            WeightedScorer.from_params(params),
            AuthorDiversityScorer.from_params(params),
            OONScorer.from_params(params),
            RecencyFallbackScorer.from_params(params),
        ],
        selector=TopKScoreSelector.from_params(params),
        post_selection_hydrators=[FixedVisibility(visibility or {})],
        post_selection_filters=post_selection_filters(params),
        result_size=params.get_int("mixer.result_size"),
    )
    try:
        return asyncio.run(pipeline.run(q, request_id="req"))
    finally:
        pipeline.close()


def test_example_d1_end_to_end() -> None:
    rows = [(7, True, 0.50), (7, True, 1.00), (9, False, 0.90), (7, True, 0.80), (11, True, None), (9, False, 0.90)]
    tid = [post_id(age_s=600 - i) for i in range(6)]
    cands = [post(tid[i], author_id=a, in_network=n) for i, (a, n, _) in enumerate(rows)]
    # favorite weight 0.5: weighted = w + OFFSET; #4 has no scores and gets OFFSET alone
    favorites = {tid[i]: 2 * w for i, (_, _, w) in enumerate(rows) if w is not None}
    result = run(cands, query(), favorites)
    assert not result.degraded
    assert [tid.index(c.tweet_id) for c in result.selected] == [1, 2, 3, 5, 0, 4]
    by_index = {tid.index(c.tweet_id): c for c in result.selected}
    assert by_index[2].score == pytest.approx(0.901 * 0.75)
    assert by_index[5].score == pytest.approx(0.901 * 0.625 * 0.75)
    assert by_index[0].diversity_position == 2 and by_index[4].score == pytest.approx(0.001)


def test_filter_scenario_end_to_end() -> None:
    ids = [post_id(age_s=100 * (i + 1)) for i in range(16)]
    old = post_id(age_s=200_000)
    bloom = BloomFilter.build([ids[7]], num_bits=2048, num_hashes=4)
    features = UserFeatures(
        muted_keywords=("spoiler",),
        blocked_user_ids=frozenset({66}),
        muted_user_ids=frozenset({67}),
        followed_user_ids=(10, 11),
        subscribed_user_ids=frozenset({12}),
    )
    q = query(
        features,
        seen_ids=frozenset({ids[6]}),
        served_ids=frozenset({ids[8]}),
        served_history_ids=frozenset({ids[9]}),
        bloom_filters=(bloom,),
    )
    cands = [
        post(ids[0], author_id=10, in_network=True),
        post(ids[0], author_id=10, in_network=True),  # duplicate
        post(ids[1], author_id=0),  # missing core data
        post(old, author_id=10),  # too old
        post(ids[2], author_id=VIEWER),  # self
        post(ids[3], author_id=11, retweeted_tweet_id=ids[0], retweeted_user_id=10),  # repost of a kept post
        post(ids[4], author_id=13, subscription_author_id=14),  # no subscription to 14
        post(ids[5], author_id=13, subscription_author_id=12, in_network=False),  # subscribed: kept
        post(ids[6], author_id=13),  # seen id
        post(ids[7], author_id=13),  # seen (Bloom)
        post(ids[8], author_id=13),  # served in request
        post(ids[9], author_id=13),  # served in history
        post(ids[10], author_id=13, tweet_text="Big #Spoiler inside"),  # muted keyword
        post(ids[11], author_id=66),  # blocked
        post(ids[12], author_id=11, retweeted_tweet_id=ids[15], retweeted_user_id=67),  # reposts a muted user
        post(ids[13], author_id=11, in_network=True, ancestors=[ids[0]]),  # same conversation as ids[0]
        post(ids[14], author_id=20, in_network=False),  # dropped by visibility
    ]
    favorites = {ids[0]: 0.4, ids[5]: 0.6, ids[13]: 1.0, ids[14]: 0.9}
    drop = {ids[14]: Visibility(VisibilityAction.DROP, ("spam",))}
    result = run(cands, q, favorites, drop)
    reasons = [(r.filter, r.reason, r.candidate.tweet_id) for r in result.filtered]
    assert reasons == [
        ("DropDuplicatesFilter", "duplicate", ids[0]),
        ("CoreDataHydrationFilter", "missing_core_data", ids[1]),
        ("AgeFilter", "too_old", old),
        ("SelfPostFilter", "self", ids[2]),
        ("RepostDeduplicationFilter", "duplicate_repost", ids[3]),
        ("IneligibleSubscriptionFilter", "subscription", ids[4]),
        ("PreviouslySeenPostsFilter", "seen_id", ids[6]),
        ("PreviouslySeenPostsFilter", "seen_bloom", ids[7]),
        ("PreviouslyServedPostsFilter", "served", ids[8]),
        ("PreviouslyServedPostsFilter", "served", ids[9]),
        ("MutedKeywordFilter", "muted_keyword:spoiler", ids[10]),
        ("AuthorSocialgraphFilter", "blocked_author", ids[11]),
        ("AuthorSocialgraphFilter", "muted_author", ids[12]),
        ("VFFilter", "vf_drop:spam", ids[14]),
        ("DedupConversationFilter", "conversation_duplicate", ids[0]),
    ]
    # ids[13] (score 1.001) outranks ids[0] in their conversation; ids[5] is OON: 0.301 × 0.75
    assert [c.tweet_id for c in result.selected] == [ids[13], ids[5]]


def test_ranker_down_gives_reverse_chronological_feed() -> None:
    ids = [post_id(age_s=age) for age in (500, 100, 300, 200)]
    cands = [post(i, author_id=10 + n, in_network=n % 2 == 0) for n, i in enumerate(ids)]
    result = run(cands, query(), favorites=None)
    assert "ranker_unavailable" in result.degraded_reasons
    assert [c.tweet_id for c in result.selected] == [ids[1], ids[3], ids[2], ids[0]]
    outcomes = {run.name: run.outcome for run in result.trace.components if run.stage == "scorer"}
    assert outcomes["WeightedScorer"] == "disabled"
    assert outcomes["AuthorDiversityScorer"] == "disabled"
    assert outcomes["OONScorer"] == "disabled"
    assert outcomes["RecencyFallbackScorer"] == "ok"


def test_ranker_down_with_fallback_off_follows_v1() -> None:
    ids = [post_id(age_s=age) for age in (500, 100)]
    params = Params({"scoring.fallback.enabled": False})
    result = run([post(i, in_network=True) for i in ids], query(), None, params=params)
    assert [c.weighted_score for c in result.selected] == [0.001, 0.001]
    assert [c.tweet_id for c in result.selected] == ids  # equal scores keep input order
