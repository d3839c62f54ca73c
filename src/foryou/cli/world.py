"""`foryou world`: Generate and inspect the synthetic social world."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from foryou.world import WorldConfig, generate_world, world_stats

app = typer.Typer(help="Generate and inspect the synthetic social world.", no_args_is_help=True)


@app.command("generate")
def generate(
    out: Path = typer.Option(..., "--out", help="Output directory (events/ segments, Parquet snapshots, world.json)."),
    users: int = typer.Option(1000, "--users", min=2, help="Number of users."),
    days: int = typer.Option(2, "--days", min=1, help="Simulated days."),
    seed: int = typer.Option(0, "--seed", min=0, help="Random seed; the same seed gives byte-identical output."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
) -> None:
    """Generate a world and print a JSON summary of its size."""
    result = generate_world(WorldConfig(users=users, days=days, seed=seed), out, progress=progress)
    typer.echo(json.dumps({**vars(result), "seconds": round(result.seconds, 2), "out": str(out)}))


@app.command("stats")
def stats(directory: Path = typer.Argument(..., exists=True, file_okay=False, help="A generated world.")) -> None:
    """Print the world's distributions (degrees, posts per author, actions per kind) as JSON."""
    typer.echo(json.dumps(world_stats(directory), indent=1))
