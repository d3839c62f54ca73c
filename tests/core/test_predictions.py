"""Prediction rows behave as the dicts they replace, and one table's rows are read as columns."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from foryou.core.predictions import PredictionColumns, as_plain, prediction_rows, rows_of_one_table

COLUMNS = PredictionColumns(("favorite", "reply", "dwell_time"))


@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0, 600)), min_size=1, max_size=20))
def test_a_row_is_the_dict_it_replaces(values: list[tuple[float, float, float]]) -> None:
    table = np.array(values, dtype=np.float64)
    rows = prediction_rows(table, COLUMNS)
    for row, expected in zip(rows, values, strict=True):
        as_dict = dict(zip(COLUMNS.keys, expected, strict=True))
        assert row == as_dict and as_dict == row
        assert list(row) == list(COLUMNS.keys) and len(row) == 3
        assert all(type(row[k]) is float for k in row)
        assert row.get("missing") is None and row.get("reply") == expected[1]
        assert json.loads(json.dumps(as_plain(row))) == as_dict


def test_rows_of_one_table_reads_columns_in_the_asked_order() -> None:
    table = np.arange(12, dtype=np.float64).reshape(4, 3)
    rows = prediction_rows(table, COLUMNS)
    picked = [rows[2], rows[0], rows[2]]
    got = rows_of_one_table(picked, ("dwell_time", "favorite"))
    assert got is not None
    assert got.tolist() == [[8.0, 6.0], [2.0, 0.0], [8.0, 6.0]]


def test_anything_else_is_left_to_the_caller() -> None:
    rows = prediction_rows(np.zeros((2, 3)), COLUMNS)
    other = prediction_rows(np.zeros((2, 3)), COLUMNS)
    assert rows_of_one_table([], ("favorite",)) is None
    assert rows_of_one_table([rows[0], other[1]], ("favorite",)) is None  # two tables
    assert rows_of_one_table([rows[0], None], ("favorite",)) is None  # an unscored candidate
    assert rows_of_one_table([{"favorite": 1.0}], ("favorite",)) is None  # a plain dict (from the wire)
    assert rows_of_one_table([rows[0]], ("favorite", "quote")) is None  # a key the rows lack


def test_bad_tables_are_refused() -> None:
    with pytest.raises(ValueError):
        prediction_rows(np.zeros((2, 4)), COLUMNS)
    with pytest.raises(ValueError):
        PredictionColumns(("a", "a"))
