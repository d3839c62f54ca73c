"""The request entry point (SPEC §4.6): permits, validation, list caps, defaults, recency order."""

from __future__ import annotations

import threading

import pytest

from foryou.core.clock import FixedClock
from foryou.core.errors import InvalidInputError, ResourceExhaustedError
from foryou.thunder.in_network import FollowingLoadError, InNetworkPosts, InNetworkRequest, ServiceLimits
from foryou.thunder.metrics import ThunderMetrics
from thunder.helpers import NOW, Harness, post


def _service(h: Harness, limits: ServiceLimits, loader: object = None) -> InNetworkPosts:
    return InNetworkPosts(
        h.store,
        limits=limits,
        clock=FixedClock(NOW * 1000),
        metrics=ThunderMetrics(),
        following_loader=loader,  # type: ignore[arg-type]
    )


def _filled() -> Harness:
    h = Harness()
    h.insert(
        post(1, 2, created=NOW - 50),
        post(2, 3, created=NOW - 40, has_video=True),
        post(3, 4, created=NOW - 40),
        post(4, 2, created=NOW - 10, has_video=True),
    )
    return h


def test_recency_order_max_results_and_video_requests() -> None:
    svc = _service(_filled(), ServiceLimits(max_videos_to_return=1))
    got = svc.get_in_network_posts(InNetworkRequest(user_id=1, following_user_ids=[2, 3, 4]))
    assert [p.post_id for p in got] == [4, 3, 2, 1]
    got = svc.get_in_network_posts(InNetworkRequest(user_id=1, following_user_ids=[2, 3, 4], max_results=2))
    assert [p.post_id for p in got] == [4, 3]
    video = svc.get_in_network_posts(InNetworkRequest(user_id=1, following_user_ids=[2, 3], is_video_request=True))
    assert [p.post_id for p in video] == [4]  # max_videos_to_return = 1 is the default for videos


def test_input_lists_are_truncated() -> None:
    svc = _service(_filled(), ServiceLimits(max_input_list_size=2))
    request = InNetworkRequest(user_id=1, following_user_ids=[3, 2, 4], exclude_tweet_ids=[7, 8, 4])
    assert [p.post_id for p in svc.get_in_network_posts(request)] == [4, 2, 1]


def test_unknown_algorithm_is_invalid() -> None:
    svc = _service(_filled(), ServiceLimits())
    assert svc.get_in_network_posts(InNetworkRequest(user_id=1, following_user_ids=[2], algorithm="default"))
    with pytest.raises(InvalidInputError):
        svc.get_in_network_posts(InNetworkRequest(user_id=1, following_user_ids=[2], algorithm="ranked"))


def test_debug_request_loads_followees_and_failure_is_reported() -> None:
    svc = _service(_filled(), ServiceLimits(), loader=lambda user: [3])
    got = svc.get_in_network_posts(InNetworkRequest(user_id=1, following_user_ids=[], debug=True))
    assert [p.post_id for p in got] == [2]
    with pytest.raises(FollowingLoadError):
        _service(_filled(), ServiceLimits()).get_in_network_posts(
            InNetworkRequest(user_id=1, following_user_ids=[], debug=True)
        )


def test_no_permit_means_resource_exhausted_without_waiting() -> None:
    entered, release = threading.Event(), threading.Event()

    def slow_graph(user: int) -> list[int]:
        entered.set()
        release.wait(10)
        return [2]

    svc = _service(_filled(), ServiceLimits(max_concurrent_requests=1), loader=slow_graph)
    holder = threading.Thread(
        target=svc.get_in_network_posts, args=(InNetworkRequest(user_id=1, following_user_ids=[], debug=True),)
    )
    holder.start()
    assert entered.wait(10)
    with pytest.raises(ResourceExhaustedError, match="Server at capacity, please retry"):
        svc.get_in_network_posts(InNetworkRequest(user_id=1, following_user_ids=[2]))
    release.set()
    holder.join(10)
    assert svc.get_in_network_posts(InNetworkRequest(user_id=1, following_user_ids=[2]))
    assert svc.metrics.rejections._value.get() == 1
