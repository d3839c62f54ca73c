import resource
import sys

import numpy as np
import pytest

from foryou.core.allocator import keep_freed_memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc mallopt is Linux-only")
def test_freed_large_buffers_are_reused_without_page_faults() -> None:
    assert keep_freed_memory() is True
    size = 2_000_000  # 16 MB of float64: mmap'ed (and faulted in on every use) under glibc's defaults
    np.ones(size).sum()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(10):
        np.ones(size).sum()
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    # 16 MB is ~3 900 pages; faulting it in ten times would be ~39 000.
    assert faults < 2_000
