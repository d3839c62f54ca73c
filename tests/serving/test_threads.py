import torch

from foryou.serving.threads import set_serving_threads


def test_a_positive_count_is_applied_and_zero_keeps_the_default() -> None:
    before = torch.get_num_threads()
    try:
        set_serving_threads(1)
        assert torch.get_num_threads() == 1
        set_serving_threads(0)
        assert torch.get_num_threads() == 1  # 0 changes nothing
    finally:
        torch.set_num_threads(before)
