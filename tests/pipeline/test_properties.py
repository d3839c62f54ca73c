"""Hypothesis properties of the framework's general invariants."""

from __future__ import annotations

import asyncio
import math
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from foryou.pipeline import FilterResult, partition

from .fixtures import ByScore, C, KeepIf, ListSource, Q, ScoreBy, pipeline

predicates = st.lists(st.tuples(st.integers(2, 5), st.integers(0, 4)), max_size=5)


@settings(max_examples=60, deadline=None)
@given(ids=st.lists(st.integers(0, 50), max_size=40), rules=predicates)
def test_any_filter_sequence_partitions_the_input(ids: list[int], rules: list[tuple[int, int]]) -> None:
    filters = [KeepIf(lambda c, m=m, r=r: c.id % m != r, f"F{i}") for i, (m, r) in enumerate(rules)]
    result = asyncio.run(pipeline(sources=[ListSource(ids)], filters=filters).run(Q(), request_id="p"))
    kept = [c.id for c in result.selected]
    removed = [r.candidate.id for r in result.filtered]
    assert Counter(kept) + Counter(removed) == Counter(ids)
    # kept keeps the input order
    positions = iter(range(len(ids)))
    for cid in kept:
        assert any(ids[i] == cid for i in positions)


scores_st = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.floats(-10, 10))


@settings(max_examples=60, deadline=None)
@given(scores=st.lists(scores_st, max_size=40), k=st.one_of(st.none(), st.integers(0, 50)))
def test_selector_output_is_sorted_stable_and_bounded(scores: list[float | None], k: int | None) -> None:
    ids = list(range(len(scores)))
    p = pipeline(sources=[ListSource(ids)], scorers=[ScoreBy(lambda c: scores[c.id])], selector=ByScore(k))
    out = asyncio.run(p.run(Q(), request_id="p")).selected
    assert len(out) == (len(ids) if k is None else min(k, len(ids)))

    def key(s: float | None) -> tuple[int, float]:
        return (1, 0.0) if s is None or not math.isfinite(s) else (0, -s)

    keys = [(key(scores[c.id]), c.id) for c in out]
    assert keys == sorted(keys)  # descending finite scores, non-finite last, ties by input order


@settings(max_examples=40, deadline=None)
@given(scores=st.lists(scores_st, max_size=30))
def test_attribute_fast_path_orders_exactly_like_the_score_method(scores: list[float | None]) -> None:
    from .fixtures import C

    class ByAttribute(ByScore):
        score_attribute = "score"

    cands = [C(i, score=s) for i, s in enumerate(scores)]
    assert ByAttribute(None).order(cands) == ByScore(None).order(cands)


class _Split(KeepIf):
    """KeepIf through the framework's `partition` (whose results the executor does not re-check)."""

    def filter(self, query: Q, candidates: list[C]) -> FilterResult[C]:
        return partition(candidates, lambda c: None if self.pred(c) else self.label.lower())


@settings(max_examples=60, deadline=None)
@given(ids=st.lists(st.integers(0, 12), max_size=30), rules=predicates, by_partition=st.booleans())
def test_a_key_is_traced_as_removed_iff_none_of_its_candidates_survive(
    ids: list[int], rules: list[tuple[int, int]], by_partition: bool
) -> None:
    seen: set[int] = set()

    def first_copy(c: C) -> bool:  # drops repeats of a key, keeping its twin
        if c.id in seen:
            return False
        seen.add(c.id)
        return True

    kind = _Split if by_partition else KeepIf
    filters = [kind(first_copy, "Dedup")]
    filters += [kind(lambda c, m=m, r=r: c.id % m != r, f"F{i}") for i, (m, r) in enumerate(rules)]
    result = asyncio.run(pipeline(sources=[ListSource(ids)], filters=filters).run(Q(), request_id="p"))
    kept = {c.id for c in result.selected}
    traced = {key for key, entry in result.trace.candidates.items() if entry.removed_by is not None}
    assert traced == set(ids) - kept
    assert Counter(c.id for c in result.selected) + Counter(r.candidate.id for r in result.filtered) == Counter(ids)
    for key in traced:  # named after the filter that removed the key's last candidate
        entry = result.trace.candidates[key].removed_by
        assert entry is not None
        last = [r.filter for r in result.filtered if r.candidate.id == key][-1]
        assert entry.filter == last
