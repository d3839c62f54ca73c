"""WeightedScorer: folds the Phoenix head predictions into one `weighted_score` (SPEC §3.9).

combined = Σ w_h·p_h over the 18 heads + w_cont_dwell_time·dwell_time (missing values are 0), with
w_vqv counted only for videos longer than `scoring.min_video_duration_ms`. Non-negative combined
scores get +OFFSET; negative ones are squeezed into [0, OFFSET·NEG/TOTAL) so they sort below every
non-negative one. POS/NEG/TOTAL are derived from the configured weights, never hard-coded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import numpy as np

from foryou.core.predictions import rows_of_one_table
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
        # every head and dwell_time of one score dict, in weight order (raises if one is missing)
        self._keys = tuple(h for h, _ in with_vqv)
        self._values: Callable[[Any], tuple[float, ...]] = itemgetter(*self._keys)
        self._column_weights = [
            (w, w_other) for (_, w), (_, w_other) in zip(with_vqv, self._weights_other, strict=True)
        ]

    @classmethod
    def from_params(cls, params: Params) -> WeightedScorer:
        return cls(ScoringWeights.from_params(params), fallback_enabled=params.get_bool("scoring.fallback.enabled"))

    def enable_in(self, query: ScoredPostsQuery, context: RequestContext) -> bool:
        return not recency_fallback_active(context, fallback_enabled=self.fallback_enabled)

    async def score(
        self, query: ScoredPostsQuery, candidates: list[PostCandidate], context: RequestContext
    ) -> list[PostCandidate]:
        values = self._all_scores(candidates)
        for cand, value in zip(candidates, values, strict=True):
            cand.weighted_score = value
        return candidates

    def _all_scores(self, candidates: list[PostCandidate]) -> list[float]:
        """`weighted_score` of every candidate; as numpy columns when every candidate has all heads.
        The columns are added in head order, one at a time, so each sum rounds as `combined` does."""
        values = self._values
        table = rows_of_one_table([c.phoenix_scores for c in candidates], self._keys)
        if table is None:
            try:
                table = np.array([values(c.phoenix_scores) for c in candidates], dtype=np.float64)
            except (TypeError, KeyError, ValueError):  # unscored or partial predictions: the per-candidate rule
                return [self.weighted_score(c.phoenix_scores, c.video_duration_ms) for c in candidates]
        if not candidates or table.shape != (len(candidates), len(self._column_weights)):
            return [self.weighted_score(c.phoenix_scores, c.video_duration_ms) for c in candidates]
        min_video = self.weights.min_video_duration_ms
        long_video = np.array([d is not None and d > min_video for d in [c.video_duration_ms for c in candidates]])
        combined = np.zeros(len(candidates))
        for column, (w_video, w_other) in enumerate(self._column_weights):
            weight = np.where(long_video, w_video, w_other) if w_video != w_other else w_video
            combined += weight * table[:, column]
        if self.total == 0:
            return list(np.maximum(combined, 0.0).tolist())
        negative = (combined + self.neg) / self.total * self.weights.offset
        return list(np.where(combined < 0, negative, combined + self.weights.offset).tolist())

    def weighted_score(self, scores: Mapping[str, float] | None, video_duration_ms: int | None) -> float:
        return self._offset(self.combined(scores, video_duration_ms))[1]

    def combined(self, scores: Mapping[str, float] | None, video_duration_ms: int | None) -> float:
        if not scores:
            return 0.0
        get = scores.get
        return sum([w * get(head, 0.0) for head, w in self._weights_for(video_duration_ms)])

    def terms(self, scores: Mapping[str, float] | None, video_duration_ms: int | None) -> dict[str, float]:
        """weight × value per head and dwell_time, in the order `combined` adds them."""
        scores = scores or {}
        return {head: w * scores.get(head, 0.0) for head, w in self._weights_for(video_duration_ms)}

    def _weights_for(self, video_duration_ms: int | None) -> tuple[tuple[str, float], ...]:
        long_video = video_duration_ms is not None and video_duration_ms > self.weights.min_video_duration_ms
        return self._weights_video if long_video else self._weights_other

    def breakdown(self, scores: Mapping[str, float] | None, video_duration_ms: int | None) -> WeightedBreakdown:
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
