"""MovieLens-100K training tasks: next-item retrieval over the whole catalogue and a next-item ranker.

Training data = each user's sequence without its last two items (validation and test targets), cut into
windows of at most S + 1 items tiled back from the end. Retrieval: the causal user tower sees every prefix
of a window in one forward — with a causal mask, the masked mean over positions ≤ t is exactly the user
vector of the prefix of length t — and each prefix predicts its next item with a full softmax over the 1 682
movies, the user's earlier items removed from that softmax (`--future N`: the next N items are all
positives). Ranker: one random cut per window; the slate is the next item (favorite = 1, dwell = rating)
and C − 1 other movies (all labels 0): a share drawn from the user's earlier movies, the rest by popularity.
Every-prefix ranker (`Ml100kPrefixRankerTask`): every cut of a window in one forward, each cut's
candidates attending to its own prefix only.
Validation is injected (`validator`) so that training never imports the evaluation layer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import torch
from torch import nn

from foryou.core.actions import NUM_DISCRETE_ACTIONS, Action
from foryou.phoenix import (
    PhoenixBatch,
    PhoenixRanker,
    PrefixBatch,
    RetrievalModel,
    l2_normalize,
    score_candidates,
)
from foryou.training.distributed import shard
from foryou.training.loop import StatelessTask
from foryou.training.losses import (
    RankerLossParts,
    catalogue_softmax_loss,
    future_softmax_loss,
    ranker_loss,
    slate_softmax_loss,
)
from foryou.training.ml100k_data import MlInputs

Validator = Callable[[nn.Module], dict[str, float]]


class ValidatedTask(StatelessTask):
    """An ML-100K task: validated by the injected `validator`, no state beyond the model."""

    validator: Validator

    def validate(self, model: nn.Module) -> dict[str, float]:
        return self.validator(model)


@dataclass(frozen=True)
class Window:
    user: int  # user row
    start: int  # first position in the user's sequence
    items: np.ndarray  # [L + 1] item indices


def train_windows(inputs: MlInputs, history_len: int) -> list[Window]:
    out: list[Window] = []
    for user, seq in enumerate(inputs.data.sequences):
        end = len(seq) - 2
        while end >= 2:
            start = max(0, end - history_len - 1)
            out.append(Window(user, start, seq[start:end]))
            end -= history_len
    return out


class Ml100kRetrievalTask(ValidatedTask):
    def __init__(
        self,
        model: RetrievalModel,
        inputs: MlInputs,
        *,
        batch_size: int,
        temperature: float,
        exclude_seen: bool,
        seed: int,
        validator: Validator,
        future: int = 1,
    ) -> None:
        if future < 1:
            raise ValueError(f"future must be ≥ 1, not {future}")
        self.model, self.inputs, self.batch_size = model, inputs, batch_size
        self.temperature, self.exclude_seen, self.seed = temperature, exclude_seen, seed
        self.future = future
        self.windows = train_windows(inputs, model.config.inputs.history_seq_len)
        self.validator = validator

    def batches(self, epoch: int, rank: int, world_size: int) -> Iterator[list[Window]]:
        order = np.random.default_rng((self.seed, epoch)).permutation(len(self.windows)).tolist()
        for rows in shard(order, rank, world_size, self.batch_size):
            yield [self.windows[i] for i in rows]

    def loss(self, model: nn.Module, batch: list[Window]) -> tuple[torch.Tensor, dict[str, float]]:
        s = self.model.config.inputs.history_seq_len
        n_items = self.inputs.data.num_items
        hist = np.full((len(batch), s), -1, dtype=np.int64)
        rates = np.zeros((len(batch), s), dtype=np.float32)
        targets = np.full((len(batch), s, self.future), -1, dtype=np.int64)
        seen_before = np.zeros((len(batch), s, n_items), dtype=bool)
        for row, w in enumerate(batch):
            n = len(w.items) - 1
            hist[row, :n] = w.items[:-1]
            targets[row, :n] = next_items(self.inputs.data.sequences[w.user], w, self.future)
            rates[row, :n] = self.inputs.data.ratings[w.user][w.start : w.start + n]
            if self.exclude_seen:
                first = np.full(n_items, np.iinfo(np.int64).max)
                seq = self.inputs.data.sequences[w.user][: w.start + n + 1]
                first[seq[::-1]] = np.arange(len(seq))[::-1]
                seen_before[row, :n] = first[None, :] <= (w.start + np.arange(n))[:, None]
        users = np.array([w.user for w in batch])
        prefix = self.inputs.prefix(users, hist, rates)
        catalogue = self.model.encode_candidates(self.inputs.catalogue())  # [1, I, D]
        u = cumulative_user_vectors(self.model, prefix)  # [B, S, D]
        keep = torch.from_numpy(targets[..., 0] >= 0)
        exclude = torch.from_numpy(seen_before)[keep] if self.exclude_seen else None
        chosen = torch.from_numpy(targets)[keep]  # [N, H]
        if self.future == 1:
            loss = catalogue_softmax_loss(
                u[keep], catalogue[0], chosen[:, 0], temperature=self.temperature, exclude=exclude
            )
        else:
            loss = future_softmax_loss(u[keep], catalogue[0], chosen, temperature=self.temperature, exclude=exclude)
        return loss, {}


class _RankerLossSettings(Protocol):
    model: PhoenixRanker
    pos_weight: torch.Tensor
    dwell_loss_weight: float
    huber_delta: float


def next_movie_loss(
    task: _RankerLossSettings, logits: torch.Tensor, cands: np.ndarray, dwell: np.ndarray
) -> RankerLossParts:
    """SPEC §5.8 ranker loss of ML-100K slates: favorite = "is the next movie" (dwell known), dwell = rating."""
    labels = torch.zeros((*cands.shape, NUM_DISCRETE_ACTIONS))
    labels[..., int(Action.FAVORITE)] = torch.from_numpy(np.isfinite(dwell)).float()
    return ranker_loss(
        logits,
        labels,
        torch.from_numpy(cands >= 0),
        torch.from_numpy(dwell),
        pos_weight=task.pos_weight,
        dwell_loss_weight=task.dwell_loss_weight,
        dwell_cap_s=task.model.config.dwell_time_cap_s,
        huber_delta=task.huber_delta,
    )


def popularity_distribution(inputs: MlInputs, power: float) -> np.ndarray:
    """[I] sampling probabilities ∝ (training count + 1)^power: negatives drawn by popularity."""
    counts = np.bincount(np.concatenate([s[:-2] for s in inputs.data.sequences]), minlength=inputs.data.num_items)
    weights = (counts + 1.0) ** power
    out: np.ndarray = weights / weights.sum()
    return out


def next_items(sequence: np.ndarray, window: Window, future: int) -> np.ndarray:
    """[L, future] the next `future` training items after each of the window's L prefixes (−1 past the end).

    Column 0 is the window's own next item. Training items only: the user's last two (the validation and
    test targets) never appear.
    """
    n = len(window.items) - 1
    train = sequence[:-2]
    out = np.full((n, future), -1, dtype=np.int64)
    for h in range(future):
        later = train[window.start + 1 + h : window.start + 1 + h + n]
        out[: len(later), h] = later
    return out


def cumulative_user_vectors(model: RetrievalModel, prefix: PrefixBatch) -> torch.Tensor:
    """[B, S, D] unit user vectors of every history prefix (lengths 1..S) from one causal forward.

    Entry t is what `encode_user` returns for the prefix truncated to its first t + 1 history slots.
    """
    trace = model.encode_user_trace(prefix)
    hidden = trace.layer_outputs[-1].float()  # [B, 1+S, D]
    w = trace.padding_mask.float().unsqueeze(-1)  # [B, 1+S, 1]
    pooled = (hidden * w).cumsum(dim=1) / w.cumsum(dim=1).clamp(min=1.0)
    return l2_normalize(pooled[:, 1:])[0]


class Ml100kRankerTask(ValidatedTask):
    def __init__(
        self,
        model: PhoenixRanker,
        inputs: MlInputs,
        *,
        batch_size: int,
        pos_weight: torch.Tensor,
        dwell_loss_weight: float,
        huber_delta: float,
        cuts_per_window: int,
        popularity_power: float,
        seen_fraction: float = 0.25,
        hard_pool: list[np.ndarray] | None = None,
        hard_fraction: float = 0.75,
        listwise: bool = False,
        teacher: Teacher | None = None,
        seen_in_window: bool = False,
        skip_later: bool = False,
        seed: int,
        validator: Validator,
    ) -> None:
        self.model, self.inputs, self.batch_size, self.seed = model, inputs, batch_size, seed
        self.skip_later = skip_later
        self.pos_weight, self.dwell_loss_weight, self.huber_delta = pos_weight, dwell_loss_weight, huber_delta
        base = train_windows(inputs, model.config.inputs.history_seq_len)
        self.windows = base * cuts_per_window
        self.hard_pool = None if hard_pool is None else hard_pool * cuts_per_window
        self.hard_fraction = hard_fraction
        self.neg_p = popularity_distribution(inputs, popularity_power)
        self.seen_fraction = seen_fraction
        self.listwise, self.teacher, self.seen_in_window = listwise, teacher, seen_in_window
        if teacher is not None and not listwise:
            raise ValueError("a teacher needs the listwise ranker loss")
        self.validator = validator

    def batches(self, epoch: int, rank: int, world_size: int) -> Iterator[tuple[np.ndarray, ...]]:
        rng = np.random.default_rng((self.seed, epoch, rank))
        order = np.random.default_rng((self.seed, epoch)).permutation(len(self.windows)).tolist()
        for rows in shard(order, rank, world_size, self.batch_size):
            pools = None if self.hard_pool is None else [self.hard_pool[i] for i in rows]
            yield self._examples([self.windows[i] for i in rows], rng, pools)

    def _examples(
        self, batch: list[Window], rng: np.random.Generator, pools: list[np.ndarray] | None
    ) -> tuple[np.ndarray, ...]:
        s, c = self.model.config.inputs.history_seq_len, self.model.config.candidate_seq_len
        hist = np.full((len(batch), s), -1, dtype=np.int64)
        rates = np.zeros((len(batch), s), dtype=np.float32)
        cands = rng.choice(len(self.neg_p), size=(len(batch), c), p=self.neg_p)
        dwell = np.full((len(batch), c), np.nan, dtype=np.float32)
        for row, w in enumerate(batch):
            t = int(rng.integers(1, len(w.items)))
            hist[row, :t] = w.items[:t]
            rates[row, :t] = self.inputs.data.ratings[w.user][w.start : w.start + t]
            target = w.items[t]
            # seen_in_window: only what the ranker sees, not older movies it cannot tell from unseen ones
            seen = w.items[:t] if self.seen_in_window else self.inputs.data.sequences[w.user][: w.start + t]
            take = min(len(seen), round(self.seen_fraction * (c - 1)))
            if take:  # seen movies are hard negatives: the next movie is (almost) never a repeat
                cands[row, :take] = rng.choice(seen, size=take, replace=False)
            if pools is not None:  # what retrieval ranks highest for this prefix: what the ranker must sort
                hard = round(self.hard_fraction * (c - 1))
                cands[row, take : take + hard] = rng.choice(pools[row][t - 1], size=hard, replace=False)
            # The user's later training movies are not negatives: within a rating session their order is
            # arbitrary, so the next one is as good an answer as the one labelled next.
            later = self.inputs.data.sequences[w.user][w.start + t : -2] if self.skip_later else w.items[t : t + 1]
            clash = np.isin(cands[row], later)
            while clash.any():
                cands[row, clash] = rng.integers(0, len(self.neg_p), clash.sum())
                clash = np.isin(cands[row], later)
            slot = int(rng.integers(0, c))
            cands[row, slot] = target
            dwell[row, slot] = self.inputs.data.ratings[w.user][w.start + t]
        users = np.array([w.user for w in batch])
        return users, hist, rates, cands, dwell

    def loss(self, model: nn.Module, batch: tuple[np.ndarray, ...]) -> tuple[torch.Tensor, dict[str, float]]:
        users, hist, rates, cands, dwell = batch
        inputs = PhoenixBatch(prefix=self.inputs.prefix(users, hist, rates), candidates=self.inputs.candidates(cands))
        logits = model(inputs)  # [B, C, 19]
        parts = next_movie_loss(self, logits, cands, dwell)
        if not self.listwise:
            return parts.total, {"bce": float(parts.bce.detach()), "dwell": float(parts.dwell.detach())}
        # listwise: the favorite logit orders the slate, as it orders retrieval's top K at evaluation
        valid = torch.from_numpy(cands >= 0)
        target = torch.from_numpy(np.isfinite(dwell)).float()  # [B, C] one-hot next movie
        if self.teacher is not None:
            target = self.teacher.mix(target, users, hist, rates, cands)
        slate = slate_softmax_loss(logits[..., int(Action.FAVORITE)], target, valid)
        total = slate + self.dwell_loss_weight * parts.dwell
        return total, {"slate": float(slate.detach()), "dwell": float(parts.dwell.detach())}


class Ml100kPrefixRankerTask(ValidatedTask):
    """The ranker trained on every prefix of every window at once (one forward per window).

    The causal prefix makes history token t the same whatever follows it, so the candidates of cut t (the
    next item and `negatives` others) attend to the user and the first t history tokens only
    (`candidate_sees`), exactly as at serving time with a history of length t. An epoch then holds one
    example per training target, as retrieval's does, instead of one per window. Negatives per cut: a
    `seen_fraction` share from the cut's visible history, a `hard_fraction` share from retrieval's best items
    for that prefix, the rest by popularity; the user's later training movies are never negatives.
    """

    def __init__(
        self,
        model: PhoenixRanker,
        inputs: MlInputs,
        *,
        batch_size: int,
        negatives: int,
        pos_weight: torch.Tensor,
        dwell_loss_weight: float,
        huber_delta: float,
        popularity_power: float,
        hard_pool: list[np.ndarray] | None = None,
        seen_fraction: float = 0.25,
        hard_fraction: float = 0.5,
        listwise: bool = False,
        seed: int,
        validator: Validator,
    ) -> None:
        if negatives < 1:
            raise ValueError(f"negatives must be ≥ 1, not {negatives}")
        if model.config.prefix_attention != "causal":
            raise ValueError("training on every prefix needs phoenix.prefix_attention = causal")
        self.model, self.inputs, self.batch_size, self.seed = model, inputs, batch_size, seed
        self.negatives, self.hard_pool = negatives, hard_pool
        self.pos_weight, self.dwell_loss_weight, self.huber_delta = pos_weight, dwell_loss_weight, huber_delta
        self.seen_fraction, self.hard_fraction, self.listwise = seen_fraction, hard_fraction, listwise
        self.windows = train_windows(inputs, model.config.inputs.history_seq_len)
        if hard_pool is not None and len(hard_pool) != len(self.windows):
            raise ValueError("hard_pool needs one entry per training window")
        self.neg_p = popularity_distribution(inputs, popularity_power)
        self.validator = validator

    @property
    def slots(self) -> int:
        return 1 + self.negatives

    def batches(self, epoch: int, rank: int, world_size: int) -> Iterator[tuple[np.ndarray, ...]]:
        rng = np.random.default_rng((self.seed, epoch, rank))
        order = np.random.default_rng((self.seed, epoch)).permutation(len(self.windows)).tolist()
        for rows in shard(order, rank, world_size, self.batch_size):
            yield self._examples(rows, rng)

    def _cut_candidates(self, index: int, rng: np.random.Generator) -> np.ndarray:
        """[n, slots] candidates of each cut t = 1..n of window `index`; column 0 is the next item."""
        w = self.windows[index]
        seq = self.inputs.data.sequences[w.user]
        n, k = len(w.items) - 1, self.negatives
        cuts = np.arange(1, n + 1)
        out = np.empty((n, 1 + k), dtype=np.int64)
        out[:, 0] = w.items[1:]
        out[:, 1:] = rng.choice(len(self.neg_p), size=(n, k), p=self.neg_p)
        seen = min(k, round(self.seen_fraction * k))
        if seen:  # drawn with replacement from the cut's visible history
            pick = (rng.random((n, seen)) * cuts[:, None]).astype(np.int64)
            out[:, 1 : 1 + seen] = w.items[pick]
        hard = min(k - seen, round(self.hard_fraction * k))
        if hard and self.hard_pool is not None:
            pool = self.hard_pool[index]  # [n, top]
            pick = rng.random(pool.shape).argsort(axis=1)[:, :hard]
            out[:, 1 + seen : 1 + seen + hard] = np.take_along_axis(pool, pick, axis=1)
        # the cut's next item and the user's later training movies are never negatives
        position = np.full(len(self.neg_p), -1, dtype=np.int64)
        position[seq[:-2]] = np.arange(len(seq) - 2)
        first_later = (w.start + cuts)[:, None]  # sequence position of each cut's next item
        negs = out[:, 1:]
        clash = position[negs] >= first_later
        while clash.any():
            negs[clash] = rng.integers(0, len(self.neg_p), int(clash.sum()))
            clash = position[negs] >= first_later
        return out

    def _examples(self, rows: list[int], rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        s, m = self.model.config.inputs.history_seq_len, self.slots
        b = len(rows)
        hist = np.full((b, s), -1, dtype=np.int64)
        rates = np.zeros((b, s), dtype=np.float32)
        cands = np.full((b, s, m), -1, dtype=np.int64)
        sees = np.ones((b, s, m), dtype=np.int64)
        dwell = np.full((b, s, m), np.nan, dtype=np.float32)
        for row, index in enumerate(rows):
            w = self.windows[index]
            n = len(w.items) - 1
            ratings = self.inputs.data.ratings[w.user]
            hist[row, :n] = w.items[:-1]
            rates[row, :n] = ratings[w.start : w.start + n]
            cut = self._cut_candidates(index, rng)  # [n, m], next item first
            slot = rng.integers(0, m, n)  # where the next item goes
            shuffled = cut.copy()
            shuffled[np.arange(n), slot], shuffled[:, 0] = cut[:, 0], cut[np.arange(n), slot]
            cands[row, :n] = shuffled
            sees[row, :n] = 2 + np.arange(n)[:, None]  # the user token and history slots 0..t−1
            dwell[row, np.arange(n), slot] = ratings[w.start + 1 : w.start + 1 + n]
        users = np.array([self.windows[i].user for i in rows])
        return users, hist, rates, cands.reshape(b, -1), sees.reshape(b, -1), dwell.reshape(b, -1)

    def loss(self, model: nn.Module, batch: tuple[np.ndarray, ...]) -> tuple[torch.Tensor, dict[str, float]]:
        users, hist, rates, cands, sees, dwell = batch
        inputs = PhoenixBatch(prefix=self.inputs.prefix(users, hist, rates), candidates=self.inputs.candidates(cands))
        logits = model(inputs, candidate_sees=torch.from_numpy(sees))  # [B, S·m, 19]
        parts = next_movie_loss(self, logits, cands, dwell)
        if not self.listwise:
            return parts.total, {"bce": float(parts.bce.detach()), "dwell": float(parts.dwell.detach())}
        m = self.slots
        cut_valid = torch.from_numpy(cands >= 0).view(-1, m)  # [B·S, m]
        has = cut_valid.any(dim=1)
        fav = logits[..., int(Action.FAVORITE)].reshape(-1, m)[has]
        target = torch.from_numpy(np.isfinite(dwell)).float().view(-1, m)[has]  # one-hot next movie per cut
        slate = slate_softmax_loss(fav, target, cut_valid[has])
        total = slate + self.dwell_loss_weight * parts.dwell
        return total, {"slate": float(slate.detach()), "dwell": float(parts.dwell.detach())}


class Teacher:
    """Soft slate targets from a trained retrieval model (distillation into the ranker).

    target = (1 − w)·one-hot(next movie) + w·softmax(retrieval scores / temperature) over the slate, where
    movies already in the history get no teacher mass: the next movie is never a repeat, so the ranker
    learns retrieval's order of unseen movies and to put seen ones last.
    """

    def __init__(self, model: RetrievalModel, inputs: MlInputs, *, weight: float, temperature: float) -> None:
        if not 0.0 <= weight <= 1.0 or temperature <= 0.0:
            raise ValueError(f"teacher weight must be in [0, 1] and temperature > 0, not {weight}, {temperature}")
        self.model, self.inputs, self.weight, self.temperature = model, inputs, weight, temperature

    def mix(
        self, one_hot: torch.Tensor, users: np.ndarray, hist: np.ndarray, rates: np.ndarray, cands: np.ndarray
    ) -> torch.Tensor:
        """[B, C] target distribution from the one-hot next movie [B, C] and the slate cands [B, C]."""
        with torch.no_grad():
            u = self.model.encode_user(self.inputs.prefix(users, hist, rates))  # [B, D]
            c = self.model.encode_candidates(self.inputs.candidates(cands))  # [B, C, D]
            scores = torch.einsum("bd,bcd->bc", u, c) / self.temperature
        seen = ((cands[:, :, None] == hist[:, None, :]) & (hist[:, None, :] >= 0)).any(axis=2)  # [B, C]
        blocked = torch.from_numpy(seen | (cands < 0)) & (one_hot == 0)
        soft = torch.softmax(scores.masked_fill(blocked, -math.inf), dim=1)
        return (1.0 - self.weight) * one_hot + self.weight * soft


def warm_start(ranker: PhoenixRanker, retrieval: RetrievalModel) -> list[str]:
    """Copy every retrieval parameter the ranker has under the same name and shape (hash tables, history
    projections, transformer): the ranker starts from a user encoder and movie embeddings that already
    know the catalogue. Returns the copied names."""
    theirs = retrieval.state_dict()
    mine = ranker.state_dict()
    copied = [k for k, v in theirs.items() if k in mine and mine[k].shape == v.shape]
    if not any(k.startswith("transformer.") for k in copied):
        raise ValueError("warm start: the ranker's transformer does not match the retrieval model's")
    ranker.load_state_dict({**mine, **{k: theirs[k] for k in copied}})
    return copied


def retrieval_scores(
    model: RetrievalModel, inputs: MlInputs, users: np.ndarray, hist: np.ndarray, rates: np.ndarray
) -> np.ndarray:
    """[U, I] float32 dot products of user vectors and every movie (higher = better)."""
    with torch.inference_mode():
        cat = model.encode_candidates(inputs.catalogue())[0]  # [I, D]
        out = [
            (model.encode_user(inputs.prefix(users[a : a + 256], hist[a : a + 256], rates[a : a + 256])) @ cat.T)
            for a in range(0, len(users), 256)
        ]
    return torch.cat(out).numpy().astype(np.float32)


def ranker_logits(
    model: PhoenixRanker, inputs: MlInputs, users: np.ndarray, hist: np.ndarray, rates: np.ndarray, cands: np.ndarray
) -> np.ndarray:
    """[U, K] favorite-head logits of each user's candidate movies (cached prefix, chunked candidates)."""
    out = []
    for a in range(0, len(users), 128):
        sl = slice(a, a + 128)
        logits = score_candidates(model, inputs.prefix(users[sl], hist[sl], rates[sl]), inputs.candidates(cands[sl]))
        out.append(logits[..., int(Action.FAVORITE)].float())
    return torch.cat(out).numpy().astype(np.float32)


