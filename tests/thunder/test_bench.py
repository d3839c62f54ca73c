"""The Thunder benchmark on a small corpus: its corpus is heavy-tailed and every number is produced."""

from __future__ import annotations

import numpy as np
import pytest

from foryou.thunder.bench import run_bench, synthetic_corpus


def test_corpus_is_heavy_tailed_and_consistent() -> None:
    corpus = synthetic_corpus(50_000, 5_000, seed=1)
    posts = corpus.posts
    counts = np.sort(np.bincount(posts.author_id.astype(np.int64)))[::-1]
    assert counts[: len(counts) // 100].sum() > 0.1 * len(posts)  # the busiest 1 % write over 10 %
    assert np.unique(posts.post_id).shape[0] == len(posts)
    replies = posts.in_reply_to_post_id != 0
    assert np.isin(posts.in_reply_to_post_id[replies], posts.post_id).all()


@pytest.mark.kafka
def test_small_run_reports_every_field(kafka_bootstrap: str) -> None:
    result = run_bench(posts=20_000, authors=2_000, n_followees=100, queries=10, ingest_events=2_000, seed=0)
    assert result["posts"] == 20_000
    assert result["ingest_events"] == 2_000
    for key in ("query_p50_ms", "query_p99_ms", "ingest_events_per_s", "bytes_per_post"):
        assert float(result[key]) > 0  # type: ignore[arg-type]
    assert float(result["bytes_per_post"]) < 1000  # type: ignore[arg-type]
