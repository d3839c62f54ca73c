"""PhoenixSource and ThunderSource (SPEC §3.5)."""

from __future__ import annotations

import pytest

from foryou.core import UnavailableError
from foryou.home_mixer.candidate import ServedType
from foryou.home_mixer.clients.types import InNetworkPost, RetrievedPost
from foryou.home_mixer.sources.phoenix_source import PhoenixSource
from foryou.home_mixer.sources.thunder_source import ThunderSource

from ..helpers import query, run
from ..memory import Retrieval, Thunder


def test_phoenix_source_maps_retrieval_order_and_fields() -> None:
    client = Retrieval([RetrievedPost(5, 50, 0, 0.9), RetrievedPost(6, 60, 3, 0.5)])
    src = PhoenixSource(client, enabled=True, max_results=10, timeout_ms=1000)
    out = run(src.get_candidates(query()))
    assert [(c.tweet_id, c.author_id, c.in_reply_to_tweet_id, c.retrieval_score) for c in out] == [
        (5, 50, None, 0.9),
        (6, 60, 3, 0.5),
    ]
    assert {c.served_type for c in out} == {ServedType.FOR_YOU_PHOENIX_RETRIEVAL}


def test_phoenix_source_enable_and_missing_sequence() -> None:
    src = PhoenixSource(Retrieval(), enabled=True, max_results=10, timeout_ms=1000)
    assert src.enable(query())
    assert not src.enable(query(in_network_only=True))
    assert not PhoenixSource(Retrieval(), enabled=False, max_results=1, timeout_ms=1).enable(query())
    with pytest.raises(UnavailableError, match="missing user_action_sequence"):
        run(src.get_candidates(query(user_action_sequence=None)))
    assert run(src.get_candidates(query())) == []  # an empty sequence is fine


def test_thunder_source_passes_follows_and_seen_and_builds_ancestors() -> None:
    thunder = Thunder(
        [
            InNetworkPost(10, 2, in_reply_to_post_id=9, conversation_id=1),
            InNetworkPost(11, 2, in_reply_to_post_id=1, conversation_id=1),
            InNetworkPost(12, 3, repost_of_post_id=7, repost_of_user_id=70),
            InNetworkPost(13, 3),
        ]
    )
    src = ThunderSource(thunder, enabled=True, max_results=100, exclude_seen=True)
    out = run(src.get_candidates(query(follows=(2, 3), seen_ids=frozenset({13}))))
    assert thunder.requests[0]["following"] == [2, 3] and thunder.requests[0]["exclude"] == [13]
    assert [c.tweet_id for c in out] == [10, 11, 12]
    assert out[0].ancestors == [9, 1] and out[1].ancestors == [1]
    assert (out[2].retweeted_tweet_id, out[2].retweeted_user_id, out[2].ancestors) == (7, 70, [])
    assert {c.served_type for c in out} == {ServedType.FOR_YOU_IN_NETWORK}
    no_exclude = ThunderSource(thunder, enabled=True, max_results=100, exclude_seen=False)
    run(no_exclude.get_candidates(query(follows=(2,), seen_ids=frozenset({13}))))
    assert thunder.requests[-1]["exclude"] == []
