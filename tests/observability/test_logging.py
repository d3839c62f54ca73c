"""Structured logs: one JSON object per line carrying request_id, stage and component."""

from __future__ import annotations

import asyncio
import io
import json
import logging

from pipeline.fixtures import KeepIf, ListSource, Q, Raises, pipeline

from foryou.observability import configure_json_logging


def test_component_failures_are_json_lines_with_request_stage_and_component() -> None:
    stream = io.StringIO()
    configure_json_logging("INFO", stream)
    try:
        p = pipeline(sources=[Raises(), ListSource([1])], filters=[KeepIf(lambda c: True, "All")])
        asyncio.run(p.run(Q(), request_id="req-7"))
    finally:
        logging.getLogger("foryou").handlers.clear()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    failed = [line for line in lines if line["event"] == "failed"]
    assert failed and failed[0]["request_id"] == "req-7"
    assert failed[0]["stage"] == "source" and failed[0]["component"] == "Raises"
    assert "boom" in failed[0]["error"]
    events = {line["event"] for line in lines}
    assert {"start", "fetched", "filtered", "done"} <= events
    done = next(line for line in lines if line["event"] == "done")
    assert done["count"] == 1 and done["elapsed_ms"] >= 0
