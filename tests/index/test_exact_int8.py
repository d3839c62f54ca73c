"""The exact index's int8 bounded scan returns the float32 top-k: same rows, same scores, ties to the lower row."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foryou.core import InvalidInputError
from foryou.index import ExactIndex, IVFIndex, VectorTable, load_index
from foryou.index.bench import clustered_corpus
from foryou.index.quantized import encode_query, encode_rows
from foryou.params import Params


def int8_index(dim: int) -> ExactIndex:
    return ExactIndex(dim, int8_min_rows=1)  # every single query takes the int8 path


def reference(ids: list[int], vecs: np.ndarray, q: np.ndarray, k: int) -> tuple[list[int], np.ndarray]:
    """Brute force in float64 over rows in insertion order: best first, ties to the earlier row."""
    scores = vecs.astype(np.float64) @ q.astype(np.float64)
    order = sorted(range(len(ids)), key=lambda i: (-scores[i], i))[:k]
    return [ids[i] for i in order], scores[order]


def assert_same_top_k(index: ExactIndex, ids: list[int], vecs: np.ndarray, q: np.ndarray, k: int) -> None:
    """The reference's rows (any order among scores within 1e-5), with their scores rounded once to float32."""
    got = index.search(q, k)
    want_ids, want_scores = reference(ids, vecs, q, k)
    found = int((got.ids[0] > 0).sum())
    assert found == len(want_ids)
    assert (got.ids[0, found:] == 0).all() and np.isneginf(got.scores[0, found:]).all()
    np.testing.assert_allclose(got.scores[0, :found], want_scores, atol=1e-5)
    row = {i: r for r, i in enumerate(ids)}
    exact = vecs[[row[i] for i in got.ids[0, :found].tolist()]].astype(np.float64) @ q.astype(np.float64)
    np.testing.assert_array_equal(got.scores[0, :found], exact.astype(np.float32))  # true scores, not int8 ones
    if found:
        clear = want_scores > want_scores[-1] + 1e-5
        assert set(np.array(want_ids)[clear].tolist()) <= set(got.ids[0, :found].tolist())


def test_quantization_error_bound_holds() -> None:
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((2000, 64)) * rng.uniform(0.01, 10, (2000, 1))).astype(np.float32)
    codes, scales, errs, norm_max = encode_rows(x)
    x_hat = codes.astype(np.float64) * scales[:, None]
    assert (np.linalg.norm(x - x_hat, axis=1) <= errs).all()
    assert norm_max >= max(np.linalg.norm(x, axis=1).max(), np.linalg.norm(x_hat, axis=1).max())
    for q in rng.standard_normal((20, 64)).astype(np.float32):
        q_codes, q_scale, q_err = encode_query(q)
        q_hat = q_codes.astype(np.float64) * q_scale
        assert np.linalg.norm(q - q_hat) <= q_err
        bound = np.linalg.norm(q) * errs + q_err * np.linalg.norm(x_hat, axis=1)
        assert (np.abs(x @ q.astype(np.float64) - x_hat @ q_hat) <= bound).all()


def test_clustered_corpus_matches_brute_force_with_deletes_and_live_adds() -> None:
    vecs = clustered_corpus(6000, 32, clusters=20, seed=5)
    index = int8_index(32)
    ids = list(range(1, 5001))
    index.add(np.array(ids, np.uint64), vecs[:5000])
    queries = vecs[5000:5010]
    for q in queries:
        assert_same_top_k(index, ids, vecs[:5000], q, 100)
    # Deletes (below the compaction fraction, so dead rows stay in the scan), then live adds.
    dead = set(range(1, 5001, 7))
    index.remove(sorted(dead))
    assert index.table.dead_rows == len(dead)
    live = [i for i in ids if i not in dead]
    index.add(np.arange(5001, 5801, dtype=np.uint64), vecs[5200:6000])
    all_vecs = np.concatenate([vecs[[i - 1 for i in live]], vecs[5200:6000]])
    for q in queries:
        assert_same_top_k(index, live + list(range(5001, 5801)), all_vecs, q, 300)
        got = index.search(q, 300).ids[0]
        assert not dead & set(got.tolist())


def test_compaction_growth_and_replacement_keep_the_int8_copy_in_step() -> None:
    rng = np.random.default_rng(1)
    vecs = rng.standard_normal((3000, 16)).astype(np.float32)
    index = int8_index(16)
    index.add(np.arange(1, 1001, dtype=np.uint64), vecs[:1000])
    index.search(vecs[0], 5)  # builds the int8 copy
    index.add(np.arange(1001, 3001, dtype=np.uint64), vecs[1000:])  # grows the table past its capacity
    index.remove(list(range(1, 1001)))  # a third dead: compacts
    assert index.table.dead_rows == 0
    replaced = rng.standard_normal((1, 16)).astype(np.float32) * 5
    index.add(np.array([2000], np.uint64), replaced)  # re-added with a new vector: moves to the end
    ids = [i for i in range(1001, 3001) if i != 2000] + [2000]
    table_vecs = np.concatenate([vecs[1000:3000][np.arange(1001, 3001) != 2000], replaced])
    for q in [replaced[0], *vecs[1500:1505]]:
        assert_same_top_k(index, ids, table_vecs, q, 50)
    assert index.search(replaced[0], 1).ids[0, 0] == 2000


def test_ties_and_duplicates_go_to_the_lower_row() -> None:
    base = np.eye(8, dtype=np.float32)
    vecs = np.concatenate([base, base, base[:3] * 2, base])  # exact duplicates and exact score ties
    ids = list(range(100, 100 + len(vecs)))
    index = int8_index(8)
    index.add(np.array(ids, np.uint64), vecs)
    q = np.array([1, 1, 0, 0, 0, 0, 0, 0], np.float32)
    got = index.search(q, 7).ids[0].tolist()
    assert got == [116, 117, 100, 101, 108, 109, 119]
    assert index.search(q, 7).scores[0].tolist() == [2, 2, 1, 1, 1, 1, 1]


