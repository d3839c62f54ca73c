"""torch's intra-op threads in a process that serves Phoenix (decision 87, which replaces 86).

The ranker's forward is the one large torch job of a request, so its thread gets a team as wide as the
machine (`phoenix.rank_threads`). Every other thread that runs torch (the event loop while it loads,
retrieval, the index consumer) runs it on `mixer.torch_threads`, one by default, from start-up on: a
thread that ever ran a wider team keeps its idle workers, and with more OpenMP threads than cores
libgomp all but stops spinning, so that each region of the ranker's forward waits for a sleeping
worker (decision 83). Loading a 100 000-user world at one thread took 94 s against 90 s at two.
"""

from __future__ import annotations

from dataclasses import dataclass

from foryou.core.torch_threads import pin_torch_threads, resolve
from foryou.params import Params
from foryou.phoenix_service.live_index import LiveIndex
from foryou.phoenix_service.model_host import ModelHost
from foryou.phoenix_service.ranking import RankingService
from foryou.phoenix_service.retrieval import RetrievalService


@dataclass(frozen=True)
class ServingThreads:
    ranker: int  # the ranking service's thread (0: one per core)
    other: int  # every other thread that runs torch (0: one per core)

    @classmethod
    def from_params(cls, params: Params) -> ServingThreads:
        return cls(ranker=params.get_int("phoenix.rank_threads"), other=params.get_int("mixer.torch_threads"))

    def enter(self) -> int:
        """Pin the calling (main) thread, and with it the default of threads started later, before anything
        loads. Returns the count."""
        return pin_torch_threads(self.other)

    def ranking_service(self, host: ModelHost, params: Params) -> RankingService:
        """The ranking service, its thread pinned to `ranker`."""
        cap = float(params.get_int("phoenix.dwell_time_cap_s"))
        return RankingService(host, dwell_time_cap_s=cap, torch_threads=self.ranker)

    def retrieval_service(self, host: ModelHost, index: LiveIndex) -> RetrievalService:
        """The retrieval service, its thread pinned to `other`."""
        return RetrievalService(host, index, torch_threads=self.other)

    def summary(self) -> dict[str, int]:
        """The counts in effect (0 resolved to the cores), for reports."""
        return {"ranker": resolve(self.ranker), "other": resolve(self.other)}
