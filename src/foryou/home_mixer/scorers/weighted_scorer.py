"""WeightedScorer: folds the Phoenix head predictions into one `weighted_score` (SPEC §3.9).

combined = Σ w_h·p_h over the 18 heads + w_cont_dwell_time·dwell_time (missing values are 0), with
w_vqv counted only for videos longer than `scoring.min_video_duration_ms`. Non-negative combined
scores get +OFFSET; negative ones are squeezed into [0, OFFSET·NEG/TOTAL) so they sort below every
non-negative one. POS/NEG/TOTAL are derived from the configured weights, never hard-coded.
"""

from __future__ import annotations

from dataclasses import dataclass

from foryou.home_mixer.candidate import HEAD_NAMES, PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.home_mixer.scorers.degraded import recency_fallback_active
from foryou.params import Params
from foryou.pipeline import RequestContext, Scorer

VQV = "vqv"
DWELL_TIME = "dwell_time"


@dataclass(frozen=True)
class ScoringWeights:
    heads: dict[str, float]  # the 18 head weights, in head order
    cont_dwell_time: float
    min_video_duration_ms: int
    offset: float

    @classmethod
    def from_params(cls, params: Params) -> ScoringWeights:
        return cls(
            heads={h: params.get_float(f"scoring.weight.{h}") for h in HEAD_NAMES},
            cont_dwell_time=params.get_float("scoring.weight.cont_dwell_time"),
            min_video_duration_ms=params.get_int("scoring.min_video_duration_ms"),
            offset=params.get_float("scoring.negative_scores_offset"),
        )

    @property
    def pos(self) -> float:
        return sum(w for w in self.heads.values() if w > 0)

    @property
    def neg(self) -> float:
        return -sum(w for w in self.heads.values() if w < 0)

    @property
    def total(self) -> float:
        return self.pos + self.neg


@dataclass(frozen=True)
class WeightedBreakdown:
    """Each head's weight × value, their sum and the offset branch taken (for the explain API)."""

    terms: dict[str, float]
    combined: float
    branch: str  # "zero_total", "negative" or "offset"
    weighted_score: float


class WeightedScorer(Scorer[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("weighted_score",)

    def __init__(self, weights: ScoringWeights, *, fallback_enabled: bool = True) -> None:
        self.weights = weights
        self.fallback_enabled = fallback_enabled
        # Derived once per configuration, as SPEC §3.11 asks.
        self.pos, self.neg, self.total = weights.pos, weights.neg, weights.total
        with_vqv = [*weights.heads.items(), (DWELL_TIME, weights.cont_dwell_time)]
        self._weights_video = tuple(with_vqv)
        self._weights_other = tuple((h, 0.0 if h == VQV else w) for h, w in with_vqv)

    @classmethod
    def from_params(cls, params: Params) -> WeightedScorer:
        return cls(ScoringWeights.from_params(params), fallback_enabled=params.get_bool("scoring.fallback.enabled"))

    def enable_in(self, query: ScoredPostsQuery, context: RequestContext) -> bool:
        return not recency_fallback_active(context, fallback_enabled=self.fallback_enabled)

    async def score(
        self, query: ScoredPostsQuery, candidates: list[PostCandidate], context: RequestContext
    ) -> list[PostCandidate]:
        values = [self.weighted_score(c.phoenix_scores, c.video_duration_ms) for c in candidates]
        for cand, value in zip(candidates, values, strict=True):
            cand.weighted_score = value
        return candidates

    def weighted_score(self, scores: dict[str, float] | None, video_duration_ms: int | None) -> float:
        return self._offset(self.combined(scores, video_duration_ms))[1]

    def combined(self, scores: dict[str, float] | None, video_duration_ms: int | None) -> float:
        if not scores:
            return 0.0
        get = scores.get
        return sum([w * get(head, 0.0) for head, w in self._weights_for(video_duration_ms)])

    def terms(self, scores: dict[str, float] | None, video_duration_ms: int | None) -> dict[str, float]:
        """weight × value per head and dwell_time, in the order `combined` adds them."""
        scores = scores or {}
        return {head: w * scores.get(head, 0.0) for head, w in self._weights_for(video_duration_ms)}

    def _weights_for(self, video_duration_ms: int | None) -> tuple[tuple[str, float], ...]:
        long_video = video_duration_ms is not None and video_duration_ms > self.weights.min_video_duration_ms
        return self._weights_video if long_video else self._weights_other

    def breakdown(self, scores: dict[str, float] | None, video_duration_ms: int | None) -> WeightedBreakdown:
        terms = self.terms(scores, video_duration_ms)
        combined = sum(terms.values())
        branch, value = self._offset(combined)
        return WeightedBreakdown(terms, combined, branch, value)

    def _offset(self, combined: float) -> tuple[str, float]:
        if self.total == 0:
            return "zero_total", max(combined, 0.0)
        if combined < 0:
            return "negative", (combined + self.neg) / self.total * self.weights.offset
        return "offset", combined + self.weights.offset
