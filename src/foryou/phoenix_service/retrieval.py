"""RetrievalService: Retrieve(user, sequence, k) = user tower → live index top-k (SPEC §5.7)."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch

from foryou.core.errors import InvalidInputError, UnavailableError
from foryou.core.torch_threads import pinned_executor
from foryou.events.uas import AggregatedAction
from foryou.phoenix import build_prefix
from foryou.phoenix_service.history import history_entries, sequence_key
from foryou.phoenix_service.live_index import LiveIndex
from foryou.phoenix_service.model_host import ModelHost

MAX_RESULTS = 10_000


class Retrieved(NamedTuple):  # a named tuple: one response carries ~1 000
    post_id: int
    author_id: int
    in_reply_to_post_id: int
    score: float


class RetrievalService:
    def __init__(
        self, host: ModelHost, index: LiveIndex, *, user_cache_size: int = 4096, torch_threads: int | None = None
    ) -> None:
        """`torch_threads`: intra-op threads of the retrieval thread, as for `RankingService`."""
        self.host, self.index = host, index
        self._pool = pinned_executor("phoenix-retrieve", torch_threads)
        self._users: OrderedDict[tuple[int, bytes], np.ndarray] = OrderedDict()
        self._cache_size = user_cache_size

    async def retrieve(
        self, *, user_id: int, sequence: Sequence[AggregatedAction], max_results: int
    ) -> list[Retrieved]:
        if not 0 <= max_results <= MAX_RESULTS:
            raise InvalidInputError(f"max_results must be within 0..{MAX_RESULTS}")
        if max_results == 0:
            return []
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._retrieve, user_id, list(sequence), max_results)

    def _retrieve(self, user_id: int, sequence: list[AggregatedAction], k: int) -> list[Retrieved]:
        vector = self.user_vector(user_id, sequence)
        (row,) = self.index.search(vector[None, :], k)
        return [Retrieved(p.post_id, p.author_id, p.in_reply_to_post_id, s) for p, s in row]  # s: a Python float

    def user_vector(self, user_id: int, sequence: list[AggregatedAction]) -> np.ndarray:
        models = self.host.current
        model = models.retrieval
        if model is None:
            raise UnavailableError("no retrieval checkpoint is loaded")
        inputs = model.config.inputs
        key = (models.version, sequence_key(user_id, sequence, inputs.history_seq_len))
        cached = self._users.get(key)
        if cached is not None:
            self._users.move_to_end(key)
            return cached
        prefix = build_prefix(
            user_ids=[user_id], histories=[history_entries(sequence, inputs.history_seq_len)], config=inputs
        )
        with torch.inference_mode():
            vector = model.encode_user(prefix)[0].float().numpy()
        self._users[key] = vector
        while len(self._users) > self._cache_size:
            self._users.popitem(last=False)
        return vector

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
