"""The serving thread layout (decision 87): the ranker's thread wide, every other torch thread narrow."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import torch

from foryou.core.torch_threads import cores
from foryou.params import Params
from foryou.serving.threads import ServingThreads


@pytest.fixture(autouse=True)
def _restore_default() -> Iterator[None]:
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def test_defaults_give_the_ranker_every_core_and_the_rest_one_thread() -> None:
    threads = ServingThreads.from_params(Params({}))
    assert threads == ServingThreads(ranker=0, other=1)
    assert threads.summary() == {"ranker": cores(), "other": 1}


def test_parameters_override_and_zero_resolves_to_the_cores() -> None:
    threads = ServingThreads.from_params(Params({"phoenix.rank_threads": 1, "mixer.torch_threads": 0}))
    assert threads.summary() == {"ranker": 1, "other": cores()}


def test_enter_pins_the_caller_and_the_threads_it_starts_later() -> None:
    assert ServingThreads(ranker=0, other=1).enter() == 1
    assert torch.get_num_threads() == 1
    seen: list[int] = []
    thread = threading.Thread(target=lambda: seen.append(torch.get_num_threads()))
    thread.start()
    thread.join()
    assert seen == [1]
