"""`foryou phoenix`: Phoenix models: parity against the golden files, demos."""

from __future__ import annotations

import typer

app = typer.Typer(help="Phoenix models: parity against the golden files, demos.", no_args_is_help=True)
