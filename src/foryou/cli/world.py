"""`foryou world`: Generate and inspect the synthetic social world."""

from __future__ import annotations

import typer

app = typer.Typer(help="Generate and inspect the synthetic social world.", no_args_is_help=True)
