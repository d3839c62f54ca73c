"""`python -m foryou` runs the command line."""

from foryou.cli.main import app

app()
