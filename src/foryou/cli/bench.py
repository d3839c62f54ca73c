"""`foryou bench …`: benchmarks; each prints one JSON object (speed and memory goals are checked here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from foryou.world import BENCH_DAYS, BENCH_USERS, run_world_benchmark

app = typer.Typer(help="Benchmarks; each prints one JSON object.", no_args_is_help=True)


@app.command("pipeline")
def bench_pipeline(
    candidates: int = typer.Option(2000, min=1, help="candidates per request"),
    requests: int = typer.Option(300, min=10, help="measured requests"),
    as_json: bool = typer.Option(True, "--json/--no-json", help="print JSON (the only format)"),
) -> None:
    """Framework overhead per request: 10 trivial components over CANDIDATES candidates."""
    from foryou.pipeline.bench import run_bench

    typer.echo(json.dumps(run_bench(candidates=candidates, requests=requests)))


@app.command("retrieval")
def bench_retrieval(
    corpora: str = typer.Option("100000,1000000", help="comma-separated corpus sizes"),
    queries: int = typer.Option(50, min=1),
    as_json: bool = typer.Option(True, "--json/--no-json", help="print JSON (the only format)"),
) -> None:
    """Top-1000 latency p50 and recall@100/@1000 against exact, for exact, IVF and HNSW."""
    from foryou.index.bench import run_bench

    sizes = tuple(int(part) for part in corpora.split(",") if part.strip())
    typer.echo(json.dumps(run_bench(corpora=sizes, queries=queries)))


@app.command("ranker")
def ranker(
    as_json: bool = typer.Option(True, "--json/--no-json", help="print one JSON object (the only output form)"),
    repeats: int = typer.Option(30, min=3, help="timed runs of the cached path per candidate count"),
    threads: int = typer.Option(2, min=1, help="torch intra-op threads (the target machine has 2 cores)"),
    candidates: list[int] = typer.Option([32, 256, 1024], "--candidates", "-c", help="candidate counts C"),
    chunk_size: int | None = typer.Option(None, min=1, help="candidates per chunk (default phoenix.rank_chunk_size)"),
) -> None:
    """Phoenix ranker: cached prefix + chunked candidates vs one full-sequence masked forward, and the
    ranking service under concurrent requests (micro-batched and not).

    Runs in a fresh interpreter with the serving OpenMP spin policy (GOMP_SPINCOUNT=30000) unless the
    environment sets OMP_WAIT_POLICY or GOMP_SPINCOUNT.
    """
    from foryou.phoenix.bench import run_in_subprocess
    from foryou.phoenix_service.bench import run_service_bench

    result = run_in_subprocess(counts=candidates, repeats=repeats, threads=threads, chunk_size=chunk_size)
    result["service"] = run_service_bench(threads=threads)
    typer.echo(json.dumps(result) if as_json else json.dumps(result, indent=2))


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

    if followees > authors:
        raise typer.BadParameter(f"{followees} followees from {authors} authors", param_hint="--followees")
    result = run_bench(
        posts=posts, authors=authors, n_followees=followees, queries=queries, ingest_events=ingest_events, seed=seed
    )
    typer.echo(json.dumps(result))


@app.command("feed")
def bench_feed(
    world: Path = typer.Option(..., help="a world directory (e.g. foryou world generate --users 100000 --days 7)"),
    viewers: int = typer.Option(20, min=1, help="viewers measured (those following the most accounts)"),
    requests: int = typer.Option(200, min=10, help="measured requests"),
    index: str = typer.Option("exact", help="retrieval index backend: exact, ivf or hnsw"),
    ranker: str = typer.Option(
        "in-process", help="in-process, or grpc: the ranker in a `foryou phoenix serve` child process"
    ),
    prefetch: str | None = typer.Option(
        None, help="scoring.phoenix.prefetch: never, remote or always (default: the parameter's default)"
    ),
    compare: list[str] = typer.Option(
        [],
        "--compare",
        metavar="NAME:KEY=VALUE",
        help="a variant of the request pipeline, measured in turns with the default one on the same loaded "
        "world; repeat with the same NAME to override more parameters",
    ),
    as_json: bool = typer.Option(True, "--json/--no-json", help="print JSON (the only format)"),
) -> None:
    """For You request latency in process: p50 / p99 and per-stage p50 over a large world."""
    from foryou.core.errors import ConfigError
    from foryou.params import Params
    from foryou.serving.bench_feed import RANKERS, check_variants, run_feed_bench

    if ranker not in RANKERS:
        raise typer.BadParameter(f"must be one of {', '.join(RANKERS)}, not {ranker!r}", param_hint="--ranker")
    try:  # bad values stop here, before minutes of loading
        variants = _variants(compare)
        base = Params(
            {"retrieval.index": index, **({} if prefetch is None else {"scoring.phoenix.prefetch": prefetch})}
        )
        check_variants(base, variants)
    except (ConfigError, ValueError) as exc:
        raise typer.BadParameter(str(exc)) from exc
    if not (world / "world.json").exists():
        raise typer.BadParameter(f"{world} is not a world directory (no world.json)", param_hint="--world")
    result = run_feed_bench(
        world, viewers=viewers, requests=requests, index=index, ranker=ranker, prefetch=prefetch, compare=variants
    )
    typer.echo(json.dumps(result))


def _variants(items: list[str]) -> dict[str, dict[str, Any]]:
    """`NAME:KEY=VALUE` items as {NAME: {KEY: value}}; values are parsed as the parameter's kind."""
    from foryou.params import parse_text

    variants: dict[str, dict[str, Any]] = {}
    for item in items:
        name, colon, assignment = item.partition(":")
        key, equals, text = assignment.partition("=")
        name, key = name.strip(), key.strip()
        if not colon or not equals or not name or not key:
            raise ValueError(f"--compare {item!r}: expected NAME:KEY=VALUE")
        overrides = variants.setdefault(name, {})
        if key in overrides:
            raise ValueError(f"--compare {item!r}: {key} is already set for {name!r}")
        overrides[key] = parse_text(key, text, source=f"--compare {item}")
    return variants


@app.command("train")
def train(
    as_json: bool = typer.Option(True, "--json/--no-json", help="Print one JSON object (the only format)."),
    batch_size: int = typer.Option(32, "--batch-size", min=1),
    steps: int = typer.Option(5, "--steps", min=1, help="Timed steps per model (after one warm-up step)."),
    threads: int = typer.Option(2, "--threads", min=1, help="torch intra-op threads (the target has 2 cores)."),
) -> None:
    """Training examples/s and tokens/s of both models at the demo config (history 128, 32 candidates)."""
    from foryou.training.bench import run_train_bench

    result = run_train_bench(batch_size=batch_size, steps=steps, threads=threads)
    typer.echo(json.dumps(result) if as_json else json.dumps(result, indent=1))
