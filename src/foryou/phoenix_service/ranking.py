"""RankingService: Predict(user, sequence, candidates, surface) with cross-request micro-batching.

Requests queue up while the model is busy; the worker then scores all of them in one forward: their
cached prefixes are stacked (padded keys masked) and their candidates padded to the longest list.
With `shared` candidate positions this is exactly what each request would get alone. A request that
cannot finish before its deadline, given the work queued ahead of it, is rejected at once.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import torch

from foryou.core.actions import ACTION_NAMES as SCORE_KEYS
from foryou.core.errors import InvalidInputError, ResourceExhaustedError, UnavailableError
from foryou.core.predictions import PredictionColumns, PredictionRow, prediction_rows
from foryou.core.torch_threads import executor_threads, pinned_executor
from foryou.events.uas import AggregatedAction
from foryou.phoenix import PhoenixRanker, PrefixCache, build_candidates, build_prefix, serving_outputs
from foryou.phoenix.transformer import LayerCache
from foryou.phoenix_service.history import history_entries, sequence_key
from foryou.phoenix_service.model_host import ModelHost

_COLUMNS = PredictionColumns((*SCORE_KEYS[:-1], "dwell_time"))


@dataclass
class _Job:
    user_id: int
    actions: Sequence[AggregatedAction]
    candidates: list[tuple[int, int]]
    surface: int
    future: asyncio.Future[list[PredictionRow]]


@dataclass
class RankingStats:
    requests: int = 0
    batches: int = 0
    candidates: int = 0
    rejected: int = 0
    prefix_cache_hits: int = 0
    seconds_per_candidate: float = 2e-5  # EWMA, seeds deadline admission
    _alpha: float = field(default=0.2, repr=False)

    def observe(self, seconds: float, candidates: int) -> None:
        if candidates:
            self.seconds_per_candidate += self._alpha * (seconds / candidates - self.seconds_per_candidate)


class RankingService:
    def __init__(
        self,
        host: ModelHost,
        *,
        max_candidates: int = 4096,
        max_batch_requests: int = 8,
        prefix_cache_size: int = 4096,
        dwell_time_cap_s: float = 600.0,
        torch_threads: int | None = None,
    ) -> None:
        """`torch_threads`: intra-op threads of the scoring thread (0: one per core; None: the process
        default when it first scores), fixed when the service is built (decision 87)."""
        self.host = host
        self.max_candidates, self.max_batch = max_candidates, max_batch_requests
        self.dwell_cap = dwell_time_cap_s
        self.stats = RankingStats()
        self._queue: list[_Job] = []
        self._queued_candidates = 0
        self._wake: asyncio.Event | None = None
        self._worker: asyncio.Task[None] | None = None
        self._pool = pinned_executor("phoenix-rank", torch_threads)
        self._cache: OrderedDict[tuple[int, bytes], PrefixCache] = OrderedDict()
        self._cache_size = prefix_cache_size

    async def predict(
        self,
        *,
        user_id: int,
        sequence: Sequence[AggregatedAction],
        candidates: Sequence[tuple[int, int]],
        surface: int,
        deadline_s: float | None = None,
    ) -> list[PredictionRow]:
        """Per candidate, in order: 18 probabilities and dwell_time (seconds), as mappings."""
        if len(candidates) > self.max_candidates:
            raise InvalidInputError(f"{len(candidates)} candidates exceed the limit of {self.max_candidates}")
        if not candidates:
            return []
        if self.host.current.ranker is None:
            raise UnavailableError("no ranker checkpoint is loaded")
        if deadline_s is not None:
            expected = self.stats.seconds_per_candidate * (self._queued_candidates + len(candidates))
            if expected > deadline_s:
                self.stats.rejected += 1
                raise ResourceExhaustedError(f"cannot score {len(candidates)} candidates within {deadline_s:.3f}s")
        loop = asyncio.get_running_loop()
        job = _Job(user_id, list(sequence), [(int(p), int(a)) for p, a in candidates], surface, loop.create_future())
        self._queue.append(job)
        self._queued_candidates += len(job.candidates)
        self._ensure_worker()
        assert self._wake is not None
        self._wake.set()
        return await job.future

    def _ensure_worker(self) -> None:
        if self._worker is None or self._worker.done():
            self._wake = asyncio.Event()
            self._worker = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        assert self._wake is not None
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queue:
                jobs, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
                queued = sum(len(j.candidates) for j in jobs)
                jobs = [j for j in jobs if not j.future.done()]  # a caller that gave up is not scored
                count = sum(len(j.candidates) for j in jobs)
                if not jobs:
                    self._queued_candidates -= queued
                    continue
                start = time.perf_counter()
                try:
                    results = await loop.run_in_executor(self._pool, self._score_batch, jobs)
                except Exception as exc:
                    for job in jobs:
                        if not job.future.done():
                            job.future.set_exception(exc)
                else:
                    for job, result in zip(jobs, results, strict=True):
                        if not job.future.done():
                            job.future.set_result(result)
                finally:
                    self._queued_candidates -= queued
                self.stats.observe(time.perf_counter() - start, count)
                self.stats.batches += 1
                self.stats.requests += len(jobs)
                self.stats.candidates += count

    def _score_batch(self, jobs: list[_Job]) -> list[list[PredictionRow]]:
        models = self.host.current
        ranker = models.ranker
        if ranker is None:
            raise UnavailableError("no ranker checkpoint is loaded")
        inputs = ranker.config.inputs
        with torch.inference_mode():
            caches = [self._prefix(ranker, models.version, j) for j in jobs]
            cache = _stack(caches) if len(caches) > 1 else caches[0]
            if ranker.config.candidate_positions != "shared" and len(jobs) > 1:
                return [self._score_batch([j])[0] for j in jobs]
            cands = build_candidates(
                candidates=[j.candidates for j in jobs], surfaces=[j.surface for j in jobs], config=inputs
            )
            size = ranker.config.rank_chunk_size
            logits = torch.cat(
                [
                    ranker.score_chunk(cache, cands.slice(s, s + size), start=s)
                    for s in range(0, cands.num_candidates, size)
                ],
                dim=1,
            )
            out = serving_outputs(logits, dwell_time_cap_s=self.dwell_cap)
        # [B, C, 18 + 1]: the probabilities, then dwell time; float32 values, read as Python floats
        table = torch.cat([out.probabilities.float(), out.dwell_time_s.float()[..., None]], dim=-1).double().numpy()
        return [prediction_rows(table[row, : len(job.candidates)], _COLUMNS) for row, job in enumerate(jobs)]

    def _prefix(self, ranker: PhoenixRanker, version: int, job: _Job) -> PrefixCache:
        inputs = ranker.config.inputs
        key = (version, sequence_key(job.user_id, job.actions, inputs.history_seq_len))
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            self.stats.prefix_cache_hits += 1
            return cached
        history = history_entries(job.actions, inputs.history_seq_len)
        prefix = build_prefix(user_ids=[job.user_id], histories=[history], config=inputs)
        from foryou.phoenix.ranker import trimmed_prefix

        if ranker.config.candidate_positions == "shared":
            prefix = trimmed_prefix(prefix)
        cache = ranker.encode_prefix(prefix)
        self._cache[key] = cache
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return cache

    @property
    def torch_threads(self) -> int:
        """The intra-op threads a forward runs on."""
        return executor_threads(self._pool)

    def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)


def _stack(caches: list[PrefixCache]) -> PrefixCache:
    """Stack B=1 prefix caches into one batch, padding shorter prefixes with masked keys."""
    length = max(c.prefix_len for c in caches)
    layers = []
    for layer in range(len(caches[0].caches)):
        ks, vs = [], []
        for c in caches:
            pad = length - c.prefix_len
            k, v = c.caches[layer].k, c.caches[layer].v  # [1, Hkv, O, dk]
            ks.append(torch.nn.functional.pad(k, (0, 0, 0, pad)))
            vs.append(torch.nn.functional.pad(v, (0, 0, 0, pad)))
        layers.append(LayerCache(torch.cat(ks), torch.cat(vs)))
    valid = torch.cat([torch.nn.functional.pad(c.valid, (0, length - c.prefix_len), value=False) for c in caches])
    return PrefixCache(caches=layers, valid=valid, prefix_len=length)
