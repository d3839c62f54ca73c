"""LiveIndex + RetrievalService: new posts retrievable, deleted / labelled / expired never returned."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from foryou._proto.foryou.events.v1 import events_pb2 as ev
from foryou.core import InvalidInputError, make_snowflake
from foryou.params import Params
from foryou.phoenix import RetrievalModel
from foryou.phoenix_service.live_index import LiveIndex
from foryou.phoenix_service.model_host import ModelHost
from foryou.phoenix_service.retrieval import RetrievalService

NOW = 1_768_910_400_000


def created(post_id: int, author: int, **kw: int) -> ev.Event:
    return ev.Event(event_id=f"p{post_id}", post_created=ev.PostCreated(post_id=post_id, author_id=author, **kw))


def build(retrieval: RetrievalModel) -> tuple[LiveIndex, RetrievalService]:
    host = ModelHost(retrieval=retrieval)
    index = LiveIndex(host, Params())
    return index, RetrievalService(host, index)


def ids(service: RetrievalService, k: int = 100) -> set[int]:
    return {r.post_id for r in asyncio.run(service.retrieve(user_id=1, sequence=[], max_results=k))}


def test_posts_are_retrievable_right_after_their_event(retrieval: RetrievalModel) -> None:
    index, service = build(retrieval)
    posts = [make_snowflake(NOW - 1000 * i, sequence=i) for i in range(1, 30)]
    start = time.perf_counter()
    for i, pid in enumerate(posts):
        index.apply(created(pid, 10 + i), now_ms=NOW)
    index.flush()
    assert ids(service) == set(posts)
    assert time.perf_counter() - start < 1.0


def test_ineligible_deleted_labelled_and_expired_posts_are_never_returned(retrieval: RetrievalModel) -> None:
    index, service = build(retrieval)
    fresh = [make_snowflake(NOW - 1000, sequence=i) for i in range(10)]
    old = make_snowflake(NOW - 3 * 86_400_000)
    for pid in fresh:
        index.apply(created(pid, 5), now_ms=NOW)
    index.apply(created(old, 5), now_ms=NOW)
    index.apply(created(make_snowflake(NOW - 10, sequence=50), 5, repost_of_post_id=fresh[0]), now_ms=NOW)
    index.apply(created(make_snowflake(NOW - 10, sequence=51), 5, in_reply_to_post_id=fresh[0]), now_ms=NOW)
    index.flush()
    assert ids(service) == set(fresh)
    index.apply(ev.Event(post_deleted=ev.PostDeleted(post_id=fresh[1])), now_ms=NOW)
    index.apply(ev.Event(safety_label=ev.SafetyLabelChanged(post_id=fresh[2], label=ev.SPAM, applied=True)), now_ms=NOW)
    assert ids(service) == set(fresh) - {fresh[1], fresh[2]}
    index.apply(created(fresh[1], 5), now_ms=NOW)  # a replayed create does not resurrect a delete
    index.flush()
    assert fresh[1] not in ids(service)
    assert index.expire(NOW + 172_800_000) == 8
    assert ids(service) == set()


def test_snapshot_reload_and_checkpoint_swap(retrieval: RetrievalModel, tmp_path: Path) -> None:
    index, service = build(retrieval)
    posts = [make_snowflake(NOW - 1000, sequence=i) for i in range(12)]
    for pid in posts:
        index.apply(created(pid, 3), now_ms=NOW)
    index.flush()
    index.save(tmp_path)
    again, again_service = build(retrieval)
    again.load(tmp_path)
    assert ids(again_service) == set(posts)
    before = asyncio.run(service.retrieve(user_id=1, sequence=[], max_results=3))
    after = asyncio.run(again_service.retrieve(user_id=1, sequence=[], max_results=3))
    assert [r.post_id for r in before] == [r.post_id for r in after]


def test_bad_requests(retrieval: RetrievalModel) -> None:
    _, service = build(retrieval)
    with pytest.raises(InvalidInputError):
        asyncio.run(service.retrieve(user_id=1, sequence=[], max_results=-1))
    assert asyncio.run(service.retrieve(user_id=1, sequence=[], max_results=5)) == []  # empty corpus
