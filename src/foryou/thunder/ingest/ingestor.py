"""The ingestion loop: poll a batch, decode, apply to the store, commit, track catch-up (SPEC §4.7).

Thin by design: `decode_batch` does the per-record work, `PostStore` applies it. Offsets are
committed only after the store applied the batch; `applied` (the next offset per partition whose
records are in the store) is updated under the store lock, so a snapshot sees store and offsets
together. Readiness = caught up: lag below partitions × batch size, then the store is finalised.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

from foryou.core.clock import Clock
from foryou.core.errors import SkippableError
from foryou.params import Params
from foryou.thunder.ingest.decode import DecodedBatch, decode_batch
from foryou.thunder.metrics import ThunderMetrics
from foryou.thunder.post_store import PostStore
from foryou.transport.record import Consumer, Producer, Record, TopicPartition
from foryou.transport.topics import ERROR_HEADER

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestConfig:
    batch_size: int = 1000
    permits_after_catchup: int = 3
    min_video_duration_ms: int = 10_000
    poll_timeout_s: float = 0.2
    lag_check_interval_s: float = 0.25  # how often lag is asked of the broker while catching up

    @classmethod
    def from_params(cls, params: Params) -> IngestConfig:
        return cls(
            batch_size=params.get_int("thunder.ingest.batch_size"),
            permits_after_catchup=params.get_int("thunder.ingest.permits_after_catchup"),
            min_video_duration_ms=params.get_int("thunder.min_video_duration_ms"),
        )


class PostIngestor:
    def __init__(
        self,
        store: PostStore,
        consumer: Consumer,
        *,
        config: IngestConfig,
        clock: Clock,
        metrics: ThunderMetrics,
        dead_letters: tuple[Producer, str] | None = None,
        permits: threading.Semaphore | None = None,
        on_caught_up: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.consumer = consumer
        self.config = config
        self.clock = clock
        self.metrics = metrics
        self.dead_letters = dead_letters
        self.permits = permits or threading.Semaphore(config.permits_after_catchup)
        self.on_caught_up = on_caught_up
        self.applied: dict[TopicPartition, int] = consumer.positions()
        self.caught_up = False
        self.failures = 0
        self._last_lag_check = 0.0

    def run(self, stop: threading.Event) -> None:
        """Consume until `stop` is set. A batch failing for a passing reason (broker unavailable) is
        logged and retried; bad records never get here (they are dead-lettered by `step`)."""
        while not stop.is_set():
            try:
                self.step()
            except SkippableError:
                log.exception("thunder ingest batch failed; retrying")
                stop.wait(0.5)

    def step(self) -> int:
        """One batch: returns the number of records consumed."""
        records = self.consumer.poll_batch(self.config.batch_size, self.config.poll_timeout_s)
        if records:
            with self.permits if self.caught_up else nullcontext():
                self._apply(records)
        self._track_lag(full=len(records) >= self.config.batch_size)
        return len(records)

    def _apply(self, records: list[Record]) -> None:
        started = time.perf_counter()
        decoded = decode_batch(records, min_video_duration_ms=self.config.min_video_duration_ms)
        now_s = self.clock.now_ms() // 1000
        offsets: dict[TopicPartition, int] = {}
        for record in records:
            offsets[(record.topic, record.partition)] = record.offset + 1
        with self.store.lock:
            self.store.insert(decoded.posts, now_s)
            self.store.delete(decoded.deletes, now_s)
            self.applied.update(offsets)
        self._dead_letter(decoded)
        self.consumer.commit(offsets)
        self.metrics.events.inc(len(records))
        self.metrics.batch_seconds.observe(time.perf_counter() - started)

    def _dead_letter(self, decoded: DecodedBatch) -> None:
        if decoded.unknown:
            self.metrics.unknown_payloads.inc(decoded.unknown)
        if not decoded.failures:
            return
        self.failures += len(decoded.failures)
        self.metrics.decode_failures.inc(len(decoded.failures))
        for record, reason in decoded.failures:
            log.warning("thunder: skipping %s[%d]@%d: %s", record.topic, record.partition, record.offset, reason)
            if self.dead_letters is not None:
                producer, topic = self.dead_letters
                headers = (*record.headers, (ERROR_HEADER, reason.encode()))
                producer.produce(topic, record.value, key=record.key, headers=headers)
        if self.dead_letters is not None:
            self.dead_letters[0].flush()

    def _track_lag(self, *, full: bool) -> None:
        now = time.monotonic()
        since = now - self._last_lag_check
        if (self.caught_up and since < 1.0) or (full and since < self.config.lag_check_interval_s):
            return
        self._last_lag_check = now
        lag = self.consumer.lag()
        for (topic, partition), behind in lag.items():
            self.metrics.lag.labels(topic, str(partition)).set(behind)
        if not self.caught_up and sum(lag.values()) < max(len(lag), 1) * self.config.batch_size:
            self.store.finalize(self.clock.now_ms() // 1000)
            self.caught_up = True
            self.metrics.caught_up.set(1)
            log.info("thunder: caught up (%d posts)", len(self.store))
            if self.on_caught_up is not None:
                self.on_caught_up()
