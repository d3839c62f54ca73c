"""`foryou ingest`: consume an event file or directory of segments into foryou's stores.

Reads `foryou.events.v1.Event` records (the length-prefixed event file format of `foryou.events`),
applies each to the stores with `StoreIngestor`, and prints one JSON summary. Replaying the same
events again changes nothing, so an interrupted ingest can simply be run again.
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

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.core.errors import ForYouError
from foryou.events import read_event_dir, read_events
from foryou.params import Params, load_params
from foryou.stores import StoreIngestor, ingest_events, open_stores

DEFAULT_STORES = "sqlite:.foryou/stores"

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
    events: Path = typer.Option(..., "--events", exists=True, help="An event file or a directory of segments."),
    stores: str = typer.Option(DEFAULT_STORES, "--stores", help="memory, sqlite:DIR or postgres:DSN."),
    config: list[Path] = typer.Option([], "--config", help="Parameter files (TOML or YAML), in order."),
) -> None:
    """Apply every event to the stores and print a JSON summary (events, applied, skipped, unknown)."""
    try:
        params = load_params(config, os.environ)
        summary = ingest_path(events, stores, params)
    except ForYouError as exc:
        typer.echo(f"foryou ingest: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(json.dumps(summary))
