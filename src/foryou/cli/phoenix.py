"""`foryou phoenix`: Phoenix models: parity against the golden files, demos."""

from __future__ import annotations

import json
from pathlib import Path

import typer

app = typer.Typer(help="Phoenix models: parity against the golden files, demos.", no_args_is_help=True)


@app.command("parity")
def parity(
    file: Path = typer.Argument(..., help="a golden .npz file (format of shared/golden/README.md)"),
    as_json: bool = typer.Option(False, "--json", help="print only the JSON report"),
) -> None:
    """Run our float32 model on a golden file; exit 0 iff every output is within tolerance."""
    from foryou.core.errors import ForYouError
    from foryou.phoenix.parity import run_parity

    try:
        report = run_parity(file)
    except ForYouError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    doc = report.to_json()
    if as_json:
        typer.echo(json.dumps(doc))
    else:
        for name, result in doc["per_output"].items():
            status = "ok  " if result["ok"] else "FAIL"
            detail = ", ".join(f"{k}={v}" for k, v in result.items() if k != "ok")
            typer.echo(f"{status} {name}: {detail}")
        typer.echo(json.dumps({k: doc[k] for k in ("file", "max_abs_err", "ok")}))
    raise typer.Exit(0 if report.ok else 1)


@app.command("demo-rank")
def demo_rank(
    checkpoint: Path | None = typer.Option(None, help="a ranker checkpoint directory (default: seeded random init)"),
    candidates: int = typer.Option(8, min=1, help="example candidates to rank"),
    detailed: int = typer.Option(3, min=0, help="show per-action bars for this many top candidates"),
    seed: int = typer.Option(0, help="seed of the example data and of the random init"),
) -> None:
    """Rank example candidates for an example user; print per-action probability bars."""
    from foryou.phoenix.demo import demo_rank as run
    from foryou.phoenix.demo import format_ranking

    typer.echo(format_ranking(run(checkpoint=checkpoint, candidates=candidates, seed=seed), detailed=detailed))


@app.command("demo-retrieve")
def demo_retrieve(
    checkpoint: Path | None = typer.Option(None, help="a retrieval checkpoint directory (default: seeded random init)"),
    corpus_size: int = typer.Option(1000, min=1, help="posts in the example corpus"),
    top_k: int = typer.Option(10, min=1, help="results to show"),
    seed: int = typer.Option(0, help="seed of the example data and of the random init"),
) -> None:
    """Retrieve the top-k posts of an example corpus for an example user."""
    from foryou.phoenix.demo import demo_retrieve as run
    from foryou.phoenix.demo import format_retrieval

    typer.echo(format_retrieval(run(checkpoint=checkpoint, corpus_size=corpus_size, k=top_k, seed=seed)))


@app.command("serve")
def serve(
    ranker: Path = typer.Option(..., help="ranker checkpoint directory"),
    retrieval: Path = typer.Option(..., help="retrieval checkpoint directory"),
    kafka: str = typer.Option("", help="Kafka bootstrap servers (default: the embedded log in --log-dir)"),
    log_dir: Path = typer.Option(Path(".foryou/serve/log"), help="embedded event log directory"),
    host: str = typer.Option("127.0.0.1", help="bind address (loopback by default)"),
    port: int = typer.Option(50061, min=0, max=65535),
    config: list[Path] = typer.Option([], help="parameter files (TOML or YAML), applied in order"),
) -> None:
    """Serve PhoenixRetrievalService and PhoenixPredictionService (distributed mode) until Ctrl-C."""
    import asyncio
    import os
    import signal

    from foryou.core.clock import SystemClock
    from foryou.params import load_params
    from foryou.serving.gc_policy import settle_for_serving
    from foryou.serving.phoenix_process import PhoenixOptions, PhoenixProcess

    params = load_params(config, os.environ)
    options = PhoenixOptions(ranker, retrieval, kafka=kafka, log_dir=log_dir, address=f"{host}:{port}")

    async def main() -> None:
        process = PhoenixProcess(params, options, SystemClock())
        bound = await process.start()
        settle_for_serving()  # the caught-up index and the models leave the collector's walks (decision 68)
        typer.echo(f"Phoenix gRPC on {host}:{bound} (foryou.v1.PhoenixRetrievalService, PhoenixPredictionService)")
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
        finally:
            await process.stop()

    asyncio.run(main())
