"""The synthetic social world: a seeded generator with a known ground truth, and its oracle.

The world talks to the rest of foryou only through events (`foryou.events`) and Parquet snapshots;
see docs/world.md for the generative model.
"""

from foryou.world.benchmark import BENCH_DAYS, BENCH_USERS, run_world_benchmark
from foryou.world.config import DEFAULT_START_MS, TruthConfig, WorldConfig
from foryou.world.generate import EVENTS_DIR, GenerationResult, generate_world
from foryou.world.oracle import Oracle, head_weights
from foryou.world.stats import world_stats
from foryou.world.truth import expected_actions, weighted_value

__all__ = [
    "BENCH_DAYS",
    "BENCH_USERS",
    "DEFAULT_START_MS",
    "EVENTS_DIR",
    "GenerationResult",
    "Oracle",
    "TruthConfig",
    "WorldConfig",
    "expected_actions",
    "generate_world",
    "head_weights",
    "run_world_benchmark",
    "weighted_value",
    "world_stats",
]
