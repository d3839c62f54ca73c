"""Cyclic-GC settings of a serving process (docs/decisions.md 68).

What the process loaded before serving (stores, indexes, models) lives as long as the process, so it
is frozen out of the collector. A feed request then allocates tens of thousands of short-lived
containers (candidates, score dicts, lookups); with the default young threshold (700) that is dozens
of young collections per request, and every few requests a full one that walks all long-lived
objects made since the freeze. A young threshold of 500 000 makes a young collection rare (one every
several requests) and a full one rarer still; garbage cycles wait longer, which costs some MB. 50 000
(one young collection about every request) measured the same p50 and a worse p99 (decision 68).
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 500_000


def settle_for_serving() -> None:
    """Call once, after loading and before serving requests."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
