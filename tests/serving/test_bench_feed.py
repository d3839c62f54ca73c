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
