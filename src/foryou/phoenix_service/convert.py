"""Phoenix wire ↔ domain: history actions and predictions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from foryou._proto.foryou.phoenix.v1 import phoenix_pb2 as pb
from foryou.core.actions import ACTION_NAMES, NUM_DISCRETE_ACTIONS
from foryou.core.predictions import rows_of_one_table
from foryou.events.uas import AggregatedAction

HEADS = ACTION_NAMES[:NUM_DISCRETE_ACTIONS]


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
    table = rows_of_one_table(predictions, (*HEADS, "dwell_time"))
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
