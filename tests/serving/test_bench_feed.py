"""`bench feed` on a tiny world: the JSON it promises, in process and with the ranker behind gRPC."""

from __future__ import annotations

from pathlib import Path

import pytest

from foryou.core.errors import ConfigError
from foryou.core.torch_threads import cores
from foryou.serving.bench_feed import run_feed_bench
from foryou.world import WorldConfig, generate_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench-feed") / "world"
    generate_world(WorldConfig(users=150, days=1, seed=5), out, progress=False)
    return out


def _check(result: dict[str, object], *, ranker: str, prefetch: str) -> None:
    assert result["users"] == 150 and isinstance(result["posts"], int) and result["posts"] > 0
    assert result["requests"] == 10 and result["ranker"] == ranker and result["prefetch"] == prefetch
    assert isinstance(result["in_network_candidates"], float) and result["in_network_candidates"] > 0
    assert isinstance(result["p50_ms"], float) and isinstance(result["p99_ms"], float)
    assert 0 < result["p50_ms"] <= result["p99_ms"]
    stages = result["stage_p50_ms"]
    assert isinstance(stages, dict) and {"source", "hydrator", "filter", "scorer", "selector"} <= stages.keys()


def test_in_process(world: Path) -> None:
    import torch

    before = torch.get_num_threads()
    result = run_feed_bench(world, viewers=3, requests=10)
    _check(result, ranker="in-process", prefetch="remote")
    # the ranker's thread on every core, the rest on one (decision 87), as `foryou serve` lays them out
    assert result["torch_threads"] == {"ranker": cores(), "other": 1}
    assert torch.get_num_threads() == before  # the caller's setting comes back


def test_ranker_behind_grpc_with_prefetch(world: Path) -> None:
    result = run_feed_bench(world, viewers=3, requests=10, ranker="grpc")
    _check(result, ranker="grpc", prefetch="remote")


def test_bad_settings_fail_before_loading(world: Path) -> None:
    with pytest.raises(ValueError, match="ranker must be one of"):
        run_feed_bench(world, viewers=1, requests=10, ranker="remote")
    with pytest.raises(ConfigError, match="scoring.phoenix.prefetch"):
        run_feed_bench(world, viewers=1, requests=10, prefetch="sometimes")


def test_a_server_that_never_starts_is_reported_with_its_output() -> None:
    import queue
    import subprocess
    import sys
    import threading

    from foryou.serving.bench_feed import _bound_port, _drain

    process = subprocess.Popen([sys.executable, "-c", "print('no checkpoint here')"], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_drain, args=(process.stdout, lines), daemon=True).start()
    with pytest.raises(RuntimeError, match="did not start:\nno checkpoint here"):
        _bound_port(process, lines, timeout_s=30)
    process.wait()
    process.stdout.close()


def test_compare_serves_each_variant_with_its_own_pipeline_in_turns(world: Path) -> None:
    result = run_feed_bench(world, viewers=3, requests=10, compare={"no_oon": {"sources.phoenix.enabled": False}})
    _check(result, ranker="in-process", prefetch="remote")  # the top level stays the default pipeline's
    variants = result["variants"]
    assert set(variants) == {"default", "no_oon"}
    assert variants["default"]["overrides"] == {} and variants["no_oon"]["overrides"] == {
        "sources.phoenix.enabled": False
    }
    assert variants["default"]["requests"] == variants["no_oon"]["requests"] == 10
    assert variants["default"]["p50_ms"] == result["p50_ms"]
    assert variants["default"]["oon_candidates"] > 0 and variants["no_oon"]["oon_candidates"] == 0
    assert variants["no_oon"]["in_network_candidates"] == variants["default"]["in_network_candidates"]


def test_compare_refuses_what_every_variant_shares_before_loading(tmp_path: Path) -> None:
    from foryou.params import Params
    from foryou.serving.bench_feed import check_variants

    base = Params()
    for key, value in [
        ("phoenix.emb_size", 64),
        ("retrieval.index", "ivf"),
        ("mixer.torch_threads", 2),
        ("thunder.max_timeline_size", 100),
        ("mixer.max_post_age_s", 3600),
    ]:
        with pytest.raises(ValueError, match=f"{key} is read when the world is loaded"):
            check_variants(base, {"v": {key: value}})
    with pytest.raises(ValueError, match="overrides nothing"):
        check_variants(base, {"v": {}})
    with pytest.raises(ValueError, match="variant name"):
        check_variants(base, {"default": {"scoring.oon.factor": 0.5}})
    with pytest.raises(ConfigError, match="scoring.oon.factor"):
        check_variants(base, {"v": {"scoring.oon.factor": 99.0}})
    got = check_variants(base, {"v": {"scoring.oon.factor": 0.5, "thunder.max_posts_to_return": 100}})
    assert got["default"] is base and got["v"].get_float("scoring.oon.factor") == 0.5
    # a missing world is not reached: the variants fail first
    with pytest.raises(ValueError):
        run_feed_bench(tmp_path / "absent", viewers=1, requests=10, compare={"v": {"phoenix.num_layers": 1}})


def test_compare_items_parse_as_the_parameter_s_kind() -> None:
    from foryou.cli.bench import _variants

    assert _variants(
        ["a:scoring.oon.factor=0.5", "a:sources.thunder.enabled=false", "b:scoring.phoenix.prefetch=always"]
    ) == {
        "a": {"scoring.oon.factor": 0.5, "sources.thunder.enabled": False},
        "b": {"scoring.phoenix.prefetch": "always"},
    }
    for bad in ["a", "a:scoring.oon.factor", ":scoring.oon.factor=1", "a:=1"]:
        with pytest.raises(ValueError, match="expected NAME:KEY=VALUE"):
            _variants([bad])
    with pytest.raises(ValueError, match="already set"):
        _variants(["a:scoring.oon.factor=0.5", "a:scoring.oon.factor=0.6"])
    with pytest.raises(ConfigError, match="not a float"):
        _variants(["a:scoring.oon.factor=abc"])
    with pytest.raises(ConfigError, match="unknown parameter"):
        _variants(["a:no.such=1"])
