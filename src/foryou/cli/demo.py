"""`foryou demo`: the main job on the embedded default.

Until the Home Mixer is assembled this runs the candidate-pipeline framework on a small in-memory
pipeline and prints the selected candidates with the trace that explains them.
"""

from __future__ import annotations

import asyncio

import typer


def demo() -> None:
    """Run the end-to-end demo on the embedded default."""
    from foryou.pipeline.bench import _Query, build

    pipe = build(200)
    try:
        result = asyncio.run(pipe.run(_Query(user_id=7), request_id="demo-7"))
    finally:
        pipe.close()
    typer.echo(f"request {result.trace.request_id}: {len(result.retrieved)} retrieved, {len(result.selected)} served")
    for run in result.trace.components:
        typer.echo(f"  {run.stage:<16} {run.name:<8} {run.outcome:<8} {run.latency_ms:7.3f} ms")
    trace = result.trace.candidates
    for position, cand in enumerate(result.selected[:5]):
        entry = trace[cand.id]
        typer.echo(f"  #{position} candidate {cand.id} score={cand.score} from {entry.sources[0][0]}")
