"""`foryou bench`: Benchmarks; each prints one JSON object."""

from __future__ import annotations

import typer

app = typer.Typer(help="Benchmarks; each prints one JSON object.", no_args_is_help=True)


@app.command("thunder")
def bench_thunder(
    posts: int = typer.Option(10_000_000, min=1000, help="posts in the store"),
    authors: int = typer.Option(1_000_000, min=10, help="distinct authors (Pareto-distributed activity)"),
    followees: int = typer.Option(1000, min=1, help="followees per query"),
    queries: int = typer.Option(300, min=10, help="measured queries"),
    ingest_events: int = typer.Option(200_000, min=1000, help="events consumed from tansu for the ingest rate"),
    seed: int = typer.Option(0, min=0),
    as_json: bool = typer.Option(True, "--json/--no-json", help="print JSON (the only format)"),
) -> None:
    """Thunder: query p50/p99 for FOLLOWEES followees over a POSTS-post store, bytes per post, and the
    ingestion rate through the Kafka consumer path from a local tansu broker."""
    import json

    from foryou.thunder.bench import run_bench

    result = run_bench(
        posts=posts, authors=authors, n_followees=followees, queries=queries, ingest_events=ingest_events, seed=seed
    )
    typer.echo(json.dumps(result))
