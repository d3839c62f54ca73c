"""`foryou demo` end to end on a tiny world: world, training, load, servers, one feed; then a rerun that
reuses the world and the models."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from foryou.cli.main import app

runner = CliRunner()
ARGS = ["demo", "--users", "60", "--days", "1", "--train-seconds", "10", "--http-port", "0", "--grpc-port", "0"]


def _feed_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.match(r"\s*\d+\.\s+-?\d+\.\d+\s+@", line)]


def test_demo_serves_a_feed_and_explains_each_post(tmp_path: Path) -> None:
    result = runner.invoke(app, [*ARGS, "--dir", str(tmp_path), "--no-serve"])
    assert result.exit_code == 0, result.output
    feed = _feed_lines(result.output)
    assert 0 < len(feed) <= 35
    assert all("(Thunder)" in line or "(Phoenix retrieval)" in line for line in feed)
    scores = [float(line.split()[1]) for line in feed]
    assert scores == sorted(scores, reverse=True)
    assert "The server stops now" in result.output  # no invitation to query a server that is gone
    assert "X-Admin-Token" not in result.output
    assert (tmp_path / "world" / "world.json").exists()
    assert (tmp_path / "models" / "ranker" / "best" / "model.safetensors").exists()

    again = runner.invoke(app, [*ARGS, "--dir", str(tmp_path), "--no-serve"])
    assert again.exit_code == 0, again.output
    assert "reusing the world" in again.output and "reusing the models" in again.output
    assert _feed_lines(again.output) == feed  # same world, same models, same clock: the same feed
