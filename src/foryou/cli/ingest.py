"""`foryou ingest`: consume events into foryou's stores, from an event file or directory of event
files (`--events`), a persisted embedded log (`--log`) or Kafka (`--kafka`).

Each event is applied with `StoreIngestor` in batches of one transaction, and one JSON summary is
printed. Logs are read from their earliest offset until caught up (offsets are committed after each
batch, for monitoring); replaying events changes nothing, so an interrupted ingest can be run again.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from google.protobuf.message import DecodeError

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.core.errors import ForYouError
from foryou.events import read_event_dir, read_events
from foryou.params import Params, load_params
from foryou.stores import IngestStats, StoreIngestor, ingest_events, open_stores
from foryou.transport import ALL_TOPICS, Consumer, EmbeddedLog, Record, TopicPartition, Transport

DEFAULT_STORES = "sqlite:.foryou/stores"
CONSUMER_GROUP = "foryou-stores"

app = typer.Typer(help="Consume the event stream into foryou's stores.", no_args_is_help=True)


def event_source(path: Path) -> Iterator[pb.Event]:
    """Every event of an event file, or of every segment of a directory, in stream order."""
    return read_event_dir(path) if path.is_dir() else read_events(path)


def ingest_path(events: Path, stores_url: str, params: Params) -> dict[str, Any]:
    """Apply every event under `events` to the stores at `stores_url`; returns the summary."""
    stores = open_stores(stores_url, params)
    started = time.perf_counter()
    try:
        ingestor = StoreIngestor(stores)
        stats = asyncio.run(ingest_events(ingestor, event_source(events)))
    finally:
        stores.close()
    return _summary(stats, stores_url, started)


async def consume_until_caught_up(consumer: Consumer, ingestor: StoreIngestor, batch_size: int) -> int:
    """Apply records until every partition is caught up; returns how many records did not decode."""
    undecodable = 0
    while True:
        records = consumer.poll_batch(batch_size, 0.2)
        if not records:
            if not any(consumer.lag().values()):
                return undecodable
            continue
        events = []
        for record in records:
            try:
                events.append(pb.Event.FromString(record.value))
            except DecodeError:
                undecodable += 1
        await ingest_events(ingestor, events, batch_size=batch_size)
        consumer.commit(_next_offsets(records))


def _next_offsets(records: list[Record]) -> dict[TopicPartition, int]:
    offsets: dict[TopicPartition, int] = {}
    for r in records:
        offsets[(r.topic, r.partition)] = max(offsets.get((r.topic, r.partition), 0), r.offset + 1)
    return offsets


def ingest_transport(transport: Transport, stores_url: str, params: Params, batch_size: int = 1000) -> dict[str, Any]:
    """Apply every event of the store topics of `transport` to the stores at `stores_url`."""
    stores = open_stores(stores_url, params)
    consumer = transport.consumer(CONSUMER_GROUP, ALL_TOPICS)
    started = time.perf_counter()
    try:
        ingestor = StoreIngestor(stores)
        undecodable = asyncio.run(consume_until_caught_up(consumer, ingestor, batch_size))
    finally:
        consumer.close()
        stores.close()
    return {**_summary(ingestor.stats, stores_url, started), "undecodable": undecodable}


def _summary(stats: IngestStats, stores_url: str, started: float) -> dict[str, Any]:
    return {
        "events": stats.total,
        "applied": dict(sorted(stats.applied.items())),
        "skipped": dict(sorted(stats.skipped.items())),
        "unknown_payloads": stats.unknown,
        "stores": stores_url,
        "seconds": round(time.perf_counter() - started, 3),
    }


@app.callback(invoke_without_command=True)
def ingest(
    events: Path | None = typer.Option(None, "--events", exists=True, help="An event file or a directory of them."),
    log: Path | None = typer.Option(None, "--log", exists=True, file_okay=False, help="A persisted embedded log."),
    kafka: str | None = typer.Option(None, "--kafka", help="Kafka bootstrap servers (needs the 'kafka' extra)."),
    stores: str = typer.Option(DEFAULT_STORES, "--stores", help="memory, sqlite:DIR or postgres:DSN."),
    config: list[Path] = typer.Option([], "--config", help="Parameter files (TOML or YAML), in order."),
) -> None:
    """Apply every event to the stores and print a JSON summary (events, applied, skipped, unknown)."""
    if sum(source is not None for source in (events, log, kafka)) != 1:
        typer.echo("foryou ingest: give exactly one of --events, --log, --kafka", err=True)
        raise typer.Exit(2)
    try:
        params = load_params(config, os.environ)
        if events is not None:
            summary = ingest_path(events, stores, params)
        else:
            summary = ingest_transport(_transport(log, kafka), stores, params)
    except ForYouError as exc:
        typer.echo(f"foryou ingest: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(json.dumps(summary))


def _transport(log: Path | None, kafka: str | None) -> Transport:
    if log is not None:
        return EmbeddedLog(log)
    from foryou.transport.kafka import KafkaTransport

    return KafkaTransport(str(kafka))
