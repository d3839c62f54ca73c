"""IdTable behaves like a dict from post id to slot under any mix of adds, removals and rehashes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from foryou.thunder.id_table import IdTable

ids = st.integers(1, 2**64 - 2)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.lists(ids, max_size=40)), max_size=12))
def test_matches_a_dict(ops: list[tuple[bool, list[int]]]) -> None:
    table = IdTable(4)
    model: dict[int, int] = {}
    next_slot = 0
    for add, keys in ops:
        if add:
            fresh = list(dict.fromkeys(k for k in keys if k not in model))
            slots = np.arange(next_slot, next_slot + len(fresh), dtype=np.int32)
            table.put_many(np.array(fresh, dtype=np.uint64), slots)
            model.update(zip(fresh, slots.tolist(), strict=True))
            next_slot += len(fresh)
        else:
            table.remove_many(np.array(keys, dtype=np.uint64))
            for k in keys:
                model.pop(k, None)
        probe = [*keys, *list(model)[:20]]
        got = table.get_many(np.array(probe, dtype=np.uint64)).tolist()
        assert got == [model.get(k, -1) for k in probe]
        assert [table.get(k) for k in probe] == [model.get(k, -1) for k in probe]
        assert len(table) == len(model)


def test_remap_renumbers_and_drops() -> None:
    table = IdTable()
    table.put_many(np.array([10, 20, 30], dtype=np.uint64), np.array([0, 1, 2], dtype=np.int32))
    table.remap(np.array([-1, 0, 1], dtype=np.int32))
    assert table.get_many(np.array([10, 20, 30], dtype=np.uint64)).tolist() == [-1, 0, 1]
    assert len(table) == 2
