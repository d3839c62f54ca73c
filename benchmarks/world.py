"""Benchmark: generate the 100 000-user synthetic world; prints one JSON object.

Same as `foryou bench world --json`: {"users", "posts", "engagements", "seconds", "peak_rss_mb", ...}.
Usage: python benchmarks/world.py [--users N] [--days D] [--seed S]
"""

from __future__ import annotations

import argparse
import json

from foryou.world import BENCH_DAYS, BENCH_USERS, run_world_benchmark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=BENCH_USERS)
    parser.add_argument("--days", type=int, default=BENCH_DAYS)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(run_world_benchmark(users=args.users, days=args.days, seed=args.seed, progress=False)))


if __name__ == "__main__":
    main()
