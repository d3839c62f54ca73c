"""Explain one post of a past request from its trace: its fate and how its score was made (SPEC §3.1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from foryou.home_mixer.scorers.weighted_scorer import WeightedScorer
from foryou.params import Params
from foryou.pipeline import CandidateTrace, RequestTrace


def request_params(trace: RequestTrace, base: Params) -> Params:
    """The parameters the request ran with: the base plus the overrides recorded in its trace."""
    changed = trace.query_summary.get("params_changed") or {}
    return base.with_overrides(changed) if changed else base


def fate(entry: CandidateTrace | None) -> str:
    if entry is None:
        return "not retrieved"
    if entry.removed_by is not None:
        return f"removed by {entry.removed_by.filter}: {entry.removed_by.reason}"
    sel = entry.selection
    if sel.final_position is not None:
        return f"served at {sel.final_position}"
    if sel.truncated_by_result_size:
        return "truncated by result_size"
    if sel.sorted_rank is not None and not sel.in_top_k:
        return f"not selected (rank {sel.sorted_rank} > K)"
    return "not selected"


def score_terms(scores: Mapping[str, float] | None, video_duration_ms: int | None, params: Params) -> dict[str, Any]:
    """Each head's weight × value, their sum, the offset branch and the weighted score (as the scorer does)."""
    b = WeightedScorer.from_params(params).breakdown(scores, video_duration_ms)
    return {"terms": b.terms, "combined": b.combined, "offset_branch": b.branch, "weighted_score": b.weighted_score}


def explain_post(trace: RequestTrace, post_id: int, base: Params) -> dict[str, Any]:
    entry = trace.candidates.get(post_id)
    out: dict[str, Any] = {"request_id": trace.request_id, "post_id": str(post_id), "fate": fate(entry)}
    if entry is None:
        return out
    params = request_params(trace, base)
    flat: dict[str, Any] = dict(entry.fields)
    for fields in entry.scores.values():
        flat.update(fields)
    breakdown = score_terms(flat.get("phoenix_scores"), flat.get("video_duration_ms"), params)
    breakdown.update(
        weighted_score=flat.get("weighted_score"),
        diversity_position=flat.get("diversity_position"),
        diversity_multiplier=flat.get("diversity_multiplier"),
        oon_factor=flat.get("oon_factor"),
        final_score=flat.get("score"),
    )
    out["sources"] = [{"source": s, "rank": r} for s, r in entry.sources]
    out["score_breakdown"] = breakdown
    return out
