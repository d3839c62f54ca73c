"""`foryou bench retrieval`: top-k latency and recall of each backend against exact.

The corpus is clustered (a mixture of Gaussians around random topic centres, L2-normalised), the
shape trained candidate-tower embeddings take; uniform random vectors would make ANN look worse
than it is and recall meaningless.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np

from foryou.index.approximate import HNSWIndex, IVFIndex
from foryou.index.base import F32, U64, VectorIndex
from foryou.index.exact import ExactIndex


def clustered_corpus(n: int, dim: int, *, clusters: int, seed: int, spread: float = 0.35) -> F32:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    # Heavy-tailed cluster sizes, like topics.
    weights = rng.pareto(1.5, clusters) + 1.0
    assign = rng.choice(clusters, size=n, p=weights / weights.sum())
    vecs = centres[assign] + spread * rng.standard_normal((n, dim)).astype(np.float32) / np.sqrt(dim)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    out: F32 = vecs.astype(np.float32)
    return out


def _latency_ms(index: VectorIndex, queries: F32, k: int) -> float:
    times = []
    for q in queries:
        start = time.perf_counter_ns()
        index.search(q[None, :], k)
        times.append((time.perf_counter_ns() - start) / 1e6)
    return round(statistics.median(times), 3)


def _recall(truth: U64, got: U64, k: int) -> float:
    hits = [len(set(t[:k].tolist()) & set(g[:k].tolist())) / k for t, g in zip(truth, got, strict=True)]
    return round(float(np.mean(hits)), 4)


def run_bench(
    *,
    corpora: tuple[int, ...] = (100_000, 1_000_000),
    dim: int = 128,
    queries: int = 50,
    seed: int = 0,
    hnsw_m: int = 32,
    hnsw_ef: int = 128,
    ivf_nlist: int = 1024,
    ivf_nprobe: int = 16,
) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    for n in corpora:
        corpus = clustered_corpus(n + queries, dim, clusters=max(50, n // 2000), seed=seed)
        vecs, qs = corpus[:n], corpus[n:]
        ids = np.arange(1, n + 1, dtype=np.uint64)
        exact = ExactIndex(dim)
        exact.add(ids, vecs)
        truth = exact.search(qs, 1000).ids
        backends: list[VectorIndex] = [exact]
        exact_ms = 0.0  # set by the first row (exact)
        ivf = IVFIndex(dim, nlist=ivf_nlist, nprobe=ivf_nprobe)
        ivf.add(ids, vecs)
        backends.append(ivf)
        for factor in (2, 4):  # same rows, more probes: the recall/latency trade-off
            backends.append(IVFIndex(dim, nlist=ivf_nlist, nprobe=ivf_nprobe * factor, table=ivf.table))
        hnsw = HNSWIndex(dim, m=hnsw_m, ef_search=hnsw_ef)
        hnsw.add(ids, vecs)
        backends.append(hnsw)
        for index in backends:
            got = index.search(qs, 1000).ids
            p50 = _latency_ms(index, qs, 1000)
            row: dict[str, Any] = {
                "corpus": n,
                "backend": f"ivf(nprobe={index.nprobe})" if isinstance(index, IVFIndex) else index.name,
                "p50_ms": p50,
                "recall@100": _recall(truth, got, 100),
                "recall@1000": _recall(truth, got, 1000),
            }
            if index is exact:  # float32 rows, ids, flags and the int8 copy its scan reads
                row["bytes_per_vector"] = round(exact.table.nbytes() / n)
                exact_ms = p50
            else:
                row["times_faster_than_exact"] = round(exact_ms / p50, 1)
            results.append(row)
    return {"k": 1000, "dim": dim, "queries": queries, "results": results}
