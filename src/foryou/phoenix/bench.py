"""`foryou bench ranker`: the cached prefix path vs a single full-sequence masked forward (issue #4).

Demo config (emb 128, 2 layers, 2 q / 2 kv heads, key 64, widening 2), batch 1, a full history of 128
and C candidates; both paths start from hashes and end at logits, under `torch.inference_mode`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from foryou.core.allocator import keep_freed_memory
from foryou.core.openmp import set_default_spin
from foryou.phoenix.batch import PhoenixBatch
from foryou.phoenix.config import InputConfig, PhoenixConfig, TransformerConfig
from foryou.phoenix.ranker import PhoenixRanker, score_candidates

DEMO_TRANSFORMER = TransformerConfig(
    emb_size=128, num_layers=2, num_q_heads=2, num_kv_heads=2, key_size=64, widening_factor=2.0
)
CANDIDATE_COUNTS = (32, 256, 1024)
HISTORY = 128


def bench_batch(config: PhoenixConfig, candidates: int, seed: int = 0) -> PhoenixBatch:
    """One user with a full history and `candidates` valid candidates (random hashes)."""
    from foryou.phoenix.batch import CandidateBatch, PrefixBatch

    inp = config.inputs
    g = torch.Generator().manual_seed(seed)
    s = inp.history_seq_len
    return PhoenixBatch(
        prefix=PrefixBatch(
            user_hashes=torch.randint(1, inp.vocab_user, (1, inp.num_user_hashes), generator=g),
            history_post_hashes=torch.randint(1, inp.vocab_post, (1, s, inp.num_item_hashes), generator=g),
            history_author_hashes=torch.randint(1, inp.vocab_author, (1, s, inp.num_author_hashes), generator=g),
            history_actions=(torch.rand(1, s, inp.num_actions, generator=g) < 0.3).float(),
            history_surfaces=torch.randint(0, inp.product_surface_vocab, (1, s), generator=g),
        ),
        candidates=CandidateBatch(
            post_hashes=torch.randint(1, inp.vocab_post, (1, candidates, inp.num_item_hashes), generator=g),
            author_hashes=torch.randint(1, inp.vocab_author, (1, candidates, inp.num_author_hashes), generator=g),
            surfaces=torch.randint(0, inp.product_surface_vocab, (1, candidates), generator=g),
        ),
    )


NAIVE_EVERY = 3  # the slow path is timed on every third round


def _timings_ms(
    fast: Callable[[], object], slow: Callable[[], object], *, warmup: int, repeats: int
) -> tuple[list[float], list[float]]:
    """Interleaved rounds, so that both paths see the same (shared, noisy) machine."""
    for _ in range(warmup):
        fast()
        slow()
    fast_ms: list[float] = []
    slow_ms: list[float] = []
    for i in range(repeats):
        for fn, out in ((fast, fast_ms), (slow, slow_ms)):
            if out is slow_ms and i % NAIVE_EVERY:
                continue
            t0 = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0) * 1000.0)
    return fast_ms, slow_ms


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024.0 * 1024.0) if sys.platform == "darwin" else peak / 1024.0


def run_ranker_bench(
    *,
    counts: Sequence[int] = CANDIDATE_COUNTS,
    repeats: int = 30,
    warmup: int = 5,
    threads: int = 2,
    chunk_size: int | None = None,
) -> dict[str, Any]:
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        return _run(counts, repeats, warmup, threads, chunk_size)
    finally:
        torch.set_num_threads(previous)


def _run(counts: Sequence[int], repeats: int, warmup: int, threads: int, chunk_size: int | None) -> dict[str, Any]:
    torch.manual_seed(0)
    config = PhoenixConfig(transformer=DEMO_TRANSFORMER, inputs=InputConfig(history_seq_len=HISTORY))
    if chunk_size is not None:
        config = dataclasses.replace(config, rank_chunk_size=chunk_size)
    model = PhoenixRanker(config).eval()
    results = []
    for c in counts:
        batch = bench_batch(config, c)

        def cached(b: PhoenixBatch = batch) -> object:
            return score_candidates(model, b.prefix, b.candidates)

        def naive(b: PhoenixBatch = batch) -> object:
            with torch.inference_mode():
                return model(b)

        fast, slow = _timings_ms(cached, naive, warmup=warmup, repeats=repeats)
        p50, p90, naive_p50 = (float(np.percentile(fast, 50)), float(np.percentile(fast, 90)), float(np.median(slow)))
        results.append(
            {
                "candidates": c,
                "prefix_p50_ms": round(p50, 3),
                "prefix_p90_ms": round(p90, 3),
                "naive_p50_ms": round(naive_p50, 3),
                "speedup": round(naive_p50 / p50, 2),
            }
        )
    return {
        "results": results,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "config": {"emb_size": 128, "num_layers": 2, "heads": "2q/2kv", "key_size": 64, "history": HISTORY},
        "chunk_size": config.rank_chunk_size,
        "threads": threads,
        "torch": torch.__version__,
    }


# The ranker runs in a fresh interpreter so that the OpenMP spin policy of `foryou` serving (decision 79)
# is in force before the OpenMP runtime loads.


def run_in_subprocess(
    *, counts: Sequence[int], repeats: int, threads: int, chunk_size: int | None, timeout_s: float = 1800.0
) -> dict[str, Any]:
    """`run_ranker_bench` in a fresh interpreter with the serving spin policy (caller's own settings win)."""
    import foryou

    src = str(Path(foryou.__file__).resolve().parents[1])
    env = dict(os.environ)
    set_default_spin(env)
    env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [os.environ.get("PYTHONPATH")])])
    args = [sys.executable, "-m", "foryou.phoenix.bench", "--repeats", str(repeats), "--threads", str(threads)]
    args += ["--candidates", *map(str, counts)]
    if chunk_size is not None:
        args += ["--chunk-size", str(chunk_size)]
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=True, timeout=timeout_s)
    result: dict[str, Any] = json.loads(done.stdout)
    result["omp_wait_policy"] = env.get("OMP_WAIT_POLICY", "default")
    result["gomp_spincount"] = env.get("GOMP_SPINCOUNT", "default")
    return result


def _main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, nargs="+", default=list(CANDIDATE_COUNTS))
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=None)
    ns = parser.parse_args(argv)
    # The same allocator policy as the `foryou` command, which serving runs under.
    kept = keep_freed_memory()
    result = run_ranker_bench(counts=ns.candidates, repeats=ns.repeats, threads=ns.threads, chunk_size=ns.chunk_size)
    result["malloc_keeps_freed_memory"] = kept
    print(json.dumps(result))


if __name__ == "__main__":
    _main()
