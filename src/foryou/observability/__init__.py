"""Observability: JSON-line logging and Prometheus metric definitions."""

from foryou.observability.logging import JsonFormatter, configure_json_logging, elapsed_ms, log_event
from foryou.observability.metrics import PipelineMetrics

__all__ = ["JsonFormatter", "PipelineMetrics", "configure_json_logging", "elapsed_ms", "log_event"]