def test_more_than_live_rows_empty_index_and_bad_queries() -> None:
    index = int8_index(4)
    empty = index.search(np.ones(4, np.float32), 3)
    assert (empty.ids == 0).all() and np.isneginf(empty.scores).all()
    index.add(np.array([7, 8], np.uint64), np.array([[1, 0, 0, 0], [0, 1, 0, 0]], np.float32))
    index.remove([8])
    got = index.search(np.array([0.5, 1, 0, 0], np.float32), 4)
    assert got.ids[0].tolist() == [7, 0, 0, 0]
    assert got.scores[0, 0] == 0.5 and np.isneginf(got.scores[0, 1:]).all()
    assert index.search(np.ones(4, np.float32), 0).ids.shape == (1, 0)
    with pytest.raises(InvalidInputError, match="finite"):
        index.search(np.array([np.nan, 0, 0, 0], np.float32), 1)
    zero = index.search(np.zeros(4, np.float32), 2)  # every score 0: still the live row only
    assert zero.ids[0].tolist() == [7, 0]


def test_batches_take_the_float32_product_and_agree() -> None:
    vecs = clustered_corpus(2100, 16, clusters=10, seed=4)
    index = int8_index(16)
    index.add(np.arange(1, 2001, dtype=np.uint64), vecs[:2000])
    queries = vecs[2000:2100]
    batch = index.search(queries, 40)  # larger than the int8 batch limit
    single = [index.search(q, 40) for q in queries]
    for i, one in enumerate(single):
        assert one.ids[0].tolist() == batch.ids[i].tolist() and one.scores[0].tolist() == batch.scores[i].tolist()


def test_snapshot_round_trip_keeps_int8_results(tmp_path: Path) -> None:
    vecs = clustered_corpus(1000, 8, clusters=4, seed=3)
    index = int8_index(8)
    index.add(np.arange(1, 1001, dtype=np.uint64), vecs)
    index.remove([10, 11])
    before = index.search(vecs[20], 50)
    index.save(tmp_path / "snap")
    again = load_index(tmp_path / "snap", Params())
    assert isinstance(again, ExactIndex)
    again.int8_min_rows = 1
    after = again.search(vecs[20], 50)
    assert after.ids.tolist() == before.ids.tolist() and after.scores.tolist() == before.scores.tolist()


small_ints = st.integers(-3, 3)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(small_ints, min_size=6, max_size=6), min_size=0, max_size=80),
    removed=st.sets(st.integers(0, 79)),
    query=st.lists(small_ints, min_size=6, max_size=6),
    k=st.integers(1, 90),
)
def test_int8_scan_equals_brute_force_on_exact_ties(
    rows: list[list[int]], removed: set[int], query: list[int], k: int
) -> None:
    # Small integer vectors: float32 scores are exact, so ties are real and the order is fully determined.
    vecs = np.array(rows, np.float32).reshape(-1, 6)
    ids = list(range(1, len(rows) + 1))
    index = int8_index(6)
    if rows:
        index.add(np.array(ids, np.uint64), vecs)
    index.remove([i + 1 for i in removed])
    keep = [i for i in range(len(rows)) if i not in removed]
    q = np.array(query, np.float32)
    want_ids, want_scores = reference([ids[i] for i in keep], vecs[keep], q, k)
    got = index.search(q, k)
    assert got.ids[0, : len(want_ids)].tolist() == want_ids
    assert got.scores[0, : len(want_ids)].tolist() == want_scores.tolist()
    assert (got.ids[0, len(want_ids) :] == 0).all()


def test_ann_tables_carry_no_int8_copy() -> None:
    rows = 70_000  # above the exact index's default int8 threshold
    vecs = np.random.default_rng(6).standard_normal((rows, 4)).astype(np.float32)
    table = VectorTable(4)
    table.add(np.arange(1, rows + 1, dtype=np.uint64), vecs)
    plain = table.nbytes()
    ivf = IVFIndex(4, nlist=2, nprobe=2, table=table)  # as a snapshot loads into IVF
    ivf.search(vecs[0], 5)
    assert table.nbytes() == plain
    ExactIndex(4, table)  # an exact index over the same table builds it: int8 codes, a scale and an error per row
    assert table.nbytes() - plain >= rows * (4 + 4 + 4)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 3000),
    k=st.integers(1, 300),
    log_spread=st.floats(0, 4),
    dead_fraction=st.floats(0, 0.24),
    seed=st.integers(0, 10_000),
)
def test_int8_scan_equals_the_float32_product(
    n: int, k: int, log_spread: float, dead_fraction: float, seed: int
) -> None:
    # Rows of very different norms (the bound uses table-wide maxima) and dead rows left in the scan.
    rng = np.random.default_rng(seed)
    vecs = rng.standard_normal((n, 24)) * 10 ** rng.uniform(-log_spread, log_spread, (n, 1))
    int8 = int8_index(24)
    int8.add(np.arange(1, n + 1, dtype=np.uint64), vecs.astype(np.float32))
    int8.remove(rng.choice(np.arange(1, n + 1), size=int(dead_fraction * n), replace=False).tolist())
    float32 = ExactIndex(24, int8.table, int8_min_rows=2**62)
    for q in rng.standard_normal((3, 24)).astype(np.float32):
        a, b = int8.search(q, k), float32.search(q, k)
        assert a.ids.tolist() == b.ids.tolist() and a.scores.tolist() == b.scores.tolist()
