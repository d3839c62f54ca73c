"""The single-process event consumers besides Thunder: the stores and the retrieval index.

Each is a thin loop around a pure per-event handler (decode → apply → count); offsets are committed
only after the batch was applied; `caught_up` turns true once the consumer reached the log's end.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.core.clock import Clock
from foryou.core.errors import UnavailableError
from foryou.phoenix_service.live_index import LiveIndex
from foryou.stores import StoreIngestor
from foryou.transport.record import Consumer, Record

log = logging.getLogger(__name__)
BATCH = 1000


@dataclass
class ConsumerStats:
    applied: int = 0
    malformed: int = 0
    failed: int = 0
    caught_up: threading.Event = field(default_factory=threading.Event)


def _decode(record: Record, stats: ConsumerStats) -> pb.Event | None:
    event = pb.Event()
    try:
        event.ParseFromString(record.value)
    except Exception:
        stats.malformed += 1
        return None
    return event


def _next_offsets(batch: list[Record]) -> dict[tuple[str, int], int]:
    offsets: dict[tuple[str, int], int] = {}
    for r in batch:
        offsets[(r.topic, r.partition)] = max(offsets.get((r.topic, r.partition), 0), r.offset + 1)
    return offsets


async def run_store_consumer(
    consumer: Consumer,
    ingestor: StoreIngestor,
    stats: ConsumerStats,
    stop: asyncio.Event,
    observe: Callable[[pb.Event], None] | None = None,
    *,
    purge: Callable[[], Awaitable[object]] | None = None,
    purge_interval_s: float = 600.0,
) -> None:
    """Runs on the server's event loop (the stores are used there too); polls off the loop. A batch
    is applied in one store transaction; on an outage it is retried, and offsets wait for it."""
    loop = asyncio.get_running_loop()
    next_purge = loop.time() + purge_interval_s
    while not stop.is_set():
        batch = await loop.run_in_executor(None, consumer.poll_batch, BATCH, 0.2)
        events = [e for e in (_decode(r, stats) for r in batch) if e is not None]
        while events and not stop.is_set():
            try:
                await ingestor.apply_batch(events)
                break
            except UnavailableError as exc:
                stats.failed += 1
                log.warning("store ingest failed", extra={"event": "failed", "error": repr(exc)})
                await asyncio.sleep(0.5)
        stats.applied += len(events)
        if observe is not None:
            for event in events:
                observe(event)
        if batch:
            consumer.commit(_next_offsets(batch))
        if not any(consumer.lag().values()):
            stats.caught_up.set()
        if purge is not None and loop.time() >= next_purge:
            await purge()
            next_purge = loop.time() + purge_interval_s


def run_index_consumer(
    consumer: Consumer,
    index: LiveIndex,
    clock: Clock,
    stats: ConsumerStats,
    stop: threading.Event,
    on_batch: Callable[[], None] | None = None,
) -> None:
    """Thread body: posts and safety events into the live retrieval index, embedded per batch."""
    while not stop.is_set():
        batch = consumer.poll_batch(BATCH, 0.2)
        now = clock.now_ms()
        for record in batch:
            event = _decode(record, stats)
            if event is not None:
                index.apply(event, now_ms=now)
                stats.applied += 1
        if batch:
            index.flush()
            consumer.commit(_next_offsets(batch))
            if on_batch is not None:
                on_batch()
        if not any(consumer.lag().values()):
            stats.caught_up.set()
