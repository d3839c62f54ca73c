"""Entry point of the `foryou` command: assembles the command groups.

Each group lives in its own module and is filled in by the subsystem it drives.
"""

from __future__ import annotations

import os

from foryou.core.openmp import set_default_spin

# Before torch loads: OpenMP threads spin only briefly while idle (decision 79).
set_default_spin(os.environ)

import typer  # noqa: E402 (after the OpenMP policy)

from foryou import __version__  # noqa: E402 (after the OpenMP policy)
from foryou.cli import bench, data, demo, eval_, ingest, phoenix, serve, thunder, train, world  # noqa: E402 (after the OpenMP policy)
from foryou.core.allocator import keep_freed_memory  # noqa: E402 (after the OpenMP policy)

# Every long-lived command (serve, bench, train) reuses its large buffers instead of faulting them in.
keep_freed_memory()

app = typer.Typer(
    name="foryou",
    help="foryou: run, inspect, train and deploy a two-stage For You feed.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(serve.app, name="serve")
app.add_typer(thunder.app, name="thunder")
app.add_typer(phoenix.app, name="phoenix")
app.add_typer(world.app, name="world")
app.add_typer(data.app, name="data")
app.add_typer(train.app, name="train")
app.add_typer(eval_.app, name="eval")
app.add_typer(bench.app, name="bench")
app.add_typer(ingest.app, name="ingest")
app.command("demo")(demo.demo)


@app.callback()
def _logging() -> None:
    """JSON-line logs on stderr; FORYOU_LOG_LEVEL (default WARNING) sets how much."""
    import os

    from foryou.observability import configure_json_logging

    configure_json_logging(os.environ.get("FORYOU_LOG_LEVEL", "WARNING"))


@app.command("version")
def version() -> None:
    """Print the foryou version."""
    typer.echo(__version__)


if __name__ == "__main__":
    app()
