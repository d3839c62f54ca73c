"""A small For You world for the explorer tests: in-memory stores and a real CandidatePipeline.

Sources, hydrators and the Phoenix scorer are the Home Mixer's own components over the in-memory
clients of tests/home_mixer/memory.py. The filters and the weighted / diversity / OON scorers are
short test-local versions following SPEC §3.8–3.9, enough to give the page removed candidates and
scores that a weight change reorders.
"""

from __future__ import annotations

from collections.abc import Sequence

from home_mixer.memory import Graph, Posts, Retrieval, Served, Thunder, Users

from foryou.core.clock import FixedClock
from foryou.home_mixer.candidate import HEAD_NAMES, PostCandidate
from foryou.home_mixer.candidate_hydrators.core_data_candidate_hydrator import CoreDataCandidateHydrator
from foryou.home_mixer.candidate_hydrators.gizmoduck_candidate_hydrator import GizmoduckCandidateHydrator
from foryou.home_mixer.candidate_hydrators.in_network_candidate_hydrator import InNetworkCandidateHydrator
from foryou.home_mixer.candidate_hydrators.video_duration_candidate_hydrator import VideoDurationCandidateHydrator
from foryou.home_mixer.clients.types import InNetworkPost, Media, PostCoreData, RetrievedPost, UserInfo
from foryou.home_mixer.explain import score_terms
from foryou.home_mixer.query import ScoredPostsQuery, UserActionSequence, UserFeatures
from foryou.home_mixer.query_hydrators.served_history_query_hydrator import ServedHistoryQueryHydrator
from foryou.home_mixer.query_hydrators.user_features_query_hydrator import UserFeaturesQueryHydrator
from foryou.home_mixer.scorers.phoenix_scorer import PhoenixScorer
from foryou.home_mixer.service import ForYouService
from foryou.home_mixer.side_effects.store_served_ids_side_effect import StoreServedIdsSideEffect
from foryou.home_mixer.sources.phoenix_source import PhoenixSource
from foryou.home_mixer.sources.thunder_source import ThunderSource
from foryou.params import Params
from foryou.pipeline import (
    CandidatePipeline,
    Filter,
    FilterResult,
    QueryHydrator,
    RequestContext,
    Scorer,
    Selector,
    Timeouts,
    TraceBuffer,
)

NOW_MS = 1_768_910_400_000
VIEWER = 1
FOLLOWED = (10, 11, 12)
BLOCKED = 30
SCREEN_NAMES = {
    VIEWER: "alice",
    10: "bob",
    11: "carol",
    12: "dave",
    20: "erin",
    21: "frank",
    22: "grace",
    23: "heidi",
    BLOCKED: "mallory",
}
# (post id, author, text, video ms): in-network posts come from Thunder, the others from retrieval.
IN_NETWORK = [
    (101, 10, "Morning run along the river, 10 km done", 0),
    (102, 10, "New blog post on stable sorting", 0),
    (103, 11, "Sourdough attempt number four", 15_000),
    (104, 11, "Anyone going to the meetup tonight?", 0),
    (105, 12, "Thread: what I learned shipping a recommender", 0),
    (106, 12, "Cat picture, as promised", 0),
    (107, 10, "Replying to myself about sorting again", 0),
    (108, 11, "Short clip from the concert", 30_000),
]
OUT_OF_NETWORK = [
    (201, 20, "Ten tips for better sleep", 0),
    (202, 21, "The history of the paperclip", 0),
    (203, 22, "Watch: a robot folding laundry", 45_000),
    (204, 23, "Hot take: tabs over spaces", 0),
    (205, 20, "Photo essay from the mountains", 0),
    (206, 21, "A gentle introduction to Bloom filters", 0),
    (207, 22, "Live now: chess commentary", 0),
    (208, 23, "Recipe: ten-minute noodles", 0),
    (209, BLOCKED, "Buy followers cheap!!!", 0),
    (210, 20, "Why the sky is blue, explained", 0),
]
DUPLICATE_OF_IN_NETWORK = 105  # retrieval returns it too, so DropDuplicates removes Thunder's copy


def predictions(post_id: int) -> dict[str, float]:
    """Deterministic ranker output: likes and replies pull in different orders, so weights matter."""
    k = post_id % 100
    scores = dict.fromkeys(HEAD_NAMES, 0.0)
    scores.update(
        favorite=0.04 + 0.03 * ((k * 7) % 11),
        reply=0.01 + 0.02 * ((k * 5) % 9),
        retweet=0.01 * (k % 4),
        click=0.05 + 0.01 * (k % 6),
        vqv=0.3 if post_id in (103, 108, 203) else 0.0,
        not_interested=0.002 * (k % 3),
        dwell=0.2,
        dwell_time=2.0 + k % 5,
    )
    return scores


