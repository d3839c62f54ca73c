"""Model inputs as small typed tensors, and the builder from raw ids (SPEC §5.3 inputs, §5.7 history).

A request splits into a `PrefixBatch` (user + history, computed once) and a `CandidateBatch` (scored in
chunks); `PhoenixBatch` holds both. Hash value 0 is padding; validity is read from hash column 0.
`PhoenixEmbeddings` holds the looked-up rows, the form in which golden files carry their inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from foryou.core.actions import NUM_ACTIONS, Action
from foryou.phoenix.config import InputConfig
from foryou.phoenix.hashing import hash_authors, hash_posts, hash_users


@dataclass(frozen=True)
class PrefixBatch:
    user_hashes: torch.Tensor  # [B, Hu] int64
    history_post_hashes: torch.Tensor  # [B, S, Hi] int64
    history_author_hashes: torch.Tensor  # [B, S, Ha] int64
    history_actions: torch.Tensor  # [B, S, A] float32 in {0, 1}
    history_surfaces: torch.Tensor  # [B, S] int64

    @property
    def user_valid(self) -> torch.Tensor:  # [B, 1] bool
        return self.user_hashes[:, :1] != 0

    @property
    def history_valid(self) -> torch.Tensor:  # [B, S] bool
        return self.history_post_hashes[:, :, 0] != 0

    @property
    def valid(self) -> torch.Tensor:  # [B, 1+S] bool, key validity of the prefix positions
        return torch.cat([self.user_valid, self.history_valid], dim=1)

    def truncate_history(self, length: int) -> PrefixBatch:
        """The first `length` history slots (right padding beyond them carries nothing)."""
        return PrefixBatch(
            user_hashes=self.user_hashes,
            history_post_hashes=self.history_post_hashes[:, :length],
            history_author_hashes=self.history_author_hashes[:, :length],
            history_actions=self.history_actions[:, :length],
            history_surfaces=self.history_surfaces[:, :length],
        )


@dataclass(frozen=True)
class CandidateBatch:
    post_hashes: torch.Tensor  # [B, C, Hi] int64
    author_hashes: torch.Tensor  # [B, C, Ha] int64
    surfaces: torch.Tensor  # [B, C] int64

    @property
    def valid(self) -> torch.Tensor:  # [B, C] bool
        return self.post_hashes[:, :, 0] != 0

    @property
    def num_candidates(self) -> int:
        return int(self.post_hashes.shape[1])

    def slice(self, start: int, stop: int) -> CandidateBatch:
        return CandidateBatch(
            post_hashes=self.post_hashes[:, start:stop],
            author_hashes=self.author_hashes[:, start:stop],
            surfaces=self.surfaces[:, start:stop],
        )

    def index(self, order: torch.Tensor) -> CandidateBatch:
        """Candidates reordered (or subset) along the candidate axis by `order` [C']."""
        return CandidateBatch(
            post_hashes=self.post_hashes[:, order],
            author_hashes=self.author_hashes[:, order],
            surfaces=self.surfaces[:, order],
        )


@dataclass(frozen=True)
class PhoenixBatch:
    prefix: PrefixBatch
    candidates: CandidateBatch


@dataclass(frozen=True)
class PrefixEmbeddings:
    """Looked-up hash rows of the prefix (upstream's RecsysEmbeddings); padded rows may hold anything."""

    user: torch.Tensor  # [B, Hu, D]
    history_post: torch.Tensor  # [B, S, Hi, D]
    history_author: torch.Tensor  # [B, S, Ha, D]


@dataclass(frozen=True)
class CandidateEmbeddings:
    post: torch.Tensor  # [B, C, Hi, D]
    author: torch.Tensor  # [B, C, Ha, D]


@dataclass(frozen=True)
class HistoryEntry:
    """One aggregated action of the user's history (original post and author, SPEC §5.7)."""

    post_id: int
    author_id: int
    actions: frozenset[Action]
    surface: int = 0


def action_vector(actions: Iterable[Action]) -> list[float]:
    """Multi-hot [A] of the history bits; the dwell_time head is never a history bit."""
    vec = [0.0] * NUM_ACTIONS
    for a in actions:
        if a != Action.DWELL_TIME:
            vec[int(a)] = 1.0
    return vec


def build_prefix(
    *, user_ids: Sequence[int], histories: Sequence[Sequence[HistoryEntry]], config: InputConfig
) -> PrefixBatch:
    """Hash a batch of users and their histories; keeps the last S entries, right-padded with hash 0."""
    s = config.history_seq_len
    b = len(user_ids)
    post_ids = np.zeros((b, s), dtype=np.uint64)
    author_ids = np.zeros((b, s), dtype=np.uint64)
    actions = np.zeros((b, s, config.num_actions), dtype=np.float32)
    surfaces = np.zeros((b, s), dtype=np.int64)
    for row, history in enumerate(histories):
        for slot, entry in enumerate(list(history)[-s:]):
            post_ids[row, slot] = entry.post_id
            author_ids[row, slot] = entry.author_id
            actions[row, slot] = action_vector(entry.actions)
            surfaces[row, slot] = entry.surface
    return PrefixBatch(
        user_hashes=torch.from_numpy(
            hash_users(
                np.asarray(user_ids, dtype=np.uint64), num_hashes=config.num_user_hashes, vocab_size=config.vocab_user
            )
        ),
        history_post_hashes=torch.from_numpy(
            hash_posts(post_ids, num_hashes=config.num_item_hashes, vocab_size=config.vocab_post)
        ),
        history_author_hashes=torch.from_numpy(
            hash_authors(author_ids, num_hashes=config.num_author_hashes, vocab_size=config.vocab_author)
        ),
        history_actions=torch.from_numpy(actions),
        history_surfaces=torch.from_numpy(surfaces),
    )


def build_candidates(
    *, candidates: Sequence[Sequence[tuple[int, int]]], surfaces: Sequence[int] | int = 0, config: InputConfig
) -> CandidateBatch:
    """Hash each row's (post_id, author_id) candidates, right-padded with hash 0 to the longest row."""
    b = len(candidates)
    c = max((len(row) for row in candidates), default=0)
    post_ids = np.zeros((b, c), dtype=np.uint64)
    author_ids = np.zeros((b, c), dtype=np.uint64)
    for row, items in enumerate(candidates):
        for slot, (post_id, author_id) in enumerate(items):
            post_ids[row, slot] = post_id
            author_ids[row, slot] = author_id
    row_surfaces = [surfaces] * b if isinstance(surfaces, int) else list(surfaces)
    return CandidateBatch(
        post_hashes=torch.from_numpy(
            hash_posts(post_ids, num_hashes=config.num_item_hashes, vocab_size=config.vocab_post)
        ),
        author_hashes=torch.from_numpy(
            hash_authors(author_ids, num_hashes=config.num_author_hashes, vocab_size=config.vocab_author)
        ),
        surfaces=torch.tensor(row_surfaces, dtype=torch.int64)[:, None].expand(b, c).contiguous(),
    )


def build_batch(
    *,
    user_ids: Sequence[int],
    histories: Sequence[Sequence[HistoryEntry]],
    candidates: Sequence[Sequence[tuple[int, int]]],
    surfaces: Sequence[int] | int = 0,
    config: InputConfig,
) -> PhoenixBatch:
    """Builder from raw ids: hashes users, history and candidates with the config's hash family."""
    return PhoenixBatch(
        prefix=build_prefix(user_ids=user_ids, histories=histories, config=config),
        candidates=build_candidates(candidates=candidates, surfaces=surfaces, config=config),
    )
