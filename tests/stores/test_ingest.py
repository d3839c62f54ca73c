"""StoreIngestor: routing of every payload, re-attribution, deletes, counting, and idempotent replay."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from events_strategy import POSTS, events, snapshot
from hypothesis import HealthCheck, given, settings
from store_support import StoresFactory

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.core import AuthorId, EventAction, PostId, UnavailableError, UserId
from foryou.stores import (
    SafetyLabel,
    SafetyLevel,
    StoreIngestor,
    StoreLimits,
    Visibility,
    VisibilityAction,
    event_key,
    ingest_events,
    memory_stores,
    with_failures,
)

P1, P2, P3, P4 = (PostId(p) for p in POSTS[:4])
LIMITS = StoreLimits(max_actions_per_user=4, max_served_per_viewer=3)


def ev(event_id: str, t: int = 1_768_910_400_000, **payload: object) -> pb.Event:
    return pb.Event(event_id=event_id, event_time_ms=t, **payload)  # type: ignore[arg-type]


def created(post_id: int, author: int, **fields: object) -> pb.Event:
    return ev(f"c{post_id}", post_created=pb.PostCreated(post_id=post_id, author_id=author, created_at_ms=5, **fields))  # type: ignore[arg-type]


def test_posts_feed_entities_actions_and_repost_links(make_stores: StoresFactory) -> None:
    async def body() -> None:
        stores = make_stores()
        ingestor = StoreIngestor(stores)
        await ingest_events(
            ingestor,
            [
                created(P1, 10, text="root", conversation_id=P1),
                created(P2, 11, repost_of_post_id=P1, repost_of_user_id=10),
                created(P3, 12, in_reply_to_post_id=P2, in_reply_to_user_id=11, quoted_post_id=P1, quoted_user_id=10),
                ev("s1", safety_label=pb.SafetyLabelChanged(post_id=P1, label=pb.NSFW, applied=True)),
            ],
        )
        assert set(await stores.posts.core_data([P1, P2, P3])) == {P1, P2, P3}
        reply_quote = await stores.user_actions.actions(UserId(12))
        # the reply went to a repost: it is re-attributed to the original post and author;
        # equal times are ordered by event id, and "#12" < "#2"
        assert [(a.post_id, a.author_id, a.action) for a in reply_quote] == [
            (P1, 10, EventAction.QUOTE),
            (P1, 10, EventAction.REPLY),
        ]
        assert [a.event_id for a in reply_quote] == [f"c{P3}#12", f"c{P3}#2"]
        repost = await stores.user_actions.actions(UserId(11))
        assert [(a.post_id, a.action, a.engaged_time_ms) for a in repost] == [(P1, EventAction.RETWEET, 5)]
        vis = await stores.safety_labels.visibility([P2], SafetyLevel.TIMELINE_HOME, UserId(1))
        assert vis[P2] == Visibility(VisibilityAction.INTERSTITIAL, (SafetyLabel.NSFW,))
        assert ingestor.stats.applied == {"post_created": 3, "safety_label": 1}

    asyncio.run(body())


def test_engagement_on_repost_is_reattributed_and_deduplicated(make_stores: StoresFactory) -> None:
    async def body() -> None:
        stores = make_stores()
        ingestor = StoreIngestor(stores)
        engagement = pb.EngagementEvent(user_id=5, post_id=P2, author_id=11, action=1, engaged_time_ms=7, dwell_ms=30)
        early = pb.EngagementEvent(user_id=5, post_id=P4, author_id=13, action=19, impression_time_ms=3)
        for event in (
            ev("e0", engagement=early),
            created(P1, 10),
            created(P2, 11, repost_of_post_id=P1, repost_of_user_id=10),
            ev("e1", engagement=engagement),
            ev("e1", engagement=engagement),
            created(P4, 13, repost_of_post_id=P1, repost_of_user_id=10),
        ):
            await ingestor.apply(event)
        got = await stores.user_actions.actions(UserId(5))
        # e0 arrived before P4 was known to be a repost: it stays on P4
        assert [(a.event_id, a.post_id, a.author_id, a.time_ms) for a in got] == [
            ("e0", P4, AuthorId(13), 3),
            ("e1", P1, AuthorId(10), 7),
        ]
        assert got[1].dwell_ms == 30 and got[1].event_time_ms == 1_768_910_400_000

    asyncio.run(body())


def test_delete_labels_the_post_and_its_quotes(make_stores: StoresFactory) -> None:
    async def body() -> None:
        stores = make_stores()
        ingestor = StoreIngestor(stores)
        await ingest_events(
            ingestor,
            [
                created(P1, 10),
                created(P2, 11, quoted_post_id=P1),
                created(P3, 12, repost_of_post_id=P1),
                ev("d1", post_deleted=pb.PostDeleted(post_id=P1, author_id=10, deleted_at_ms=9)),
                created(P4, 13, quoted_post_id=P1),  # a quote of a deleted post arriving late
            ],
        )
        assert set(await stores.posts.core_data([P1, P2, P3, P4])) == {P3}
        vis = await stores.safety_labels.visibility([P1, P2, P3, P4], SafetyLevel.TIMELINE_HOME, UserId(1))
        dropped = Visibility(VisibilityAction.DROP, (SafetyLabel.DELETED,))
        assert vis == {P1: dropped, P2: dropped, P3: dropped, P4: dropped}  # P3 through its original

    asyncio.run(body())


def test_graph_profile_and_served_events(make_stores: StoresFactory) -> None:
    async def body() -> None:
        stores = make_stores()
        ingestor = StoreIngestor(stores)
        items = [pb.ServedItem(post_id=P2, original_post_id=P1, position=1), pb.ServedItem(post_id=P3, position=0)]
        await ingest_events(
            ingestor,
            [
                ev(
                    "g1",
                    social_edge=pb.SocialEdgeChanged(source_user_id=1, target_user_id=2, edge=pb.FOLLOW, active=True),
                ),
                ev(
                    "g2",
                    social_edge=pb.SocialEdgeChanged(source_user_id=1, target_user_id=3, edge=pb.BLOCK, active=True),
                ),
                ev("g3", muted_keywords=pb.MutedKeywordsChanged(user_id=1, keywords=["widget"])),
                ev("g4", subscription=pb.SubscriptionChanged(subscriber_id=1, creator_id=4, active=True)),
                ev("u1", user_profile=pb.UserProfileChanged(user_id=2, screen_name="bo", subscription_level=1)),
                ev("v1", served=pb.Served(viewer_id=1, request_id="req", served_at_ms=1000, items=items)),
            ],
        )
        features = await stores.social_graph.user_features(UserId(1))
        assert (features.followed_user_ids, features.blocked_user_ids) == ((2,), (3,))
        assert (features.muted_keywords, features.subscribed_user_ids) == (("widget",), (4,))
        profile = (await stores.users.users([UserId(2)]))[UserId(2)]
        assert (profile.screen_name, profile.followers_count, profile.subscription_level) == ("bo", 1, 1)
        assert await stores.served_history.recent(UserId(1), 2000, 600, 10) == [P3, P2, P1]

    asyncio.run(body())


def test_malformed_and_unknown_events_are_counted_not_fatal() -> None:
    async def body() -> None:
        ingestor = StoreIngestor(memory_stores())
        await ingest_events(
            ingestor,
            [
                ev("x1"),  # no payload
                ev("x2", social_edge=pb.SocialEdgeChanged(source_user_id=1, target_user_id=2, edge=0, active=True)),
                ev("x3", engagement=pb.EngagementEvent(user_id=0, post_id=P1)),
                ev("x4", safety_label=pb.SafetyLabelChanged(post_id=P1, label=0, applied=True)),
                ev("x5", engagement=pb.EngagementEvent(user_id=3, post_id=P1, author_id=99, action=1)),
            ],
        )
        assert ingestor.stats.unknown == 1
        assert ingestor.stats.skipped == {"social_edge": 1, "engagement": 1, "safety_label": 1}
        assert ingestor.stats.applied == {"engagement": 1}
        assert ingestor.stats.total == 5

    asyncio.run(body())


def test_event_key_digests_events_without_an_id() -> None:
    a = ev("", engagement=pb.EngagementEvent(user_id=1, post_id=P1, action=1))
    b = ev("", engagement=pb.EngagementEvent(user_id=1, post_id=P1, action=2))
    assert event_key(a) == event_key(pb.Event.FromString(a.SerializeToString()))
    assert event_key(a) != event_key(b)
    assert event_key(ev("id-7")) == "id-7"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=events())
def test_replaying_the_events_changes_nothing(make_stores: StoresFactory, sequence: list[pb.Event]) -> None:
    async def body() -> None:
        once, twice = make_stores(limits=LIMITS), make_stores(limits=LIMITS)
        try:
            await ingest_events(StoreIngestor(once), sequence)
            await ingest_events(StoreIngestor(twice), [*sequence, *sequence])
            assert await snapshot(twice) == await snapshot(once)
        finally:
            once.close()
            twice.close()

    asyncio.run(body())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=events())
def test_every_backend_ends_in_the_memory_backends_state(make_stores: StoresFactory, sequence: list[pb.Event]) -> None:
    async def body() -> None:
        reference, candidate = memory_stores(limits=LIMITS), make_stores(limits=LIMITS)
        try:
            await ingest_events(StoreIngestor(reference), sequence)
            await ingest_events(StoreIngestor(candidate), sequence)
            assert await snapshot(candidate) == await snapshot(reference)
        finally:
            candidate.close()

    asyncio.run(body())


def test_small_batches_and_an_outage_mid_stream(make_stores: StoresFactory) -> None:
    async def body() -> None:
        follows = [
            ev(
                f"f{t}",
                social_edge=pb.SocialEdgeChanged(source_user_id=1, target_user_id=t, edge=pb.FOLLOW, active=True),
            )
            for t in range(2, 9)
        ]
        stores = make_stores()
        failing, switches = with_failures(stores)
        ingestor = StoreIngestor(failing)

        async def stream() -> AsyncIterator[pb.Event]:
            for i, event in enumerate(follows):
                if i == 5:
                    switches["social_graph"].down()
                yield event

        with pytest.raises(UnavailableError):
            await ingest_events(ingestor, stream(), batch_size=2)
        # batches [f2 f3] and [f4 f5] were committed; [f6 f7] was rolled back
        assert await stores.social_graph.following(UserId(1), 10) == [2, 3, 4, 5]
        switches["social_graph"].up()
        await ingest_events(ingestor, follows, batch_size=3)
        assert await stores.social_graph.following(UserId(1), 10) == list(range(2, 9))
        assert await stores.social_graph.followers_count(UserId(8)) == 1

    asyncio.run(body())
