"""torch's intra-op threads in a process that serves the For You mixer with Phoenix in it (decision 86).

Such a process runs torch from several threads (the ranker's, the retriever's, the loader's), each with
an OpenMP team of its own, and libgomp then all but stops spinning between parallel regions (decision
83): a ranker forward at two threads took longer than at one. One thread also leaves the other core to
the event loop. Loading runs before this, with every core.
"""

from __future__ import annotations

import torch


def set_serving_threads(threads: int) -> None:
    """`threads` > 0: that many from now on; 0 keeps torch's default (one per core)."""
    if threads > 0:
        torch.set_num_threads(threads)
