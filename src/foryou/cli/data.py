"""`foryou data`: Public datasets (MovieLens-100K) and training examples."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer

from foryou.core.errors import ForYouError
from foryou.data import (
    ExampleConfig,
    build_examples,
    default_home,
    fetch_ml100k,
    load_items,
    load_ratings,
    ml100k_events,
)
from foryou.events import EventWriter, read_event_dir, read_events
from foryou.params import load_params

app = typer.Typer(help="Public datasets (MovieLens-100K) and training examples.", no_args_is_help=True)


@app.command("ml100k")
def ml100k(
    home: Path | None = typer.Option(None, "--home", help="Cache directory (default $FORYOU_HOME or ~/.cache/foryou)."),
    events: Path | None = typer.Option(None, "--events", help="Also write the dataset as an event file here."),
) -> None:
    """Obtain MovieLens-100K from the recbole==1.2.1 wheel, verify it and print its size as JSON."""
    try:
        directory = fetch_ml100k(home or default_home(os.environ))
        ratings = load_ratings(directory)
        summary: dict[str, object] = {**ratings.summary(), "dir": str(directory)}
        if events is not None:
            with EventWriter(events) as writer:
                for event in ml100k_events(ratings, load_items(directory)):
                    writer.append(event)
                summary["events"] = writer.records_written
    except ForYouError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(json.dumps(summary))


@app.command("examples")
def examples(
    events: Path = typer.Option(..., "--events", exists=True, help="An event file or a directory of segments."),
    out: Path = typer.Option(..., "--out", help="Output directory (ranking/ and retrieval/ Parquet shards)."),
    config: list[Path] = typer.Option([], "--config", help="Parameter files (uas.*, phoenix.*, train.*)."),
) -> None:
    """Build ranking and retrieval training examples (SPEC §5.8) with time-based splits."""
    try:
        cfg = ExampleConfig.from_params(load_params(config, os.environ))
        stream = read_event_dir(events) if events.is_dir() else read_events(events)
        counts = build_examples(stream, out, cfg)
    except ForYouError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(json.dumps({"ranking": counts.ranking, "retrieval": counts.retrieval, "out": str(out)}))
