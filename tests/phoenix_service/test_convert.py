"""The block forms of candidates and predictions round-trip exactly what the message forms carry."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from foryou._proto.foryou.phoenix.v1 import phoenix_pb2 as pb
from foryou.core.errors import InvalidInputError
from foryou.core.predictions import prediction_rows
from foryou.phoenix_service.convert import (
    _COLUMNS,
    TABLE_KEYS,
    candidates_of,
    candidates_to_table,
    predictions_from_table,
    predictions_from_wire,
    predictions_to_table,
    predictions_to_wire,
    retrieved_from_tables,
    retrieved_to_tables,
)

U64 = st.integers(min_value=0, max_value=2**64 - 1)


@given(st.lists(st.tuples(U64, U64), max_size=50))
def test_candidate_table_round_trips_any_uint64_pairs(pairs: list[tuple[int, int]]) -> None:
    table = pb.PredictRequest(candidate_table=candidates_to_table(pairs))
    messages = pb.PredictRequest(candidates=[pb.PredictCandidate(post_id=p, author_id=a) for p, a in pairs])
    assert candidates_of(table) == candidates_of(messages) == pairs


def test_bad_candidates_are_invalid_input() -> None:
    with pytest.raises(InvalidInputError, match="uint64"):
        candidates_to_table([(-1, 3)])
    with pytest.raises(InvalidInputError, match="multiple of 16"):
        candidates_of(pb.PredictRequest(candidate_table=b"\0" * 17))
    both = pb.PredictRequest(candidate_table=b"\0" * 16, candidates=[pb.PredictCandidate(post_id=1, author_id=2)])
    with pytest.raises(InvalidInputError, match="not both"):
        candidates_of(both)


def test_prediction_table_equals_the_message_form_in_float32() -> None:
    values = np.random.default_rng(0).random((5, len(TABLE_KEYS)))
    rows = prediction_rows(values, _COLUMNS)
    from_table = predictions_from_table(predictions_to_table(rows), 5)
    from_messages = predictions_from_wire(predictions_to_wire(rows))
    assert from_table == from_messages  # both carry float32
    assert all(r is not None and r == pytest.approx(dict(w), rel=1e-6) for r, w in zip(from_table, rows, strict=True))


def test_a_missing_answer_survives_as_none_and_mappings_work_too() -> None:
    answer = {k: 0.25 for k in TABLE_KEYS}
    got = predictions_from_table(predictions_to_table([answer, None, answer]), 3)
    assert got[1] is None and got[0] == got[2] == answer


def test_a_table_of_the_wrong_size_is_invalid() -> None:
    with pytest.raises(InvalidInputError, match="prediction_table"):
        predictions_from_table(b"\0" * 4 * len(TABLE_KEYS), 2)


@given(st.lists(st.tuples(U64, U64, U64, st.floats(width=32, allow_nan=False)), max_size=50))
def test_retrieved_posts_round_trip_through_their_tables(rows: list[tuple[int, int, int, float]]) -> None:
    assert retrieved_from_tables(*retrieved_to_tables(rows)) == rows


def test_retrieved_tables_that_disagree_are_invalid() -> None:
    posts, scores = retrieved_to_tables([(1, 2, 3, 0.5), (4, 5, 6, 0.25)])
    with pytest.raises(InvalidInputError, match="disagree"):
        retrieved_from_tables(posts, scores[:4])
    with pytest.raises(InvalidInputError, match="disagree"):
        retrieved_from_tables(posts[:-1], scores)
