"""Phoenix wire ↔ domain: history actions, candidates, predictions and retrieved posts.

Candidates, predictions and retrieved posts have two forms: a message per item, and blocks of
little-endian numbers (`candidate_table`, `prediction_table`, `post_table` + `score_table`), which for
thousands of items cost microseconds instead of milliseconds on each side (decision 84).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from foryou._proto.foryou.phoenix.v1 import phoenix_pb2 as pb
from foryou.core.actions import ACTION_NAMES, NUM_DISCRETE_ACTIONS
from foryou.core.errors import InvalidInputError
from foryou.core.predictions import PredictionColumns, PredictionRow, prediction_rows, rows_of_one_table
from foryou.events.uas import AggregatedAction

HEADS = ACTION_NAMES[:NUM_DISCRETE_ACTIONS]
TABLE_KEYS = (*HEADS, "dwell_time")  # the columns of a prediction table
_COLUMNS = PredictionColumns(TABLE_KEYS)
_U64 = np.dtype("<u8")
_VALUE = np.dtype("<f4")


def history_to_wire(actions: Sequence[AggregatedAction]) -> list[pb.HistoryAction]:
    return [
        pb.HistoryAction(
            post_id=a.post_id,
            author_id=a.author_id,
            action_bits=a.bits,
            product_surface=a.product_surface,
            start_ms=a.start_ms,
            end_ms=a.end_ms,
            dwell_ms=a.dwell_ms,
        )
        for a in actions
    ]


def history_from_wire(actions: Sequence[pb.HistoryAction]) -> list[AggregatedAction]:
    return [
        AggregatedAction(a.post_id, a.author_id, a.action_bits, a.product_surface, a.start_ms, a.end_ms, a.dwell_ms)
        for a in actions
    ]


def predictions_to_wire(predictions: Sequence[Mapping[str, float] | None]) -> list[pb.ActionPredictions]:
    table = rows_of_one_table(predictions, TABLE_KEYS)
    if table is not None:  # the service's own answer: read its table row by row
        return [pb.ActionPredictions(probabilities=row[:-1], dwell_time_s=row[-1]) for row in table.tolist()]
    out = []
    for p in predictions:
        if p is None:
            out.append(pb.ActionPredictions())
        else:
            out.append(pb.ActionPredictions(probabilities=[p[h] for h in HEADS], dwell_time_s=p["dwell_time"]))
    return out


def predictions_from_wire(predictions: Sequence[pb.ActionPredictions]) -> list[dict[str, float] | None]:
    out: list[dict[str, float] | None] = []
    for p in predictions:
        if len(p.probabilities) != len(HEADS):
            out.append(None)
            continue
        values = dict(zip(HEADS, p.probabilities, strict=True))
        values["dwell_time"] = p.dwell_time_s
        out.append(values)
    return out


def candidates_to_table(candidates: Sequence[tuple[int, int]]) -> bytes:
    try:
        return np.asarray(candidates, dtype=_U64).reshape(-1, 2).tobytes()
    except (OverflowError, ValueError) as exc:
        raise InvalidInputError(f"candidate ids must be (post_id, author_id) pairs of uint64: {exc}") from exc


def candidates_of(request: pb.PredictRequest) -> list[tuple[int, int]]:
    """The request's candidates, from whichever form it used."""
    if not request.candidate_table:
        return [(c.post_id, c.author_id) for c in request.candidates]
    if request.candidates:
        raise InvalidInputError("set candidates or candidate_table, not both")
    data = request.candidate_table
    if len(data) % (2 * _U64.itemsize):
        raise InvalidInputError(f"candidate_table holds {len(data)} bytes, not a multiple of 16")
    return [(post, author) for post, author in np.frombuffer(data, dtype=_U64).reshape(-1, 2).tolist()]


def predictions_to_table(predictions: Sequence[Mapping[str, float] | None]) -> bytes:
    table = rows_of_one_table(predictions, TABLE_KEYS)
    if table is None:
        table = np.full((len(predictions), len(TABLE_KEYS)), np.nan)
        for i, p in enumerate(predictions):
            if p is not None:
                table[i] = [p[k] for k in TABLE_KEYS]
    return np.ascontiguousarray(table, dtype=_VALUE).tobytes()


def predictions_from_table(data: bytes, count: int) -> list[PredictionRow | None]:
    """`count` rows; a row of NaN (no answer) becomes None."""
    width = len(TABLE_KEYS) * _VALUE.itemsize
    if len(data) != count * width:
        raise InvalidInputError(f"prediction_table holds {len(data)} bytes for {count} candidates of {width}")
    table = np.frombuffer(data, dtype=_VALUE).reshape(count, len(TABLE_KEYS)).astype(np.float64)
    rows: list[PredictionRow | None] = list(prediction_rows(table, _COLUMNS))
    for i in np.flatnonzero(np.isnan(table).any(axis=1)).tolist():
        rows[i] = None
    return rows


def retrieved_to_tables(found: Sequence[tuple[int, int, int, float]]) -> tuple[bytes, bytes]:
    """(post_id, author_id, in_reply_to_post_id, score) rows → uint64 [N, 3] and float32 [N] blocks."""
    ids = np.array([row[:3] for row in found], dtype=_U64).reshape(-1, 3)
    scores = np.array([row[3] for row in found], dtype=_VALUE)
    return ids.tobytes(), scores.tobytes()


def retrieved_from_tables(post_table: bytes, score_table: bytes) -> list[tuple[int, int, int, float]]:
    count = len(score_table) // _VALUE.itemsize
    if len(score_table) % _VALUE.itemsize or len(post_table) != count * 3 * _U64.itemsize:
        raise InvalidInputError(f"post_table of {len(post_table)} bytes and score_table of {len(score_table)} disagree")
    ids = np.frombuffer(post_table, dtype=_U64).reshape(count, 3).tolist()
    scores = np.frombuffer(score_table, dtype=_VALUE).tolist()
    return [(post, author, reply, score) for (post, author, reply), score in zip(ids, scores, strict=True)]
