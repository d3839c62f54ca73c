"""Per-thread torch intra-op counts: pinning a thread, and executors whose one thread is pinned."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
import torch

from foryou.core.torch_threads import cores, executor_threads, pin_torch_threads, pinned_executor

T = TypeVar("T")


@pytest.fixture(autouse=True)
def _restore_default() -> Iterator[None]:
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def _in_new_thread(fn: Callable[[], T]) -> T:
    """Run `fn` in a thread that has not run torch before, as a serving thread starts."""
    out: list[T] = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join()
    return out[0]


def test_pinning_sets_the_calling_thread_and_zero_means_one_per_core() -> None:
    assert _in_new_thread(lambda: (pin_torch_threads(1), torch.get_num_threads())) == (1, 1)
    assert _in_new_thread(lambda: (pin_torch_threads(0), torch.get_num_threads())) == (cores(), cores())
    with pytest.raises(ValueError, match="≥ 0"):
        pin_torch_threads(-1)


def test_a_pinned_executor_keeps_its_count_and_leaves_the_caller_and_the_default_alone() -> None:
    torch.set_num_threads(1)
    pool = pinned_executor("test-pinned", 2)
    try:
        assert executor_threads(pool) == 2
        assert torch.get_num_threads() == 1  # the caller
        assert _in_new_thread(torch.get_num_threads) == 1  # a thread that starts later: the default
        torch.set_num_threads(1)  # the caller changing its own count later does not reach the pinned thread
        assert executor_threads(pool) == 2
    finally:
        pool.shutdown()


def test_an_unpinned_executor_takes_the_default_when_it_first_runs_torch() -> None:
    torch.set_num_threads(1)
    pool = pinned_executor("test-unpinned", None)
    try:
        assert executor_threads(pool) == 1
    finally:
        pool.shutdown()


def test_a_bad_count_fails_at_construction_and_changes_nothing() -> None:
    torch.set_num_threads(1)
    with pytest.raises(ValueError):
        pinned_executor("test-bad", -2)
    assert torch.get_num_threads() == 1
    assert _in_new_thread(torch.get_num_threads) == 1
