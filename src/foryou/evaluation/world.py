"""Evaluation against a synthetic world's ground truth (`foryou eval world`).

On the test split of the world's training examples:
- **ranker AUC**: per-head ROC-AUC of the ranker's probabilities against the observed labels, next to the
  AUC of the oracle's true probabilities on the same impressions (the ceiling), with the graph as it stood
  at the slate's time (follows, blocks and mutes made later would gate follow_author / block / mute);
- **retrieval recall@K**: for test (history, engaged post) pairs whose author the user does not follow
  (out-of-network), the share whose post is in the retrieval model's top K over every original post;
- **feed value ratio**: for one test request per user, a pool = its impressions plus random other posts
  created before it; each policy orders the pool, and the oracle's value of its top 35 is divided by the
  value of the best 35 of the same pool, both valued with the graph at the request's time. Policies: the
  trained ranker (SPEC §3.9 weighted score of its outputs, the same weights the oracle values with),
  reverse-chronological, popularity (positive labels in the training split) and, as a reference rather
  than a baseline, `oracle_author_prior`: the truth as far as ids can know it for a post never trained on
  (viewer and author exact, the post's own topic and quality noise unknown), about the most that
  author-level learning can give. Reported as the ratio of the summed values over all requests (stable
  when single requests have a best value near zero) and as the mean of per-request ratios.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import torch

from foryou.core.actions import ACTION_NAMES, NUM_DISCRETE_ACTIONS
from foryou.data import ExampleConfig
from foryou.params import Params
from foryou.phoenix import PhoenixRanker, RetrievalModel, score_candidates, serving_outputs
from foryou.training.world_data import RankingTable, RetrievalTable, candidates_of, ensure_examples, prefix_of
from foryou.world import Oracle

FEED_SIZE = 35


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Mann–Whitney AUC with average ranks for ties; NaN when only one class is present."""
    pos = labels.astype(bool)
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float64)
    sorted_scores = scores[order]
    bounds = np.flatnonzero(np.r_[True, sorted_scores[1:] != sorted_scores[:-1], True])
    for a, b in itertools.pairwise(bounds):
        ranks[order[a:b]] = (a + b + 1) / 2.0
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def _ranker_outputs(
    model: PhoenixRanker, hist: Any, rows: np.ndarray, posts: np.ndarray, authors: np.ndarray, surfaces: np.ndarray
) -> np.ndarray:
    """[N, C, 19]: probabilities of heads 0–17 and dwell seconds, per row's candidates."""
    cfg = model.config
    out = []
    for a in range(0, len(rows), 64):
        sl = slice(a, a + 64)
        prefix = prefix_of(hist, rows[sl], cfg.inputs)
        cands = candidates_of(posts[sl], authors[sl], surfaces[sl], cfg.inputs)
        scores = serving_outputs(score_candidates(model, prefix, cands), dwell_time_cap_s=cfg.dwell_time_cap_s)
        out.append(torch.cat([scores.probabilities, scores.dwell_time_s[..., None]], dim=-1).numpy())
    return np.concatenate(out) if out else np.zeros((0, posts.shape[1], 19))


def ranker_auc(model: PhoenixRanker, test: RankingTable, oracle: Oracle) -> dict[str, Any]:
    rows = np.arange(len(test))
    outputs = _ranker_outputs(model, test.history, rows, test.posts, test.authors, test.surfaces)
    valid = test.posts != 0
    labels = ((test.labels[valid][:, None] >> np.arange(NUM_DISCRETE_ACTIONS)) & 1).astype(np.int64)
    users = np.broadcast_to(test.history.user[:, None], test.posts.shape)[valid]
    times = np.broadcast_to(test.times_ms[:, None], test.posts.shape)[valid]
    truth = oracle.action_probs(users.astype(np.int64), test.posts[valid], at_ms=times)
    model_p = outputs[valid]
    per_head = {
        ACTION_NAMES[a]: {
            "model": roc_auc(model_p[:, a], labels[:, a]),
            "oracle": roc_auc(truth[:, a], labels[:, a]),
            "positives": int(labels[:, a].sum()),
        }
        for a in range(NUM_DISCRETE_ACTIONS)
    }
    return {"impressions": int(valid.sum()), "per_head": per_head}


def retrieval_recall(
    model: RetrievalModel, test: RetrievalTable, world: Path, ks: tuple[int, ...], limit: int
) -> dict[str, Any]:
    posts = pq.read_table(world / "posts.parquet", columns=["post_id", "author_id", "original_post_id"])
    pid = posts.column("post_id").to_numpy().astype(np.uint64)
    originals = pid == posts.column("original_post_id").to_numpy().astype(np.uint64)
    corpus, corpus_authors = pid[originals], posts.column("author_id").to_numpy().astype(np.uint64)[originals]
    follows = pq.read_table(world / "follows.parquet").to_pydict()
    followed = set(zip(follows["source_user_id"], follows["target_user_id"], strict=True))
    oon = np.array(
        [(int(u), int(a)) not in followed for u, a in zip(test.history.user, test.author, strict=True)], dtype=bool
    )
    rows = np.flatnonzero(oon)[:limit]
    cfg = model.config.inputs
    with torch.inference_mode():
        vecs = [
            model.encode_candidates(
                candidates_of(
                    corpus[None, a : a + 4096],
                    corpus_authors[None, a : a + 4096],
                    np.zeros((1, len(corpus[a : a + 4096])), dtype=np.int64),
                    cfg,
                )
            )[0]
            for a in range(0, len(corpus), 4096)
        ]
        corpus_vecs = torch.cat(vecs)  # [N, D]
        hits = {k: 0 for k in ks}
        for a in range(0, len(rows), 256):
            r = rows[a : a + 256]
            scores = model.encode_user(prefix_of(test.history, r, cfg)) @ corpus_vecs.T  # [B, N]
            target = torch.from_numpy(np.searchsorted(corpus, test.post[r]).clip(0, len(corpus) - 1))
            rank = 1 + (scores > scores.gather(1, target[:, None])).sum(dim=1)
            for k in ks:
                hits[k] += int((rank <= k).sum())
    n = max(len(rows), 1)
    return {"pairs": len(rows), "corpus": len(corpus), **{f"recall@{k}": hits[k] / n for k in ks}}


