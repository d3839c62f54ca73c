"""The For You pipeline, assembled (SPEC §3.3). Reads like the request path: stage by stage, in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from foryou.core.clock import Clock
from foryou.events.uas import UasConfig
from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.candidate_hydrators.core_data_candidate_hydrator import CoreDataCandidateHydrator
from foryou.home_mixer.candidate_hydrators.gizmoduck_candidate_hydrator import GizmoduckCandidateHydrator
from foryou.home_mixer.candidate_hydrators.in_network_candidate_hydrator import InNetworkCandidateHydrator
from foryou.home_mixer.candidate_hydrators.original_post_lookup import PostLookup
from foryou.home_mixer.candidate_hydrators.subscription_candidate_hydrator import SubscriptionCandidateHydrator
from foryou.home_mixer.candidate_hydrators.vf_candidate_hydrator import VFCandidateHydrator
from foryou.home_mixer.candidate_hydrators.video_duration_candidate_hydrator import VideoDurationCandidateHydrator
from foryou.home_mixer.clients.protocols import (
    PostEntityReader,
    PredictionClient,
    RetrievalClient,
    SafetyLabelReader,
    ServedHistoryStore,
    SocialGraphReader,
    ThunderClient,
    UserActionReader,
    UserReader,
)
from foryou.home_mixer.filters import post_selection_filters, pre_scoring_filters
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.home_mixer.query_hydrators.served_history_query_hydrator import ServedHistoryQueryHydrator
from foryou.home_mixer.query_hydrators.user_action_seq_query_hydrator import UserActionSeqQueryHydrator
from foryou.home_mixer.query_hydrators.user_features_query_hydrator import UserFeaturesQueryHydrator
from foryou.home_mixer.scorers.author_diversity_scorer import AuthorDiversityScorer
from foryou.home_mixer.scorers.oon_scorer import OONScorer
from foryou.home_mixer.scorers.phoenix_scorer import PhoenixScorer
from foryou.home_mixer.scorers.recency_fallback_scorer import RecencyFallbackScorer
from foryou.home_mixer.scorers.weighted_scorer import WeightedScorer
from foryou.home_mixer.selectors import TopKScoreSelector
from foryou.home_mixer.side_effects.store_served_ids_side_effect import ServedPublisher, StoreServedIdsSideEffect
from foryou.home_mixer.sources.phoenix_source import PhoenixSource
from foryou.home_mixer.sources.thunder_source import ThunderSource
from foryou.observability import PipelineMetrics
from foryou.params import Params
from foryou.pipeline import CandidatePipeline, Timeouts, TraceBuffer

TRACED_FIELDS = (
    "author_id",
    "author_screen_name",
    "in_network",
    "served_type",
    "video_duration_ms",
    "retweeted_tweet_id",
    "tweet_text",
)


@dataclass
class ForYouClients:
    """Where every stage's data comes from; built by `home_mixer/clients/` for the deployment mode."""

    user_actions: UserActionReader
    social_graph: SocialGraphReader
    served_history: ServedHistoryStore
    thunder: ThunderClient
    retrieval: RetrievalClient
    ranker: PredictionClient | None
    posts: PostEntityReader
    users: UserReader
    safety_labels: SafetyLabelReader
    clock: Clock
    metrics: PipelineMetrics | None = None
    traces: TraceBuffer | None = None
    publish_served: ServedPublisher | None = None


def build_for_you_pipeline(
    c: ForYouClients, params: Params, *, user_features: UserFeaturesQueryHydrator | None = None
) -> CandidatePipeline[ScoredPostsQuery, PostCandidate]:
    """`user_features` may be shared across pipelines so its stale-copy cache survives config changes."""
    p = params
    posts = PostLookup(c.posts)  # one post lookup per request for the three hydrators that read posts
    return CandidatePipeline(
        name="for_you",
        candidate_key=attrgetter("tweet_id"),
        query_hydrators=[
            UserActionSeqQueryHydrator(c.user_actions, config=UasConfig.from_params(p)),
            user_features or user_features_hydrator(c, p),
            ServedHistoryQueryHydrator(
                c.served_history,
                max_age_s=p.get_int("served.history_max_age_s"),
                max_ids=p.get_int("served.history_max_ids"),
            ),
        ],
        sources=[
            PhoenixSource(
                c.retrieval,
                enabled=p.get_bool("sources.phoenix.enabled"),
                max_results=p.get_int("sources.phoenix.max_results"),
                timeout_ms=p.get_int("timeouts.component.PhoenixSource"),
            ),
            ThunderSource(
                c.thunder,
                enabled=p.get_bool("sources.thunder.enabled"),
                max_results=p.get_int("sources.thunder.max_results"),
                exclude_seen=p.get_bool("sources.thunder.exclude_seen"),
            ),
        ],
        hydrators=[
            InNetworkCandidateHydrator(),
            CoreDataCandidateHydrator(c.posts, posts),
            VideoDurationCandidateHydrator(c.posts, posts),
            SubscriptionCandidateHydrator(c.posts, posts),
            GizmoduckCandidateHydrator(c.users),
        ],
        filters=pre_scoring_filters(p),
        scorers=[
            PhoenixScorer(
                c.ranker,
                enabled=p.get_bool("scoring.phoenix.enabled"),
                timeout_ms=p.get_int("timeouts.component.PhoenixScorer"),
                prefetch=p.get_str("scoring.phoenix.prefetch"),
            ),
            WeightedScorer.from_params(p),
            AuthorDiversityScorer.from_params(p),
            OONScorer.from_params(p),
            RecencyFallbackScorer.from_params(p),
        ],
        selector=TopKScoreSelector.from_params(p),
        post_selection_hydrators=[VFCandidateHydrator(c.safety_labels)],
        post_selection_filters=post_selection_filters(p),
        side_effects=[
            StoreServedIdsSideEffect(
                c.served_history, enabled=p.get_bool("served.store_enabled"), publish=c.publish_served
            )
        ],
        result_size=p.get_int("mixer.result_size"),
        timeouts=Timeouts.from_params(p),
        metrics=c.metrics,
        traces=c.traces,
        query_summary=lambda q: _summary(q, p),
        trace_fields=TRACED_FIELDS,
    )


def user_features_hydrator(c: ForYouClients, p: Params) -> UserFeaturesQueryHydrator:
    return UserFeaturesQueryHydrator(
        c.social_graph,
        clock=c.clock,
        max_staleness_s=p.get_int("mixer.user_features_max_staleness_s"),
        fail_on_missing=p.get_bool("mixer.fail_on_missing_user_features"),
    )


def _summary(q: ScoredPostsQuery, p: Params) -> dict[str, Any]:
    return {
        "viewer_id": str(q.user_id),
        "in_network_only": q.in_network_only,
        "is_bottom_request": q.is_bottom_request,
        "seen_ids": len(q.seen_ids),
        "served_ids": len(q.served_ids),
        "bloom_filters": len(q.bloom_filters),
        "config_hash": p.config_hash,
        "params_changed": {k: v for k, v in p.changed().items() if k.startswith("scoring.")},
    }


def pipeline_factory(
    c: ForYouClients, base: Params
) -> Callable[[Params], CandidatePipeline[ScoredPostsQuery, PostCandidate]]:
    """What `ForYouService` calls per effective configuration; the user-features copy cache is shared."""
    features = user_features_hydrator(c, base)
    return lambda params: build_for_you_pipeline(c, params, user_features=features)
