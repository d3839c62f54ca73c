"""Fault injection: switched-off stores and closed connections answer `UnavailableError`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from events_strategy import POSTS, snapshot
from store_support import StoresFactory

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.core import AuthorId, PostId, UnavailableError, UserId
from foryou.stores import (
    EdgeKind,
    PostCoreData,
    SafetyLevel,
    StoreIngestor,
    Stores,
    ingest_events,
    memory_stores,
    with_failures,
)

P = PostId(POSTS[0])
U = UserId(1)


def every_call(stores: Stores) -> dict[str, list[Callable[[], Awaitable[Any]]]]:
    """One call of every method of every store, keyed by the `Stores` field name."""
    return {
        "user_actions": [lambda: stores.user_actions.add([]), lambda: stores.user_actions.actions(U)],
        "social_graph": [
            lambda: stores.social_graph.set_edge(U, UserId(2), EdgeKind.FOLLOW, active=True),
            lambda: stores.social_graph.set_muted_keywords(U, ["x"]),
            lambda: stores.social_graph.set_subscription(U, UserId(2), active=True),
            lambda: stores.social_graph.user_features(U),
            lambda: stores.social_graph.following(U, 5),
            lambda: stores.social_graph.followers_count(U),
        ],
        "posts": [
            lambda: stores.posts.insert(PostCoreData(P, AuthorId(1), 0)),
            lambda: stores.posts.delete(P, 0),
            lambda: stores.posts.core_data([P]),
            lambda: stores.posts.media([P]),
            lambda: stores.posts.subscription_author([P]),
            lambda: stores.posts.purge(0),
        ],
        "users": [
            lambda: stores.users.set_profile(U, screen_name="a", created_at_ms=0, subscription_level=0),
            lambda: stores.users.users([U]),
        ],
        "safety_labels": [
            lambda: stores.safety_labels.set_label(P, 2, applied=True),
            lambda: stores.safety_labels.record_repost(PostId(7), P),
            lambda: stores.safety_labels.visibility([P], SafetyLevel.TIMELINE_HOME, U),
        ],
        "served_history": [
            lambda: stores.served_history.append(U, "r", 0, [(P, P)]),
            lambda: stores.served_history.recent(U, 0, 600, 10),
        ],
    }


def test_a_switched_off_store_fails_alone_and_recovers() -> None:
    async def body() -> None:
        stores, switches = with_failures(memory_stores())
        calls = every_call(stores)
        for name, switch in switches.items():
            switch.down()
            for call in calls[name]:
                with pytest.raises(UnavailableError, match=name):
                    await call()
            for other, other_calls in calls.items():
                if other != name:
                    for call in other_calls:
                        await call()
            assert switch.calls_refused == len(calls[name])
            switch.up()
            for call in calls[name]:
                await call()

    asyncio.run(body())


def test_a_hanging_store_waits_until_released() -> None:
    async def body() -> None:
        stores, switches = with_failures(memory_stores())
        switches["social_graph"].hang()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(stores.social_graph.user_features(U), timeout=0.05)
        pending = asyncio.ensure_future(stores.social_graph.user_features(U))
        await asyncio.sleep(0)
        switches["social_graph"].up()
        assert (await pending).followed_user_ids == ()

    asyncio.run(body())


def test_closed_sql_connection_is_unavailable(make_sql_stores: StoresFactory) -> None:
    async def body() -> None:
        stores = make_sql_stores()
        stores.close()
        for calls in every_call(stores).values():
            for call in calls:
                with pytest.raises(UnavailableError, match="closed"):
                    await call()

    asyncio.run(body())


def test_ingestion_stops_on_an_outage_and_a_replay_completes_it() -> None:
    async def body() -> None:
        follow = pb.SocialEdgeChanged(source_user_id=1, target_user_id=2, edge=pb.FOLLOW, active=True)
        sequence = [
            pb.Event(event_id="a", post_created=pb.PostCreated(post_id=P, author_id=2, quoted_post_id=POSTS[1])),
            pb.Event(event_id="b", social_edge=follow),
            pb.Event(event_id="c", post_deleted=pb.PostDeleted(post_id=POSTS[1])),
        ]
        reference = memory_stores()
        await ingest_events(StoreIngestor(reference), sequence)
        inner = memory_stores()
        stores, switches = with_failures(inner)
        switches["safety_labels"].down()
        with pytest.raises(UnavailableError):
            await ingest_events(StoreIngestor(stores), sequence)
        switches["safety_labels"].up()
        await ingest_events(StoreIngestor(stores), sequence)
        assert await snapshot(inner) == await snapshot(reference)

    asyncio.run(body())
