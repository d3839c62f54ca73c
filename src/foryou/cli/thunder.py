"""`foryou thunder`: Thunder: the in-network post store fed from Kafka."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from pathlib import Path

import typer

app = typer.Typer(help="Thunder: the in-network post store fed from Kafka.", no_args_is_help=True)


@app.command("serve")
def serve(
    config: list[Path] = typer.Option([], "--config", "-c", help="parameter files (TOML/YAML), in order"),
    kafka: str | None = typer.Option(None, "--kafka", help="bootstrap servers; omit for the embedded log"),
    log_dir: Path | None = typer.Option(None, "--log-dir", help="embedded log directory (segment files)"),
    snapshot_dir: Path | None = typer.Option(None, "--snapshot-dir", help="where store snapshots are kept"),
    snapshot_interval_s: float = typer.Option(300.0, min=1.0, help="seconds between snapshots"),
    group_id: str = typer.Option("", help="consumer group, unique per replica (default thunder-<host>-<port>)"),
    host: str = typer.Option("127.0.0.1", help="gRPC listen address"),
    port: int = typer.Option(50052, help="gRPC port"),
    metrics_port: int = typer.Option(0, help="Prometheus /metrics port (0 = off)"),
) -> None:
    """Run one Thunder replica: consume foryou.posts.v1, serve GetInNetworkPosts over gRPC."""
    from prometheus_client import start_http_server

    from foryou.core.clock import SystemClock
    from foryou.params import load_params
    from foryou.serving.gc_policy import settle_for_serving
    from foryou.thunder.node import NodeOptions, ThunderNode
    from foryou.thunder.service import ThunderServer
    from foryou.transport.embedded import EmbeddedLog
    from foryou.transport.record import Transport

    logging.basicConfig(level=os.environ.get("FORYOU_LOG_LEVEL", "INFO"))
    params = load_params(config, os.environ)
    transport: Transport
    if kafka:
        from foryou.transport.kafka import KafkaTransport

        transport = KafkaTransport(kafka, client_id="thunder")
    else:
        transport = EmbeddedLog(log_dir)
    options = NodeOptions(
        group_id=group_id or f"thunder-{socket.gethostname()}-{port}",
        snapshot_dir=snapshot_dir,
        snapshot_interval_s=snapshot_interval_s,
    )
    node = ThunderNode(params=params, transport=transport, clock=SystemClock(), options=options)
    if metrics_port:
        start_http_server(metrics_port, addr=host, registry=node.metrics.registry)
    node.start()
    settle_for_serving()  # the store is numpy columns; a larger young threshold keeps queries free of GC pauses

    async def run() -> None:
        server = ThunderServer(node.posts, lambda: node.ready, host=host, port=port)
        await server.start()
        typer.echo(f"thunder: gRPC on {host}:{server.port}", err=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await server.stop()

    try:
        asyncio.run(run())
    finally:
        node.stop()
