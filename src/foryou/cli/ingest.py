"""`foryou ingest`: Consume the event stream into foryou's stores."""

from __future__ import annotations

import typer

app = typer.Typer(help="Consume the event stream into foryou's stores.", no_args_is_help=True)
