"""MovieLens-100K as per-user item sequences and as Phoenix inputs (the learn path of the benchmark).

`user_sequences` applies the benchmark's ordering: each user's ratings sorted by the integer timestamp with
a stable sort, so file order breaks ties. Items are indexed 0..I−1 in ascending raw id; a movie is the post
with its raw item id, by the per-genre "studio" author of `foryou.data` (1 000 000 + first genre index).
A rated movie in a history carries DWELL, plus FAVORITE when r ≥ 4 and NOT_INTERESTED when r ≤ 2 (the
same mapping as the event converter). `MlInputs` turns item-index matrices into hashed batches without a
per-row Python loop.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import torch

from foryou.core.actions import Action, ProductSurface
from foryou.data import Movie, Ratings
from foryou.phoenix import CandidateBatch, InputConfig, PrefixBatch, hash_authors, hash_posts, hash_users

STUDIO_AUTHOR_BASE = 1_000_000


@dataclass(frozen=True)
class Ml100kData:
    users: np.ndarray  # [U] raw user ids, ascending
    items: np.ndarray  # [I] raw item ids, ascending
    authors: np.ndarray  # [I] author id of each item
    sequences: list[np.ndarray]  # U × [n_u] item indices in time order
    ratings: list[np.ndarray]  # U × [n_u] float32 ratings, same order

    @property
    def num_items(self) -> int:
        return len(self.items)


def user_sequences(user: np.ndarray, key: np.ndarray, timestamp: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """(sorted unique users, per-user positions into the input arrays, sorted by time; ties in file order)."""
    order = np.lexsort((np.arange(len(user)), timestamp, user))  # last key = primary; file index breaks ties
    users, starts = np.unique(user[order], return_index=True)
    bounds = [*starts.tolist(), len(order)]
    return users, [order[a:b] for a, b in itertools.pairwise(bounds)]


def build_ml100k_data(ratings: Ratings, movies: Mapping[int, Movie]) -> Ml100kData:
    items = np.unique(ratings.item)
    genres = {g: i + 1 for i, g in enumerate(sorted({g for m in movies.values() for g in m.genres}))}
    authors = np.array(
        [STUDIO_AUTHOR_BASE + (genres[movies[i].genres[0]] if i in movies and movies[i].genres else 0) for i in items],
        dtype=np.int64,
    )
    item_index = np.searchsorted(items, ratings.item)
    users, positions = user_sequences(ratings.user, item_index, ratings.timestamp)
    return Ml100kData(
        users=users,
        items=items,
        authors=authors,
        sequences=[item_index[p] for p in positions],
        ratings=[ratings.rating[p] for p in positions],
    )


def action_vectors(ratings: np.ndarray, num_actions: int) -> np.ndarray:
    """[n, A] history bits of rated movies: DWELL always, FAVORITE for r ≥ 4, NOT_INTERESTED for r ≤ 2."""
    out = np.zeros((len(ratings), num_actions), dtype=np.float32)
    out[:, int(Action.DWELL)] = 1.0
    out[ratings >= 4, int(Action.FAVORITE)] = 1.0
    out[ratings <= 2, int(Action.NOT_INTERESTED)] = 1.0
    return out


class MlInputs:
    """Hashes of every item once; batches are gathers. Index −1 (or I) is padding (hash 0)."""

    def __init__(self, data: Ml100kData, config: InputConfig, *, use_user_token: bool) -> None:
        self.config = config
        self.data = data
        pad_post = np.zeros((1, config.num_item_hashes), dtype=np.int64)
        pad_author = np.zeros((1, config.num_author_hashes), dtype=np.int64)
        posts = hash_posts(
            data.items.astype(np.uint64), num_hashes=config.num_item_hashes, vocab_size=config.vocab_post
        )
        authors = hash_authors(
            data.authors.astype(np.uint64), num_hashes=config.num_author_hashes, vocab_size=config.vocab_author
        )
        self.post_hashes = torch.from_numpy(np.concatenate([posts.astype(np.int64), pad_post]))  # [I+1, Hi]
        self.author_hashes = torch.from_numpy(np.concatenate([authors.astype(np.int64), pad_author]))  # [I+1, Ha]
        user_ids = data.users.astype(np.uint64) if use_user_token else np.zeros(len(data.users), dtype=np.uint64)
        self.user_hashes = torch.from_numpy(
            hash_users(user_ids, num_hashes=config.num_user_hashes, vocab_size=config.vocab_user).astype(np.int64)
        )  # [U, Hu]
        self.pad = data.num_items

    def prefix(self, users: np.ndarray, history: np.ndarray, ratings: np.ndarray) -> PrefixBatch:
        """users [B] (user row indices), history [B, S] item indices (−1 pad), ratings [B, S]."""
        idx = torch.from_numpy(np.where(history < 0, self.pad, history))
        valid = history >= 0
        actions = action_vectors(ratings.reshape(-1), self.config.num_actions).reshape(*history.shape, -1)
        actions *= valid[..., None]
        return PrefixBatch(
            user_hashes=self.user_hashes[torch.from_numpy(users)],
            history_post_hashes=self.post_hashes[idx],
            history_author_hashes=self.author_hashes[idx],
            history_actions=torch.from_numpy(actions),
            history_surfaces=torch.from_numpy(valid.astype(np.int64) * int(ProductSurface.HOME_FOR_YOU)),
        )

    def candidates(self, items: np.ndarray) -> CandidateBatch:
        """items [B, C] item indices (−1 pad)."""
        idx = torch.from_numpy(np.where(items < 0, self.pad, items))
        return CandidateBatch(
            post_hashes=self.post_hashes[idx],
            author_hashes=self.author_hashes[idx],
            surfaces=torch.from_numpy((items >= 0).astype(np.int64) * int(ProductSurface.HOME_FOR_YOU)),
        )

    def catalogue(self) -> CandidateBatch:
        return self.candidates(np.arange(self.data.num_items)[None, :])

    @staticmethod
    def histories_of(
        data: Ml100kData, *, drop_last: int, length: int, users: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The users' last `length` items before their last `drop_last` ones: (users, items [U, S], ratings)."""
        items = np.full((len(users), length), -1, dtype=np.int64)
        rates = np.zeros((len(users), length), dtype=np.float32)
        for row, user in enumerate(users.tolist()):
            seq, rat = data.sequences[user], data.ratings[user]
            seq, rat = seq[: len(seq) - drop_last][-length:], rat[: len(rat) - drop_last][-length:]
            items[row, : len(seq)] = seq
            rates[row, : len(rat)] = rat
        return users, items, rates
