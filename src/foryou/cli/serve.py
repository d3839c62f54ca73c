"""`foryou serve`: the For You feed over gRPC and HTTP, everything in one process (embedded default)."""

from __future__ import annotations

import asyncio
import os
import secrets
from pathlib import Path

import typer

app = typer.Typer(help="Run the For You feed servers (gRPC and HTTP) on the embedded default.")


@app.callback(invoke_without_command=True)
def serve(
    world: Path | None = typer.Option(None, help="a world directory (foryou world generate) to load"),
    events: list[Path] = typer.Option([], help="event files or directories to load (repeatable)"),
    state_dir: Path = typer.Option(Path(".foryou/serve"), help="embedded log, stores and snapshots"),
    stores: str = typer.Option("", help="memory | sqlite:DIR | postgres:DSN (default: sqlite in --state-dir)"),
    ranker: Path | None = typer.Option(None, help="ranker checkpoint directory"),
    retrieval: Path | None = typer.Option(None, help="retrieval checkpoint directory"),
    host: str = typer.Option("127.0.0.1", help="bind address (loopback by default)"),
    grpc_port: int = typer.Option(50051, min=0, max=65535),
    http_port: int = typer.Option(8080, min=0, max=65535),
    config: list[Path] = typer.Option([], help="parameter files (TOML or YAML), applied in order"),
    kafka: str = typer.Option("", help="Kafka bootstrap servers: events over Kafka instead of the embedded log"),
    thunder: str = typer.Option("", help="host:port of a Thunder replica (foryou thunder serve) to use"),
    phoenix: str = typer.Option("", help="host:port of the Phoenix services (foryou phoenix serve) to use"),
) -> None:
    """Load events, wait until every consumer caught up, then serve until Ctrl-C."""
    from foryou.params import load_params
    from foryou.serving.run import serve_until_stopped, start, world_clock
    from foryou.serving.single_process import ServeOptions

    params = load_params(config, os.environ)
    token = os.environ.get("FORYOU_ADMIN_TOKEN") or secrets.token_urlsafe(16)
    options = ServeOptions(
        state_dir=state_dir,
        stores=stores,
        ranker=ranker,
        retrieval=retrieval,
        admin_token=token,
        host=host,
        grpc_port=grpc_port,
        http_port=http_port,
        kafka=kafka,
        thunder_target=thunder,
        phoenix_target=phoenix,
    )
    sources = ([world] if world else []) + list(events)

    async def main() -> None:
        started = await start(params, options, events=sources, clock=world_clock(world))
        base = f"http://{host}:{started.http_port}"
        typer.echo(f"gRPC  {host}:{started.grpc_port}  (foryou.v1.ScoredPostsService, reflection on)")
        typer.echo(f"HTTP  {base}/v1/scored-posts   metrics {base}/metrics")
        typer.echo(f"explain  {base}/v1/explain/<request_id>  with header X-Admin-Token: {token}")
        typer.echo(f"explorer {base}/?token={token}")
        await serve_until_stopped(started)

    asyncio.run(main())
