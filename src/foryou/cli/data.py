"""`foryou data`: Public datasets (MovieLens-100K) and training examples."""

from __future__ import annotations

import typer

app = typer.Typer(help="Public datasets (MovieLens-100K) and training examples.", no_args_is_help=True)
