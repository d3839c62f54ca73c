"""`foryou train`: Train the Phoenix retrieval and ranking models."""

from __future__ import annotations

import typer

app = typer.Typer(help="Train the Phoenix retrieval and ranking models.", no_args_is_help=True)
