"""Prometheus metrics of the candidate pipeline (SPEC §2.4), registered on a registry passed in.

No module-level metric objects: each pipeline owns a `PipelineMetrics` bound to the registry its
process exposes, so tests and several pipelines in one process never collide.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
_SIZE_BUCKETS = (0, 1, 5, 10, 35, 50, 100, 250, 500, 1000, 2000, 5000)


class PipelineMetrics:
    """Latency, outcome and candidate-count series labelled by pipeline, stage and component."""

    def __init__(self, registry: CollectorRegistry) -> None:
        labels = ("pipeline", "stage", "component")
        self.component_latency = Histogram(
            "foryou_component_latency_seconds",
            "Component latency",
            labels,
            registry=registry,
            buckets=_LATENCY_BUCKETS,
        )
        self.component_outcomes = Counter(
            "foryou_component_outcomes", "Component outcomes", (*labels, "outcome"), registry=registry
        )
        self.stage_candidates = Histogram(
            "foryou_stage_candidates",
            "Candidates entering / leaving a component",
            (*labels, "point"),
            registry=registry,
            buckets=_SIZE_BUCKETS,
        )
        self.filter_removed = Counter(
            "foryou_filter_removed", "Candidates removed by filters", labels, registry=registry
        )
        self.request_latency = Histogram(
            "foryou_request_latency_seconds",
            "Whole-request latency",
            ("pipeline",),
            registry=registry,
            buckets=_LATENCY_BUCKETS,
        )
        self.requests = Counter("foryou_requests", "Requests by status", ("pipeline", "status"), registry=registry)
        self.result_size = Histogram(
            "foryou_result_size", "Candidates returned", ("pipeline",), registry=registry, buckets=_SIZE_BUCKETS
        )
        self.degraded = Counter("foryou_degraded", "Degraded responses", ("pipeline", "reason"), registry=registry)
