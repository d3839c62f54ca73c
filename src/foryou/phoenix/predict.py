"""Model-level Predict (SPEC §5.7): one user, their history and candidates in, per-candidate scores out.

The serving layer owns the stores and the wire format; this is the one call it needs from Phoenix:
hash the ids, encode the prefix once, score the candidates in chunks, apply the serving transforms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from foryou.core.actions import ACTION_NAMES, NUM_DISCRETE_ACTIONS
from foryou.phoenix.batch import HistoryEntry, build_candidates, build_prefix
from foryou.phoenix.ranker import PhoenixRanker, score_candidates, serving_outputs


@dataclass(frozen=True)
class CandidateScores:
    probabilities: dict[str, float]  # the 18 discrete heads by name
    dwell_time_s: float


def predict(
    model: PhoenixRanker,
    *,
    user_id: int,
    history: Sequence[HistoryEntry],
    candidates: Sequence[tuple[int, int]],
    surface: int,
) -> list[CandidateScores]:
    """Scores of `candidates` [(post_id, author_id)] for `user_id`, in the candidates' order."""
    inputs = model.config.inputs
    prefix = build_prefix(user_ids=[user_id], histories=[history], config=inputs)
    cands = build_candidates(candidates=[candidates], surfaces=surface, config=inputs)
    out = serving_outputs(score_candidates(model, prefix, cands), dwell_time_cap_s=model.config.dwell_time_cap_s)
    probs = out.probabilities[0].tolist()  # [C, 18]
    dwell = out.dwell_time_s[0].tolist()  # [C]
    return [
        CandidateScores(
            probabilities={ACTION_NAMES[a]: p[a] for a in range(NUM_DISCRETE_ACTIONS)},
            dwell_time_s=d,
        )
        for p, d in zip(probs, dwell, strict=True)
    ]
