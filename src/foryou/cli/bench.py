"""`foryou bench`: Benchmarks; each prints one JSON object."""

from __future__ import annotations

import json

import typer

app = typer.Typer(help="Benchmarks; each prints one JSON object.", no_args_is_help=True)


@app.command("ranker")
def ranker(
    as_json: bool = typer.Option(True, "--json/--no-json", help="print one JSON object (the only output form)"),
    repeats: int = typer.Option(30, min=3, help="timed runs of the cached path per candidate count"),
    threads: int = typer.Option(2, min=1, help="torch intra-op threads (the target machine has 2 cores)"),
    candidates: list[int] = typer.Option([32, 256, 1024], "--candidates", "-c", help="candidate counts C"),
    chunk_size: int | None = typer.Option(None, min=1, help="candidates per chunk (default phoenix.rank_chunk_size)"),
) -> None:
    """Phoenix ranker: cached prefix + chunked candidates vs one full-sequence masked forward.

    Runs in a fresh interpreter with OMP_WAIT_POLICY=PASSIVE unless the environment sets it.
    """
    from foryou.phoenix.bench import run_in_subprocess

    result = run_in_subprocess(counts=candidates, repeats=repeats, threads=threads, chunk_size=chunk_size)
    typer.echo(json.dumps(result) if as_json else json.dumps(result, indent=2))
