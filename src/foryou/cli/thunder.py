"""`foryou thunder`: Thunder: the in-network post store fed from Kafka."""

from __future__ import annotations

import typer

app = typer.Typer(help="Thunder: the in-network post store fed from Kafka.", no_args_is_help=True)
