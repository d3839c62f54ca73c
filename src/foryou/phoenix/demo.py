"""Demos behind `foryou phoenix demo-rank` / `demo-retrieve` (like upstream's run_ranker / run_retrieval).

An example user with a short engagement history, example candidates or an example corpus, scored by a
seeded randomly initialised model (or a checkpoint). The functions return plain results; `format_*`
turn them into text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import torch

from foryou.core.actions import ACTION_NAMES, NUM_DISCRETE_ACTIONS, Action, ProductSurface
from foryou.core.errors import ConfigError
from foryou.params import Params
from foryou.phoenix.batch import HistoryEntry, build_candidates, build_prefix
from foryou.phoenix.checkpoint import load_checkpoint
from foryou.phoenix.config import PhoenixConfig, RetrievalConfig
from foryou.phoenix.ranker import PhoenixRanker, score_candidates, serving_outputs
from foryou.phoenix.retrieval import RetrievalModel, top_k

BAR_WIDTH = 30
DEMO_USER = 12345
_ACTIONS_POOL = (Action.FAVORITE, Action.REPLY, Action.RETWEET, Action.CLICK, Action.DWELL, Action.SHARE)


@dataclass(frozen=True)
class RankedCandidate:
    post_id: int
    author_id: int
    probabilities: dict[str, float]  # the 18 discrete heads
    dwell_time_s: float


@dataclass(frozen=True)
class RetrievedPost:
    post_id: int
    author_id: int
    score: float


def example_history(seed: int, length: int = 12) -> list[HistoryEntry]:
    rng = random.Random(seed)
    return [
        HistoryEntry(
            post_id=1_000_000 + rng.randrange(10_000),
            author_id=500 + rng.randrange(50),
            actions=frozenset(rng.sample(_ACTIONS_POOL, rng.randint(1, 3))),
            surface=int(ProductSurface.HOME_FOR_YOU),
        )
        for _ in range(length)
    ]


def example_posts(seed: int, count: int) -> list[tuple[int, int]]:
    rng = random.Random(seed + 1)
    return [(2_000_000 + i, 500 + rng.randrange(80)) for i in range(count)]


def _ranker(checkpoint: Path | None, seed: int) -> PhoenixRanker:
    if checkpoint is not None:
        model = load_checkpoint(checkpoint)
        if not isinstance(model, PhoenixRanker):
            raise ConfigError(f"{checkpoint} holds a retrieval model, not a ranker")
        return model
    torch.manual_seed(seed)
    return PhoenixRanker(PhoenixConfig.from_params(Params())).eval()


def _retrieval(checkpoint: Path | None, seed: int) -> RetrievalModel:
    if checkpoint is not None:
        model = load_checkpoint(checkpoint)
        if not isinstance(model, RetrievalModel):
            raise ConfigError(f"{checkpoint} holds a ranker, not a retrieval model")
        return model
    torch.manual_seed(seed)
    return RetrievalModel(RetrievalConfig.from_params(Params())).eval()


def demo_rank(*, checkpoint: Path | None = None, candidates: int = 8, seed: int = 0) -> list[RankedCandidate]:
    """Rank example candidates for the example user by favorite probability (stable)."""
    model = _ranker(checkpoint, seed)
    inputs = model.config.inputs
    posts = example_posts(seed, candidates)
    prefix = build_prefix(user_ids=[DEMO_USER], histories=[example_history(seed)], config=inputs)
    cands = build_candidates(candidates=[posts], surfaces=int(ProductSurface.HOME_FOR_YOU), config=inputs)
    logits = score_candidates(model, prefix, cands)
    out = serving_outputs(logits, dwell_time_cap_s=model.config.dwell_time_cap_s)
    ranked = [
        RankedCandidate(
            post_id=post_id,
            author_id=author_id,
            probabilities={ACTION_NAMES[a]: float(out.probabilities[0, i, a]) for a in range(NUM_DISCRETE_ACTIONS)},
            dwell_time_s=float(out.dwell_time_s[0, i]),
        )
        for i, (post_id, author_id) in enumerate(posts)
    ]
    return sorted(ranked, key=lambda r: -r.probabilities["favorite"])


def demo_retrieve(
    *, checkpoint: Path | None = None, corpus_size: int = 1000, k: int = 10, seed: int = 0
) -> list[RetrievedPost]:
    """Top-k of an example corpus for the example user."""
    model = _retrieval(checkpoint, seed)
    inputs = model.config.inputs
    posts = example_posts(seed, corpus_size)
    prefix = build_prefix(user_ids=[DEMO_USER], histories=[example_history(seed)], config=inputs)
    with torch.inference_mode():
        user = model.encode_user(prefix)  # [1, D]
        corpus = model.encode_candidates(build_candidates(candidates=[posts], config=inputs))[0]  # [N, D]
        scores, indices = top_k(user, corpus, None, k)
    return [
        RetrievedPost(post_id=posts[int(i)][0], author_id=posts[int(i)][1], score=float(s))
        for s, i in zip(scores[0], indices[0], strict=True)
    ]


def _bar(p: float) -> str:
    filled = round(p * BAR_WIDTH)
    return "█" * filled + "·" * (BAR_WIDTH - filled)


def format_ranking(ranked: list[RankedCandidate], *, detailed: int = 3) -> str:
    lines = []
    for rank, r in enumerate(ranked, start=1):
        lines.append(
            f"#{rank:<3} post {r.post_id} by author {r.author_id}: favorite {r.probabilities['favorite']:.3f}, "
            f"dwell {r.dwell_time_s:.1f}s"
        )
        if rank <= detailed:
            lines.extend(f"      {name:<20} {_bar(p)} {p:.3f}" for name, p in r.probabilities.items())
    return "\n".join(lines)


def format_retrieval(posts: list[RetrievedPost]) -> str:
    lines = [f"{'rank':<5} {'post_id':>10} {'author_id':>10} {'score':>8}"]
    lines.extend(f"{i:<5} {p.post_id:>10} {p.author_id:>10} {p.score:>8.4f}" for i, p in enumerate(posts, start=1))
    return "\n".join(lines)
