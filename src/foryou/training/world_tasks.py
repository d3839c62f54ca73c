"""Training tasks on a synthetic world's examples (SPEC §5.8).

Ranker: slates of impressions with 18 label bits and the dwell target → `ranker_loss`. Retrieval: (history,
engaged post) pairs → in-batch InfoNCE with the streaming log-Q correction and optional uniform negatives
drawn from the posts of the training pairs. Validation = the same loss on (at most 20) validation batches,
score = −loss.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
from torch import nn

from foryou.core.actions import ACTION_NAMES, NUM_DISCRETE_ACTIONS
from foryou.data import ExampleConfig
from foryou.params import Params
from foryou.phoenix import PhoenixBatch, PhoenixConfig, PhoenixRanker, RetrievalConfig, RetrievalModel
from foryou.training.distributed import shard
from foryou.training.loop import StatelessTask
from foryou.training.losses import FrequencyEstimator, infonce_loss, ranker_loss
from foryou.training.world_data import RankingTable, RetrievalTable, candidates_of, ensure_examples, prefix_of

VALIDATION_BATCHES = 20


def _mean_loss(task: WorldRankerTask | WorldRetrievalTask, model: nn.Module, n: int) -> float:
    batches = [np.arange(i, min(i + task.batch_size, n)) for i in range(0, n, task.batch_size)][:VALIDATION_BATCHES]
    losses = [float(task.batch_loss(model, rows, split="validation")[0]) for rows in batches]
    return float(np.mean(losses)) if losses else float("nan")


class WorldRankerTask(StatelessTask):
    def __init__(
        self,
        model: PhoenixRanker,
        train: RankingTable,
        val: RankingTable,
        params: Params,
        *,
        batch_size: int,
        seed: int,
    ) -> None:
        self.model, self.train, self.val, self.batch_size, self.seed = model, train, val, batch_size, seed
        heads = ACTION_NAMES[:NUM_DISCRETE_ACTIONS]
        self.pos_weight = torch.tensor([params.get_float(f"train.pos_weight.{h}") for h in heads])
        self.dwell_weight = params.get_float("train.dwell_loss_weight")
        self.huber_delta = params.get_float("train.huber_delta")

    def batches(self, epoch: int, rank: int, world_size: int) -> Iterator[np.ndarray]:
        order = np.random.default_rng((self.seed, epoch)).permutation(len(self.train)).tolist()
        for rows in shard(order, rank, world_size, self.batch_size):
            yield np.asarray(rows)

    def batch_loss(
        self, model: nn.Module, rows: np.ndarray, split: str = "train"
    ) -> tuple[torch.Tensor, dict[str, float]]:
        t = self.train if split == "train" else self.val
        cfg = self.model.config.inputs
        batch = PhoenixBatch(
            prefix=prefix_of(t.history, rows, cfg),
            candidates=candidates_of(t.posts[rows], t.authors[rows], t.surfaces[rows], cfg),
        )
        labels = torch.from_numpy(
            ((t.labels[rows][..., None] >> np.arange(NUM_DISCRETE_ACTIONS)) & 1).astype(np.float32)
        )
        parts = ranker_loss(
            model(batch),
            labels,
            batch.candidates.valid,
            torch.from_numpy(t.dwell_s[rows]),
            pos_weight=self.pos_weight,
            dwell_loss_weight=self.dwell_weight,
            dwell_cap_s=self.model.config.dwell_time_cap_s,
            huber_delta=self.huber_delta,
        )
        return parts.total, {"bce": float(parts.bce.detach()), "dwell": float(parts.dwell.detach())}

    def loss(self, model: nn.Module, batch: np.ndarray) -> tuple[torch.Tensor, dict[str, float]]:
        return self.batch_loss(model, batch)

    def validate(self, model: nn.Module) -> dict[str, float]:
        loss = _mean_loss(self, model, len(self.val))
        return {"loss": loss, "score": -loss}


class WorldRetrievalTask:
    def __init__(
        self,
        model: RetrievalModel,
        train: RetrievalTable,
        val: RetrievalTable,
        params: Params,
        *,
        batch_size: int,
        seed: int,
    ) -> None:
        self.model, self.train, self.val, self.batch_size, self.seed = model, train, val, batch_size, seed
        self.temperature = params.get_float("train.retrieval.temperature")
        self.sampled_negatives = params.get_int("train.retrieval.sampled_negatives")
        self.estimator = FrequencyEstimator(
            model.config.inputs.vocab_post, params.get_float("train.retrieval.logq_alpha")
        )
        self.corpus_posts, first = np.unique(train.post, return_index=True)
        self.corpus_authors = train.author[first]
        self._rng = np.random.default_rng(seed)

    def batches(self, epoch: int, rank: int, world_size: int) -> Iterator[np.ndarray]:
        order = np.random.default_rng((self.seed, epoch)).permutation(len(self.train)).tolist()
        for rows in shard(order, rank, world_size, self.batch_size):
            yield np.asarray(rows)

    def _encode_items(
        self, model: RetrievalModel, posts: np.ndarray, authors: np.ndarray
    ) -> tuple[torch.Tensor, torch.Tensor]:
        cands = candidates_of(
            posts[None, :], authors[None, :], np.zeros((1, len(posts)), dtype=np.int64), model.config.inputs
        )
        return model.encode_candidates(cands)[0], cands.post_hashes[0, :, 0]  # [N, D], [N] bucket of hash 0

    def batch_loss(
        self, model: nn.Module, rows: np.ndarray, split: str = "train"
    ) -> tuple[torch.Tensor, dict[str, float]]:
        t = self.train if split == "train" else self.val
        users = self.model.encode_user(prefix_of(t.history, rows, self.model.config.inputs))
        items, buckets = self._encode_items(self.model, t.post[rows], t.author[rows])
        keys = torch.from_numpy(t.post[rows].astype(np.int64))
        neg = neg_keys = neg_q = None
        if self.sampled_negatives and len(self.corpus_posts):
            pick = self._rng.integers(0, len(self.corpus_posts), self.sampled_negatives)
            neg, neg_buckets = self._encode_items(self.model, self.corpus_posts[pick], self.corpus_authors[pick])
            neg_keys = torch.from_numpy(self.corpus_posts[pick].astype(np.int64))
            neg_q = self.estimator.log_q(neg_buckets)
        loss = infonce_loss(
            users,
            items,
            keys,
            self.estimator.log_q(buckets),
            temperature=self.temperature,
            negatives=neg,
            negative_keys=neg_keys,
            negative_log_q=neg_q,
        )
        return loss, {}

    def loss(self, model: nn.Module, batch: np.ndarray) -> tuple[torch.Tensor, dict[str, float]]:
        return self.batch_loss(model, batch)

    def after_step(self, batch: np.ndarray) -> None:
        cands = candidates_of(
            self.train.post[batch][None, :],
            self.train.author[batch][None, :],
            np.zeros((1, len(batch)), dtype=np.int64),
            self.model.config.inputs,
        )
        self.estimator.update(cands.post_hashes[0, :, 0])

    def validate(self, model: nn.Module) -> dict[str, float]:
        loss = _mean_loss(self, model, len(self.val))
        return {"loss": loss, "score": -loss}

    def extra_state(self) -> dict[str, torch.Tensor]:
        return self.estimator.state()

    def load_extra_state(self, state: dict[str, torch.Tensor]) -> None:
        if state:
            self.estimator.load_state(state)


def build_world_task(
    kind: str, world: Path, params: Params, *, seed: int, work: Path
) -> WorldRankerTask | WorldRetrievalTask:
    """The task of `kind` ('ranker' or 'retrieval') on the examples of `world` (built into `work` if needed)."""
    ensure_examples(world, work, ExampleConfig.from_params(params))
    batch = params.get_int("train.batch_size")
    s = params.get_int("phoenix.history_seq_len")
    if kind == "ranker":
        c = params.get_int("phoenix.candidate_seq_len")
        return WorldRankerTask(
            PhoenixRanker(PhoenixConfig.from_params(params)),
            RankingTable.read(work, "train", s, c),
            RankingTable.read(work, "validation", s, c),
            params,
            batch_size=batch,
            seed=seed,
        )
    return WorldRetrievalTask(
        RetrievalModel(RetrievalConfig.from_params(params)),
        RetrievalTable.read(work, "train", s),
        RetrievalTable.read(work, "validation", s),
        params,
        batch_size=batch,
        seed=seed,
    )
