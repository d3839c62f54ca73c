"""The one entry point for in-network candidates (SPEC §4.6 steps 1–5), used in-process by the home
mixer and behind the gRPC service. Validates, truncates, queries, orders by recency."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from foryou.core.clock import Clock
from foryou.core.errors import InvalidInputError, ResourceExhaustedError, SkippableError
from foryou.params import Params
from foryou.thunder.light_post import LightPost
from foryou.thunder.metrics import ThunderMetrics
from foryou.thunder.post_store import REPLY, PostStore
from foryou.thunder.recent_posts import RecentPosts

FollowingLoader = Callable[[int], Sequence[int]]


class FollowingLoadError(SkippableError):
    """A debug request's followees could not be loaded (gRPC INTERNAL, SPEC §4.6 step 2)."""


ALGORITHMS = frozenset({"", "default"})


@dataclass(frozen=True)
class InNetworkRequest:
    user_id: int
    following_user_ids: Sequence[int]
    max_results: int = 0
    exclude_tweet_ids: Sequence[int] = ()
    algorithm: str = ""
    debug: bool = False
    is_video_request: bool = False


@dataclass(frozen=True)
class ServiceLimits:
    max_posts_to_return: int = 1200
    max_videos_to_return: int = 600
    max_input_list_size: int = 10_000
    max_concurrent_requests: int = 64

    @classmethod
    def from_params(cls, params: Params) -> ServiceLimits:
        return cls(
            max_posts_to_return=params.get_int("thunder.max_posts_to_return"),
            max_videos_to_return=params.get_int("thunder.max_videos_to_return"),
            max_input_list_size=params.get_int("thunder.max_input_list_size"),
            max_concurrent_requests=params.get_int("thunder.max_concurrent_requests"),
        )


class InNetworkPosts:
    """`get_in_network_posts` with a non-blocking concurrency limit; raises ForYouErrors."""

    def __init__(
        self,
        store: PostStore,
        *,
        limits: ServiceLimits,
        clock: Clock,
        metrics: ThunderMetrics,
        following_loader: FollowingLoader | None = None,
    ) -> None:
        self.store = store
        self.reads = RecentPosts(store)
        self.limits = limits
        self.clock = clock
        self.metrics = metrics
        self.following_loader = following_loader
        self._permits = threading.BoundedSemaphore(limits.max_concurrent_requests)

    def get_in_network_posts(self, request: InNetworkRequest) -> list[LightPost]:
        """§4.6 in full: take a permit without waiting, answer, give the permit back."""
        self.admit()
        try:
            return self.answer(request)
        finally:
            self.release()

    def admit(self) -> None:
        """Take a concurrency permit now or raise ResourceExhaustedError (never waits)."""
        if not self._permits.acquire(blocking=False):
            self.metrics.rejections.inc()
            raise ResourceExhaustedError("Server at capacity, please retry")
        self.metrics.in_flight.inc()

    def release(self) -> None:
        self.metrics.in_flight.dec()
        self._permits.release()

    def answer(self, request: InNetworkRequest) -> list[LightPost]:
        """§4.6 steps 2–5 for a caller that holds a permit."""
        started = time.perf_counter()
        try:
            return self._answer(request)
        finally:
            self.metrics.latency.observe(time.perf_counter() - started)

    def _answer(self, request: InNetworkRequest) -> list[LightPost]:
        following = request.following_user_ids
        if not following and request.debug:
            following = self._load_following(request.user_id)
        if request.algorithm not in ALGORITHMS:
            raise InvalidInputError(f"unknown algorithm {request.algorithm!r}; expected '' or 'default'")
        video = request.is_video_request
        default = self.limits.max_videos_to_return if video else self.limits.max_posts_to_return
        max_results = request.max_results if request.max_results > 0 else default
        following = list(following[: self.limits.max_input_list_size])
        exclude = list(request.exclude_tweet_ids[: self.limits.max_input_list_size])
        self.metrics.requests.labels("video" if video else "all").inc()
        self.metrics.following.observe(len(following))
        self.metrics.excluded.observe(len(exclude))
        now_s = self.clock.now_ms() // 1000
        scan = self.reads.top_recent(
            following, exclude, request.user_id, now_s=now_s, max_results=max_results, video=video
        )
        if scan.timed_out:
            self.metrics.scan_timeouts.inc()
        slots = scan.slots
        with self.store.lock:
            self._observe(slots, now_s)
            return self.store.posts_at(slots)

    def _load_following(self, user_id: int) -> Sequence[int]:
        if self.following_loader is None:
            raise FollowingLoadError("debug request without followees and no social graph configured")
        try:
            return self.following_loader(user_id)
        except Exception as exc:  # any failure of the graph store is this request's INTERNAL error
            raise FollowingLoadError(f"cannot load followees of {user_id}: {exc}") from exc

    def _observe(self, slots: npt.NDArray[np.int64], now_s: int) -> None:
        m, store = self.metrics, self.store
        m.returned.observe(slots.shape[0])
        if slots.shape[0] == 0:
            return
        for age in (now_s - store.created[slots[:: max(1, slots.shape[0] // 32)]]).tolist():
            m.freshness.observe(age)  # a sample of up to ~32 ages keeps this off the hot path
        m.reply_ratio.observe(float(np.count_nonzero(store.flags[slots] & REPLY)) / slots.shape[0])
        m.unique_authors.observe(np.unique(store.col_u64("author_id")[slots]).shape[0])
