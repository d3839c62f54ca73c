"""Benchmark: Thunder's 10 M-post store and ingestion from a tansu broker; prints one JSON object.

Same as `foryou bench thunder --json`: {"posts", "followees", "query_p50_ms", "query_p99_ms",
"ingest_events_per_s", "bytes_per_post", ...}. Goals: p50 ≤ 1 ms, p99 ≤ 3 ms, ≥ 100 000 events/s,
≤ 200 bytes per post.
Usage: python benchmarks/thunder.py [--posts N] [--authors A] [--queries Q] [--ingest-events E]
"""

from __future__ import annotations

import argparse
import json

from foryou.thunder.bench import run_bench


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=10_000_000)
    parser.add_argument("--authors", type=int, default=1_000_000)
    parser.add_argument("--followees", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--ingest-events", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    result = run_bench(
        posts=args.posts,
        authors=args.authors,
        n_followees=args.followees,
        queries=args.queries,
        ingest_events=args.ingest_events,
        seed=args.seed,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
