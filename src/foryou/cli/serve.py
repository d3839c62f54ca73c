"""`foryou serve`: Run the For You feed servers (gRPC and HTTP) on the embedded default."""

from __future__ import annotations

import typer

app = typer.Typer(help="Run the For You feed servers (gRPC and HTTP) on the embedded default.", no_args_is_help=True)