def feed_value_ratios(
    model: PhoenixRanker,
    test: RankingTable,
    train: RankingTable,
    oracle: Oracle,
    world: Path,
    *,
    pool: int,
    users: int,
    seed: int,
) -> dict[str, Any]:
    posts = pq.read_table(
        world / "posts.parquet", columns=["post_id", "author_id", "created_at_ms", "original_post_id"]
    )
    pid = posts.column("post_id").to_numpy().astype(np.uint64)
    is_orig = pid == posts.column("original_post_id").to_numpy().astype(np.uint64)
    pid, created = pid[is_orig], posts.column("created_at_ms").to_numpy()[is_orig]
    author = posts.column("author_id").to_numpy().astype(np.uint64)[is_orig]
    popular: dict[int, int] = {}
    for p, lab in zip(train.posts.reshape(-1).tolist(), train.labels.reshape(-1).tolist(), strict=True):
        if lab:
            popular[p] = popular.get(p, 0) + 1
    rng = np.random.default_rng(seed)
    last: dict[int, int] = {}
    for row, u in enumerate(test.history.user.tolist()):
        last[u] = row
    chosen = np.array(sorted(last.values())[:users], dtype=np.int64)
    weights = oracle.weights
    ratios: dict[str, list[float]] = {
        "ranker": [],
        "reverse_chronological": [],
        "popularity": [],
        "oracle_author_prior": [],
    }
    totals = dict.fromkeys(ratios, 0.0)
    best_total = 0.0
    for row in chosen.tolist():
        t = int(test.history.user[row])
        seen = [p for p in test.posts[row].tolist() if p]
        time_ms = int(test.times_ms[row])
        eligible = np.flatnonzero(created < time_ms)
        extra = pid[rng.choice(eligible, size=min(pool, len(eligible)), replace=False)] if len(eligible) else pid[:0]
        cand = list(dict.fromkeys([*seen, *extra.tolist()]))[:pool]
        idx = np.searchsorted(pid, np.array(cand, dtype=np.uint64))
        c_posts, c_authors = pid[idx][None, :], author[idx][None, :]
        out = _ranker_outputs(
            model, test.history, np.array([row]), c_posts, c_authors, np.ones_like(c_posts, dtype=np.int64)
        )[0]
        model_value = out[:, :NUM_DISCRETE_ACTIONS] @ weights[:NUM_DISCRETE_ACTIONS] + weights[18] * out[:, 18]
        orders = {
            "ranker": np.argsort(-model_value, kind="stable"),
            "reverse_chronological": np.argsort(-created[idx], kind="stable"),
            "popularity": np.argsort(-np.array([popular.get(int(p), 0) for p in cand]), kind="stable"),
            "oracle_author_prior": np.argsort(
                -oracle.author_prior_value(np.full(len(cand), t), cand, time_ms), kind="stable"
            ),
        }
        best = oracle.feed_value(t, oracle.best_feed(t, cand, FEED_SIZE, time_ms), FEED_SIZE, time_ms)
        best_total += best
        for name, order in orders.items():
            served = oracle.feed_value(t, [cand[i] for i in order[:FEED_SIZE]], FEED_SIZE, time_ms)
            totals[name] += served
            if best > 0:
                ratios[name].append(served / best)
    return {
        "requests": len(chosen),
        "pool": pool,
        "k": FEED_SIZE,
        "ratio_of_totals": {name: v / best_total if best_total > 0 else float("nan") for name, v in totals.items()},
        "mean_request_ratio": {name: float(np.mean(v)) if v else float("nan") for name, v in ratios.items()},
    }


def evaluate_world(
    world: Path,
    retrieval: RetrievalModel,
    ranker: PhoenixRanker,
    params: Params,
    *,
    work: Path,
    pool: int = 200,
    users: int = 300,
    recall_limit: int = 2000,
    seed: int = 0,
) -> dict[str, Any]:
    ensure_examples(world, work, ExampleConfig.from_params(params))
    oracle = Oracle.load(world, params)
    s, c = ranker.config.inputs.history_seq_len, params.get_int("phoenix.candidate_seq_len")
    test = RankingTable.read(work, "test", s, c)
    train = RankingTable.read(work, "train", s, c)
    return {
        "dataset": str(world),
        "split": "test",
        "ranker_auc": ranker_auc(ranker, test, oracle),
        "retrieval": retrieval_recall(
            retrieval,
            RetrievalTable.read(work, "test", retrieval.config.inputs.history_seq_len),
            world,
            (10, 100, 1000),
            recall_limit,
        ),
        "feed_value_ratio": feed_value_ratios(ranker, test, train, oracle, world, pool=pool, users=users, seed=seed),
    }
