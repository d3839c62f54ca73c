"""`foryou train`: MovieLens-100K-only options are refused on a world before anything is read or written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from foryou.cli.main import app

runner = CliRunner(env={"COLUMNS": "250"})  # one line per message: no wrapping inside the error box


@pytest.mark.parametrize(
    ("kind", "option"),
    [("retrieval", ["--future", "3"]), ("ranker", ["--every-prefix"]), ("ranker", ["--skip-later"])],
)
def test_ml100k_options_are_refused_on_a_world(tmp_path: Path, kind: str, option: list[str]) -> None:
    out = tmp_path / "run"
    result = runner.invoke(
        app, ["train", kind, "--data", f"world:{tmp_path}", "--out", str(out), "--no-progress", *option]
    )
    assert result.exit_code != 0
    assert "MovieLens-100K options" in result.output
    assert not (out / "examples").exists()
