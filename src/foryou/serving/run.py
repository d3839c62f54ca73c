"""Start the single-process deployment, wait until it has caught up, serve until told to stop."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from foryou.core.clock import Clock, SystemClock
from foryou.params import Params
from foryou.serving.clock import ShiftedClock
from foryou.serving.gc_policy import settle_for_serving
from foryou.serving.single_process import ServeOptions, SingleProcess


@dataclass(frozen=True)
class Started:
    app: SingleProcess
    grpc_port: int
    http_port: int
    imported: int


def world_clock(world: Path | None) -> Clock:
    """A replayed world's posts are only as fresh as its end: time continues from there."""
    if world is not None and (world / "world.json").exists():
        return ShiftedClock(int(json.loads((world / "world.json").read_text())["end_ms"]))
    return SystemClock()


async def start(
    params: Params, options: ServeOptions, *, events: list[Path], clock: Clock, ready_timeout_s: float = 600.0
) -> Started:
    app = SingleProcess(params, options, clock)
    imported = sum(app.import_events(path) for path in events)
    await app.start_consumers()
    if not await app.wait_ready(ready_timeout_s):
        await app.stop()
        raise TimeoutError(f"event consumers did not catch up within {ready_timeout_s:.0f}s")
    # What the replay loaded lives as long as the process: freeze it out of the cyclic GC, whose full
    # passes over millions of store objects would otherwise stall requests for seconds.
    settle_for_serving()
    grpc_port, http_port = await app.start_servers()
    return Started(app, grpc_port, http_port, imported)


async def serve_until_stopped(
    started: Started, then: Callable[[Started], Awaitable[None]] | None = None, *, wait: bool = True
) -> None:
    """Run `then`, then serve until SIGINT / SIGTERM (or stop right away without `wait`)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        if then is not None:
            await then(started)
        if wait:
            await stop.wait()
    finally:
        await started.app.stop()
