"""`foryou world generate|stats` and `foryou bench world` through the CLI."""

import json
from pathlib import Path

from typer.testing import CliRunner

from foryou.cli.main import app


def test_generate_then_stats(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(
        app,
        ["world", "generate", "--users", "150", "--days", "1", "--seed", "4", "--out", str(tmp_path), "--no-progress"],
    )
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert summary["users"] == 150 and summary["posts"] > 0 and summary["engagements"] > 0
    res = runner.invoke(app, ["world", "stats", str(tmp_path)])
    assert res.exit_code == 0, res.output
    stats = json.loads(res.output)
    assert stats["posts"] == summary["posts"]
    assert stats["actions"]["impression"] == summary["impressions"]
    assert stats["in_degree"]["max"] > stats["in_degree"]["p50"]  # a heavy tail
    assert {"out_degree", "posts_per_author", "post_kinds", "safety_labels"} <= set(stats)


def test_bench_world_prints_one_json_object(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["bench", "world", "--users", "100", "--days", "1", "--json", "--no-progress"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert {"users", "posts", "engagements", "seconds", "peak_rss_mb"} <= set(out)
    assert out["users"] == 100 and out["peak_rss_mb"] > 0
