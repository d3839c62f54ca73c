"""`foryou data examples` builds shards from a generated world's event segments."""

import json
from pathlib import Path

from typer.testing import CliRunner

from foryou.cli.main import app
from foryou.world import EVENTS_DIR, WorldConfig, generate_world


def test_examples_command(tmp_path: Path) -> None:
    generate_world(WorldConfig(users=120, days=1, seed=2), tmp_path / "w", progress=False)
    res = CliRunner().invoke(
        app, ["data", "examples", "--events", str(tmp_path / "w" / EVENTS_DIR), "--out", str(tmp_path / "ex")]
    )
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert sum(summary["ranking"].values()) > 0
    assert sorted(p.name for p in (tmp_path / "ex" / "ranking").iterdir())[0] == "test-00000.parquet"
