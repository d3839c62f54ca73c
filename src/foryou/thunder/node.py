"""One Thunder replica assembled: store (from a snapshot if any), ingestion thread, periodic trimming,
stats and snapshots, and the request entry point. Used by `foryou thunder serve`, the single-process
mode and the tests."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from foryou.core.clock import Clock
from foryou.params import Params
from foryou.thunder.config import StoreConfig
from foryou.thunder.in_network import FollowingLoader, InNetworkPosts, ServiceLimits
from foryou.thunder.ingest.ingestor import IngestConfig, PostIngestor
from foryou.thunder.metrics import ThunderMetrics
from foryou.thunder.post_store import PostStore
from foryou.thunder.snapshot import load_snapshot, save_snapshot
from foryou.transport.record import Consumer, Producer, Transport
from foryou.transport.topics import DEFAULT_PARTITIONS, POSTS, dead_letter_topic

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NodeOptions:
    group_id: str  # unique per replica: each replica reads everything
    snapshot_dir: Path | None = None
    snapshot_interval_s: float = 300.0  # not a SPEC parameter: docs/decisions.md
    partitions: int = DEFAULT_PARTITIONS  # used only when the posts topic must be created


class ThunderNode:
    def __init__(
        self,
        *,
        params: Params,
        transport: Transport,
        clock: Clock,
        options: NodeOptions,
        metrics: ThunderMetrics | None = None,
        following_loader: FollowingLoader | None = None,
    ) -> None:
        self.params = params
        self.transport = transport
        self.clock = clock
        self.options = options
        self.metrics = metrics or ThunderMetrics()
        config = StoreConfig.from_params(params)
        restored = load_snapshot(options.snapshot_dir, config) if options.snapshot_dir else None
        self.store, start = restored if restored else (PostStore(config), {})
        self.restored_posts = len(self.store)
        self.posts = InNetworkPosts(
            self.store,
            limits=ServiceLimits.from_params(params),
            clock=clock,
            metrics=self.metrics,
            following_loader=following_loader,
        )
        transport.ensure_topics([POSTS, dead_letter_topic(POSTS)], options.partitions)
        self._consumer: Consumer = transport.consumer(options.group_id, [POSTS], start=start)
        self._producer: Producer = transport.producer()
        self._ready = threading.Event()
        self.ingestor = PostIngestor(
            self.store,
            self._consumer,
            config=IngestConfig.from_params(params),
            clock=clock,
            metrics=self.metrics,
            dead_letters=(self._producer, dead_letter_topic(POSTS)),
            on_caught_up=self._ready.set,
        )
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.trim_runs = 0

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def wait_ready(self, timeout_s: float) -> bool:
        return self._ready.wait(timeout_s)

    def start(self) -> None:
        for name, target in (("thunder-ingest", self._ingest), ("thunder-schedule", self._schedule)):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def _ingest(self) -> None:
        self.ingestor.run(self._stop)

    def _schedule(self) -> None:
        """Trim, stats and snapshots, each on its own interval, starting once ingestion caught up.
        A tick that is missed (the previous one ran long) is skipped, not made up."""
        while not self._ready.wait(0.1):
            if self._stop.is_set():
                return
        tasks: list[tuple[float, Callable[[], None]]] = [
            (float(self.params.get_int("thunder.trim_interval_s")), self.trim_once),
            (float(self.params.get_int("thunder.stats_interval_s")), self._stats),
        ]
        if self.options.snapshot_dir is not None:
            tasks.append((self.options.snapshot_interval_s, self._snapshot_task))
        due = [time.monotonic() + interval for interval, _ in tasks]
        while not self._stop.wait(max(0.0, min(due) - time.monotonic())):
            for i, (interval, task) in enumerate(tasks):
                now = time.monotonic()
                if now >= due[i]:
                    task()
                    due[i] = max(due[i] + interval, time.monotonic())

    def trim_once(self) -> None:
        self.store.trim(self.clock.now_ms() // 1000, self.trim_runs)
        self.trim_runs += 1

    def _stats(self) -> None:
        stats = self.store.stats()
        self.metrics.observe_store(stats)
        log.info("thunder store: %s", stats)

    def _snapshot_task(self) -> None:
        self.snapshot()

    def snapshot(self) -> Path | None:
        """Write a snapshot now (store and the offsets it reflects)."""
        if self.options.snapshot_dir is None:
            return None
        started = time.perf_counter()
        path = save_snapshot(self.store, self.ingestor.applied, self.options.snapshot_dir)
        log.info("thunder: snapshot of %d posts in %.2fs", len(self.store), time.perf_counter() - started)
        return path

    def stop(self, *, snapshot: bool = True) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads.clear()
        if snapshot and self.ready:
            self.snapshot()
        self._consumer.close()
        self._producer.close()
