"""The `foryou` command line: one typer group per file."""
