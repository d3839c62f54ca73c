"""How many intra-op threads each thread of a process runs torch with (decision 87).

torch keeps the count per thread: a thread takes a process-wide default the first time it runs an op,
and `torch.set_num_threads` sets both the calling thread's count and that default. libgomp gives every
thread that starts a parallel region a team of its own, keeps the team's workers until that thread
exits, and nearly stops spinning between regions once a process holds more OpenMP threads than cores
(decision 83). So a serving process gives one thread, the ranker's, a team as wide as the machine, and
runs torch on one thread everywhere else from start-up on.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import torch


def cores() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def resolve(threads: int) -> int:
    """A thread count as configured (0: one per core) as a number."""
    if threads < 0:
        raise ValueError(f"threads must be ≥ 0, got {threads}")
    return threads or cores()


def pin_torch_threads(threads: int) -> int:
    """Fix the calling thread's intra-op count (0: one per core); returns it.

    Also makes it the default of threads that have not run torch yet (torch has no separate call).
    """
    count = resolve(threads)
    torch.get_num_threads()  # a thread takes the process default at its first use: let that happen first
    torch.set_num_threads(count)
    return count


def pinned_executor(name: str, threads: int | None) -> ThreadPoolExecutor:
    """A one-thread executor whose torch ops run on `threads` intra-op threads (0: one per core).

    The thread starts now. The caller's count and the process default stay as they were. With None the
    thread takes whatever the default is when it first runs torch, like any other thread.
    """
    pool = ThreadPoolExecutor(1, name)
    if threads is not None:
        caller = torch.get_num_threads()
        try:
            pool.submit(pin_torch_threads, threads).result()
        except BaseException:
            pool.shutdown(wait=False)
            raise
        finally:
            torch.set_num_threads(caller)  # pinning set the process default too: give it back
    return pool


def executor_threads(pool: ThreadPoolExecutor) -> int:
    """The intra-op count of an executor's thread (of the one that runs the next job)."""
    return pool.submit(torch.get_num_threads).result()
