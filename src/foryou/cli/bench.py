"""`foryou bench`: Benchmarks; each prints one JSON object."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from foryou.world import BENCH_DAYS, BENCH_USERS, run_world_benchmark

app = typer.Typer(help="Benchmarks; each prints one JSON object.", no_args_is_help=True)


@app.command("world")
def world(
    users: int = typer.Option(BENCH_USERS, "--users", min=2),
    days: int = typer.Option(BENCH_DAYS, "--days", min=1),
    seed: int = typer.Option(0, "--seed", min=0),
    out: Path | None = typer.Option(None, "--out", help="Keep the generated world here (default: a temp dir)."),
    as_json: bool = typer.Option(True, "--json/--no-json", help="Print one JSON object (the only format)."),
    progress: bool = typer.Option(True, "--progress/--no-progress"),
) -> None:
    """Generate a 100 000-user world; print users, posts, engagements, seconds and peak RSS."""
    result = run_world_benchmark(users=users, days=days, seed=seed, out=out, progress=progress)
    typer.echo(json.dumps(result) if as_json else json.dumps(result, indent=1))