class Ranker:
    async def predict(
        self, *, user_id: int, sequence: UserActionSequence, candidates: Sequence[tuple[int, int]], surface: int
    ) -> list[dict[str, float] | None]:
        return [predictions(post_id) for post_id, _ in candidates]


class ViewerRetrieval(Retrieval):
    """Retrieval that knows only the main viewer: anyone else gets no out-of-network posts."""

    async def retrieve(self, *, user_id: int, sequence: UserActionSequence, max_results: int) -> list[RetrievedPost]:
        return self.posts[:max_results] if user_id == VIEWER else []


class UserActionSeqQueryHydrator(QueryHydrator[ScoredPostsQuery]):
    owned_fields = ("user_action_sequence",)

    async def hydrate(self, query: ScoredPostsQuery) -> ScoredPostsQuery:
        return ScoredPostsQuery(query.user_id, query.request_id, user_action_sequence=UserActionSequence(query.user_id))


class DropDuplicatesFilter(Filter[ScoredPostsQuery, PostCandidate]):
    def filter(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> FilterResult[PostCandidate]:
        seen: set[int] = set()
        result: FilterResult[PostCandidate] = FilterResult([])
        for c in candidates:
            if c.tweet_id in seen:
                result.removed.append((c, "duplicate"))
            else:
                seen.add(c.tweet_id)
                result.kept.append(c)
        return result


class AuthorSocialgraphFilter(Filter[ScoredPostsQuery, PostCandidate]):
    def filter(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> FilterResult[PostCandidate]:
        blocked = query.user_features.blocked_user_ids
        kept = [c for c in candidates if c.author_id not in blocked]
        return FilterResult(kept, [(c, "blocked_author") for c in candidates if c.author_id in blocked])


class PreviouslyServedPostsFilter(Filter[ScoredPostsQuery, PostCandidate]):
    def filter(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> FilterResult[PostCandidate]:
        served = query.effective_served_ids
        kept = [c for c in candidates if not c.related_ids & served]
        return FilterResult(kept, [(c, "served") for c in candidates if c.related_ids & served])


class WeightedScorer(Scorer[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("weighted_score",)

    def __init__(self, params: Params) -> None:
        self.params = params
        weights = [params.get_float(f"scoring.weight.{h}") for h in HEAD_NAMES]
        self.neg = -sum(w for w in weights if w < 0)
        self.total = sum(w for w in weights if w > 0) + self.neg
        self.offset = params.get_float("scoring.negative_scores_offset")

    async def score(
        self, query: ScoredPostsQuery, candidates: list[PostCandidate], context: RequestContext
    ) -> list[PostCandidate]:
        return [PostCandidate(c.tweet_id, weighted_score=self._weighted(c)) for c in candidates]

    def _weighted(self, c: PostCandidate) -> float:
        combined: float = score_terms(c.phoenix_scores, c.video_duration_ms, self.params)["combined"]
        if self.total == 0:
            return max(combined, 0.0)
        if combined < 0:
            return (combined + self.neg) / self.total * self.offset
        return combined + self.offset


class AuthorDiversityScorer(Scorer[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("diversity_position", "diversity_multiplier", "score")

    def __init__(self, params: Params) -> None:
        self.decay = params.get_float("scoring.author_diversity.decay")
        self.floor = params.get_float("scoring.author_diversity.floor")
        self.enabled = params.get_bool("scoring.author_diversity.enabled")

    async def score(
        self, query: ScoredPostsQuery, candidates: list[PostCandidate], context: RequestContext
    ) -> list[PostCandidate]:
        order = sorted(range(len(candidates)), key=lambda i: -(candidates[i].weighted_score or float("-inf")))
        out = [PostCandidate(c.tweet_id) for c in candidates]
        counts: dict[int, int] = {}
        for i in order:
            c = candidates[i]
            n = counts.get(c.author_id, 0)
            counts[c.author_id] = n + 1
            mult = (1 - self.floor) * self.decay**n + self.floor if self.enabled else 1.0
            out[i].diversity_position, out[i].diversity_multiplier = n, mult
            out[i].score = None if c.weighted_score is None else c.weighted_score * mult
        return out


class OONScorer(Scorer[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("oon_factor", "score")

    def __init__(self, params: Params) -> None:
        self.factor = params.get_float("scoring.oon.factor")

    async def score(
        self, query: ScoredPostsQuery, candidates: list[PostCandidate], context: RequestContext
    ) -> list[PostCandidate]:
        out = []
        for c in candidates:
            factor = self.factor if c.in_network is False else 1.0
            score = None if c.score is None else c.score * factor
            out.append(PostCandidate(c.tweet_id, oon_factor=factor, score=score))
        return out


class TopKScoreSelector(Selector[ScoredPostsQuery, PostCandidate]):
    def score(self, candidate: PostCandidate) -> float | None:
        return candidate.score

    def size(self, query: ScoredPostsQuery) -> int | None:
        return 50


def _stores() -> tuple[Posts, Users, Graph, Thunder, ViewerRetrieval]:
    posts = Posts()
    for post_id, author, text, video_ms in IN_NETWORK + OUT_OF_NETWORK:
        media = (Media("VIDEO", video_ms),) if video_ms else ()
        posts.add(PostCoreData(post_id, author, text, media=media))
    users = Users({uid: UserInfo(uid, name, followers_count=100 * uid) for uid, name in SCREEN_NAMES.items()})
    graph = Graph(
        {VIEWER: UserFeatures(followed_user_ids=FOLLOWED, blocked_user_ids=frozenset({BLOCKED}))},
    )
    thunder = Thunder([InNetworkPost(p, a, created_at_ms=NOW_MS) for p, a, _, _ in IN_NETWORK])
    retrieved = [RetrievedPost(p, a, score=1.0) for p, a, _, _ in OUT_OF_NETWORK]
    dup_author = next(a for p, a, _, _ in IN_NETWORK if p == DUPLICATE_OF_IN_NETWORK)
    retrieval = ViewerRetrieval([*retrieved, RetrievedPost(DUPLICATE_OF_IN_NETWORK, dup_author, score=0.5)])
    return posts, users, graph, thunder, retrieval


def build_service(traces: TraceBuffer, served: Served | None = None) -> ForYouService:
    """A ForYouService whose pipeline factory builds the small pipeline for each scoring config.

    Served posts are remembered in `served` and filtered from the viewer's next (non-dry-run) request.
    """
    served = served if served is not None else Served()
    posts, users, graph, thunder, retrieval = _stores()
    clock = FixedClock(NOW_MS)

    def factory(params: Params) -> CandidatePipeline[ScoredPostsQuery, PostCandidate]:
        return CandidatePipeline(
            name="for_you_explorer_test",
            candidate_key=lambda c: c.tweet_id,
            query_hydrators=[
                UserActionSeqQueryHydrator(),
                UserFeaturesQueryHydrator(graph, clock=clock, max_staleness_s=300, fail_on_missing=True),
                ServedHistoryQueryHydrator(served, max_age_s=600, max_ids=100),
            ],
            sources=[
                PhoenixSource(retrieval, enabled=True, max_results=100, timeout_ms=1000),
                ThunderSource(thunder, enabled=True, max_results=100, exclude_seen=True),
            ],
            hydrators=[
                InNetworkCandidateHydrator(),
                CoreDataCandidateHydrator(posts),
                VideoDurationCandidateHydrator(posts),
                GizmoduckCandidateHydrator(users),
            ],
            filters=[DropDuplicatesFilter(), PreviouslyServedPostsFilter(), AuthorSocialgraphFilter()],
            scorers=[
                PhoenixScorer(Ranker(), enabled=True, timeout_ms=2000),
                WeightedScorer(params),
                AuthorDiversityScorer(params),
                OONScorer(params),
            ],
            selector=TopKScoreSelector(),
            side_effects=[StoreServedIdsSideEffect(served, enabled=True)],
            result_size=35,
            timeouts=Timeouts.uniform(2000),
            traces=traces,
            trace_fields=("author_id", "in_network", "video_duration_ms", "author_screen_name"),
        )

    return ForYouService(factory, params=Params(), clock=clock)


def search_users(q: str, limit: int) -> list[tuple[int, str]]:
    """Users whose id equals `q` or whose screen name contains it (case-insensitive)."""
    needle = q.lower().lstrip("@")
    hits = [(uid, name) for uid, name in SCREEN_NAMES.items() if str(uid) == needle or needle in name]
    return hits[:limit]
