"""Per-request trace: the basis of the explain API (SPEC §2.4).

Records every component run and, per candidate (keyed by id, first-seen order), the sources that
returned it, the filter that removed it, each scorer's owned fields, and its fate in selection.
Deterministic for identical inputs apart from latencies, timestamps and generated ids.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ComponentRun:
    stage: str
    name: str
    enabled: bool
    outcome: str  # ok | error | timeout | length_mismatch | disabled | invalid
    latency_ms: float = 0.0
    error: str | None = None


@dataclass
class Removal:
    stage: str
    filter: str
    reason: str


@dataclass
class Selection:
    sorted_rank: int | None = None
    in_top_k: bool = False
    final_position: int | None = None
    truncated_by_result_size: bool = False


@dataclass
class CandidateTrace:
    sources: list[tuple[str, int]] = field(default_factory=list)
    removed_by: Removal | None = None
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)
    selection: Selection = field(default_factory=Selection)
    fields: dict[str, Any] = field(default_factory=dict)  # hydrated fields the pipeline chose to trace


@dataclass
class RequestTrace:
    """Recorded cheaply during the request (per-stage key lists); per-candidate view built on read."""

    request_id: str
    pipeline: str
    query_summary: dict[str, Any] = field(default_factory=dict)
    components: list[ComponentRun] = field(default_factory=list)
    stage_ms: dict[str, float] = field(default_factory=dict)  # wall time per stage, bookkeeping included
    degraded_reasons: list[str] = field(default_factory=list)
    created_at_ms: int = field(default_factory=lambda: time.time_ns() // 1_000_000)
    _sources: list[tuple[str, list[Any]]] = field(default_factory=list)
    _removals: list[tuple[Any, Removal]] = field(default_factory=list)
    _scores: list[tuple[str, tuple[str, ...], list[Any], list[Any]]] = field(default_factory=list)
    _fields: tuple[tuple[str, ...], list[Any], list[Any]] | None = None
    _sorted: tuple[list[Any], int | None] | None = None
    _final: tuple[list[Any], int] | None = None
    _view: dict[Any, CandidateTrace] | None = None

    def record_source(self, name: str, keys: list[Any]) -> None:
        self._sources.append((name, keys))
        self._view = None

    def record_removal(self, key: Any, removal: Removal) -> None:
        self._removals.append((key, removal))
        self._view = None

    def record_scores(self, scorer: str, fields: tuple[str, ...], keys: list[Any], values: list[Any]) -> None:
        """`values[i]` is the owned field (one field) or the tuple of owned fields (several) of `keys[i]`."""
        self._scores.append((scorer, fields, keys, values))
        self._view = None

    def record_fields(self, fields: tuple[str, ...], keys: list[Any], values: list[Any]) -> None:
        """Hydrated fields of every retrieved candidate (one value per key, a tuple if several fields)."""
        self._fields = (fields, keys, values)
        self._view = None

    def record_selection(self, sorted_keys: list[Any], limit: int | None) -> None:
        self._sorted = (sorted_keys, limit)
        self._view = None

    def record_final(self, keys: list[Any], cut: int) -> None:
        self._final = (keys, cut)
        self._view = None

    def source_counts(self) -> dict[str, int]:
        """Candidates each source returned, without building the per-candidate view."""
        counts: dict[str, int] = {}
        for name, keys in self._sources:
            counts[name] = counts.get(name, 0) + len(keys)
        return counts

    @property
    def candidates(self) -> dict[Any, CandidateTrace]:
        """Per candidate, keyed by id in first-seen order."""
        if self._view is None:
            self._view = self._build_view()
        return self._view

    def _build_view(self) -> dict[Any, CandidateTrace]:
        view: dict[Any, CandidateTrace] = {}

        def entry(key: Any) -> CandidateTrace:
            found = view.get(key)
            if found is None:
                found = view[key] = CandidateTrace()
            return found

        for name, keys in self._sources:
            for rank, key in enumerate(keys):
                entry(key).sources.append((name, rank))
        if self._fields is not None:
            names, keys, values = self._fields
            for key, value in zip(keys, values, strict=True):
                entry(key).fields = dict(zip(names, value, strict=True)) if len(names) > 1 else {names[0]: value}
        for key, removal in self._removals:
            if entry(key).removed_by is None:
                entry(key).removed_by = removal
        for scorer, fields, keys, values in self._scores:
            for key, value in zip(keys, values, strict=True):
                entry(key).scores[scorer] = (
                    dict(zip(fields, value, strict=True)) if len(fields) > 1 else {fields[0]: value}
                )
        if self._sorted is not None:
            sorted_keys, limit = self._sorted
            for rank, key in enumerate(sorted_keys):
                selection = entry(key).selection
                selection.sorted_rank = rank
                selection.in_top_k = limit is None or rank < limit
        if self._final is not None:
            final_keys, cut = self._final
            for pos, key in enumerate(final_keys):
                if pos < cut:
                    entry(key).selection.final_position = pos
                else:
                    entry(key).selection.truncated_by_result_size = True
        return view

    def to_dict(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "pipeline": self.pipeline,
            "created_at_ms": self.created_at_ms,
            "query": self.query_summary,
            "degraded_reasons": list(self.degraded_reasons),
            "stage_ms": dict(self.stage_ms),
            "components": [asdict(c) for c in self.components],
            "candidates": [{"id": str(key), **_candidate_dict(entry)} for key, entry in self.candidates.items()],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), default=_json_default, sort_keys=False)


def _candidate_dict(entry: CandidateTrace) -> dict[str, Any]:
    return {
        "sources": [{"source": s, "rank": r} for s, r in entry.sources],
        "removed_by": asdict(entry.removed_by) if entry.removed_by else None,
        "scores": {scorer: _plain_values(fields) for scorer, fields in entry.scores.items()},
        "selection": asdict(entry.selection),
        "fields": _plain_values(entry.fields),
    }


def _plain_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Mapping values that are views (e.g. prediction rows) as plain dicts, so any JSON encoder takes them."""
    return {k: dict(v) if isinstance(v, Mapping) and not isinstance(v, dict) else v for k, v in fields.items()}


def _json_default(value: Any) -> Any:
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    if hasattr(value, "__dict__"):
        return vars(value)
    return str(value)


class TraceBuffer:
    """Bounded (size, TTL) store of recent traces keyed by request_id; thread-safe."""

    def __init__(self, *, capacity: int, ttl_s: int) -> None:
        self._capacity = capacity
        self._ttl_ms = ttl_s * 1000
        self._items: OrderedDict[str, RequestTrace] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, trace: RequestTrace) -> None:
        if self._capacity == 0:
            return
        with self._lock:
            self._items[trace.request_id] = trace
            self._items.move_to_end(trace.request_id)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

    def get(self, request_id: str, *, now_ms: int | None = None) -> RequestTrace | None:
        now = now_ms if now_ms is not None else time.time_ns() // 1_000_000
        with self._lock:
            trace = self._items.get(request_id)
            if trace is None:
                return None
            if now - trace.created_at_ms > self._ttl_ms:
                del self._items[request_id]
                return None
            return trace

    def __len__(self) -> int:
        return len(self._items)
