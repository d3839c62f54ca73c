"""The world-generation benchmark behind `foryou bench world`: size, wall time and peak memory."""

from __future__ import annotations

import resource
import sys
import tempfile
from pathlib import Path
from typing import Any

from foryou.world.config import WorldConfig
from foryou.world.generate import generate_world

BENCH_USERS = 100_000
BENCH_DAYS = 7


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1 << 20) if sys.platform == "darwin" else peak / 1024, 1)


def run_world_benchmark(
    *, users: int = BENCH_USERS, days: int = BENCH_DAYS, seed: int = 0, out: Path | None = None, progress: bool = True
) -> dict[str, Any]:
    """Generate a world and report its size and cost; the output goes to a temporary directory unless
    `out` is given."""
    cfg = WorldConfig(users=users, days=days, seed=seed)
    if out is not None:
        result = generate_world(cfg, out, progress=progress)
    else:
        with tempfile.TemporaryDirectory(prefix="foryou-bench-world-") as tmp:
            result = generate_world(cfg, tmp, progress=progress)
    return {
        "users": result.users,
        "days": days,
        "posts": result.posts,
        "engagements": result.engagements,
        "impressions": result.impressions,
        "actions": result.actions,
        "events": result.events,
        "seconds": round(result.seconds, 1),
        "peak_rss_mb": peak_rss_mb(),
    }
