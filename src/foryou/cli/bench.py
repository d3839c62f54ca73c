"""`foryou bench`: Benchmarks; each prints one JSON object."""

from __future__ import annotations

import typer

app = typer.Typer(help="Benchmarks; each prints one JSON object.", no_args_is_help=True)
