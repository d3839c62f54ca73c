"""`foryou demo`: the main job on the embedded default (filled in as the Home Mixer lands)."""

from __future__ import annotations

import typer


def demo() -> None:
    """Run the end-to-end demo on the embedded default."""
    typer.echo("demo: not assembled yet")
