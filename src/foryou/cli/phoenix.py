"""`foryou phoenix`: Phoenix models: parity against the golden files, demos."""

from __future__ import annotations

import json
from pathlib import Path

import typer

app = typer.Typer(help="Phoenix models: parity against the golden files, demos.", no_args_is_help=True)


@app.command("parity")
def parity(
    file: Path = typer.Argument(..., help="a golden .npz file (format of shared/golden/README.md)"),
    as_json: bool = typer.Option(False, "--json", help="print only the JSON report"),
) -> None:
    """Run our float32 model on a golden file; exit 0 iff every output is within tolerance."""
    from foryou.core.errors import ForYouError
    from foryou.phoenix.parity import run_parity

    try:
        report = run_parity(file)
    except ForYouError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    doc = report.to_json()
    if as_json:
        typer.echo(json.dumps(doc))
    else:
        for name, result in doc["per_output"].items():
            status = "ok  " if result["ok"] else "FAIL"
            detail = ", ".join(f"{k}={v}" for k, v in result.items() if k != "ok")
            typer.echo(f"{status} {name}: {detail}")
        typer.echo(json.dumps({k: doc[k] for k in ("file", "max_abs_err", "ok")}))
    raise typer.Exit(0 if report.ok else 1)
