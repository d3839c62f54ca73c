"""`foryou eval`: Evaluate trained models (MovieLens-100K, synthetic world)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Evaluate trained models (MovieLens-100K, synthetic world).", no_args_is_help=True)
