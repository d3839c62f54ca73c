"""Retrieval index: exact top-k is the reference; ANN backends agree on recall; live updates and snapshots."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foryou.core import CorruptDataError, InvalidInputError
from foryou.index import ExactIndex, HNSWIndex, IVFIndex, VectorTable, build_index, load_index
from foryou.index.bench import clustered_corpus
from foryou.params import Params


def brute_force(ids: np.ndarray, vecs: np.ndarray, q: np.ndarray, k: int) -> list[int]:
    scores = vecs @ q
    order = sorted(range(len(ids)), key=lambda i: (-scores[i], i))
    return [int(ids[i]) for i in order[:k]]


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 60), k=st.integers(1, 70), seed=st.integers(0, 1000))
def test_exact_matches_brute_force(n: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    vecs = rng.standard_normal((n, 8)).astype(np.float32)
    ids = rng.choice(np.arange(1, 10_000), size=n, replace=False).astype(np.uint64)
    index = ExactIndex(8)
    index.add(ids, vecs)
    q = rng.standard_normal(8).astype(np.float32)
    result = index.search(q, k)
    expected = brute_force(ids, vecs, q, k)
    assert result.ids[0, : len(expected)].tolist() == expected
    assert (result.ids[0, len(expected) :] == 0).all()
    assert np.isneginf(result.scores[0, len(expected) :]).all()


def test_removed_rows_are_never_returned_and_compaction_keeps_the_rest() -> None:
    rng = np.random.default_rng(0)
    vecs = rng.standard_normal((100, 4)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = np.arange(1, 101, dtype=np.uint64)
    index = ExactIndex(4)
    index.add(ids, vecs)
    index.remove(list(range(1, 60)))  # triggers compaction
    assert len(index) == 41
    got = index.search(vecs[70], 100).ids[0]
    assert set(got[got > 0].tolist()) == set(range(60, 101))
    assert got[0] == 71


def test_table_rejects_bad_rows() -> None:
    table = VectorTable(3)
    with pytest.raises(InvalidInputError):
        table.add(np.array([0], np.uint64), np.zeros((1, 3), np.float32))
    with pytest.raises(InvalidInputError):
        table.add(np.array([1], np.uint64), np.zeros((1, 4), np.float32))
    with pytest.raises(InvalidInputError):
        table.add(np.array([1], np.uint64), np.full((1, 3), np.nan, np.float32))


@pytest.mark.parametrize("backend", ["ivf", "hnsw"])
def test_ann_recall_against_exact_on_a_clustered_corpus(backend: str) -> None:
    vecs = clustered_corpus(6000, 32, clusters=30, seed=1)
    ids = np.arange(1, 5001, dtype=np.uint64)
    params = Params({"retrieval.index": backend, "retrieval.ivf.nlist": 32, "retrieval.ivf.nprobe": 8})
    ann = build_index(params, 32)
    exact = ExactIndex(32)
    for index in (ann, exact):
        index.add(ids, vecs[:5000])
    queries = vecs[5000:5100]
    truth, got = exact.search(queries, 100).ids, ann.search(queries, 100).ids
    recall = np.mean([len(set(t) & set(g)) / 100 for t, g in zip(truth.tolist(), got.tolist(), strict=True)])
    assert recall >= 0.9


@pytest.mark.parametrize("make", [lambda: IVFIndex(16, nlist=4, nprobe=4), lambda: HNSWIndex(16, m=8, ef_search=32)])
def test_ann_live_updates(make) -> None:  # type: ignore[no-untyped-def]
    vecs = clustered_corpus(400, 16, clusters=5, seed=2)
    ids = np.arange(1, 401, dtype=np.uint64)
    index = make()
    index.add(ids, vecs)
    index.remove([5, 6, 7])
    got = index.search(vecs[4], 50).ids[0].tolist()
    assert not {5, 6, 7} & set(got)
    index.add(np.array([5], np.uint64), vecs[4:5])  # re-added with another vector
    assert index.search(vecs[4], 2).ids[0].tolist()[:2] in ([5, 5], [5, 0]) or 5 in index.search(vecs[4], 5).ids[0]


@pytest.mark.parametrize("backend", ["ivf", "hnsw"])
def test_ann_below_its_training_size_answers_like_exact(backend: str) -> None:
    """A fresh deployment starts empty: until IVF has enough rows to train on it must answer exactly
    (an empty table is falsy; the fallback once searched a table of its own that never filled)."""
    vecs = clustered_corpus(301, 16, clusters=5, seed=4)
    ids = np.arange(1, 301, dtype=np.uint64)
    ann = build_index(Params({"retrieval.index": backend, "retrieval.ivf.nlist": 64}), 16)
    exact = ExactIndex(16)
    for index in (ann, exact):
        index.add(ids[:150], vecs[:150])
        index.add(ids[150:], vecs[150:300])
    if isinstance(ann, IVFIndex):
        assert len(ann) < ann.train_size
    truth, got = exact.search(vecs[300], 20).ids[0], ann.search(vecs[300], 20).ids[0]
    assert len(set(truth.tolist()) & set(got.tolist())) >= 18
    shared = VectorTable(16)  # indexes built on one (still empty) table see rows added through either
    first, second = ExactIndex(16, shared), IVFIndex(16, nlist=64, nprobe=4, table=shared)
    first.add(ids[:10], vecs[:10])
    assert second.search(vecs[0], 1).ids[0, 0] == 1


def test_snapshot_round_trip_and_backend_switch(tmp_path: Path) -> None:
    vecs = clustered_corpus(300, 8, clusters=4, seed=3)
    index = ExactIndex(8)
    index.add(np.arange(1, 301, dtype=np.uint64), vecs)
    index.remove([10])
    index.save(tmp_path / "snap")
    again = load_index(tmp_path / "snap", Params())
    assert len(again) == 299
    assert again.search(vecs[20], 5).ids.tolist() == index.search(vecs[20], 5).ids.tolist()
    hnsw = load_index(tmp_path / "snap", Params({"retrieval.index": "hnsw"}))
    assert hnsw.name == "hnsw" and len(hnsw) == 299


def test_corrupt_snapshot_is_reported(tmp_path: Path) -> None:
    (tmp_path / "index.json").write_text('{"dim": 8, "count": 3, "backend": "exact"}')
    (tmp_path / "vectors.safetensors").write_bytes(b"\x00garbage")
    with pytest.raises(CorruptDataError, match="unreadable"):
        load_index(tmp_path, Params())