def retrieval_hard_negatives(
    model: RetrievalModel, inputs: MlInputs, windows: list[Window], top: int, batch_size: int = 64
) -> list[np.ndarray]:
    """For every window, [L, top] the retrieval model's best items after each prefix (the next item removed)."""
    s = model.config.inputs.history_seq_len
    out: list[np.ndarray] = []
    with torch.inference_mode():
        catalogue = model.encode_candidates(inputs.catalogue())[0]  # [I, D]
        for a in range(0, len(windows), batch_size):
            chunk = windows[a : a + batch_size]
            hist = np.full((len(chunk), s), -1, dtype=np.int64)
            rates = np.zeros((len(chunk), s), dtype=np.float32)
            for row, w in enumerate(chunk):
                n = len(w.items) - 1
                hist[row, :n] = w.items[:-1]
                rates[row, :n] = inputs.data.ratings[w.user][w.start : w.start + n]
            users = np.array([w.user for w in chunk])
            u = cumulative_user_vectors(model, inputs.prefix(users, hist, rates))  # [B, S, D]
            scores = u @ catalogue.T  # [B, S, I]
            for row, w in enumerate(chunk):
                n = len(w.items) - 1
                sc = scores[row, :n].clone()
                sc[torch.arange(n), torch.from_numpy(w.items[1:])] = -torch.inf
                out.append(torch.topk(sc, top, dim=1).indices.numpy())
    return out
