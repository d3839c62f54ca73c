"""Event constructors: envelopes, deterministic ids, validation, and the protobuf round trip."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foryou.core import EventAction, InvalidInputError, ProductSurface, creation_ms, make_snowflake
from foryou.events import (
    MediaItem,
    ServedEntry,
    engagement,
    muted_keywords,
    payload_kind,
    pb,
    post_created,
    post_deleted,
    safety_label,
    served,
    social_edge,
    subscription,
    user_profile,
)

T0 = 1_768_910_400_000
PID = make_snowflake(T0)


def _all_kinds() -> list[pb.Event]:
    return [
        post_created(post_id=PID, author_id=7, text="hello #world", media=[MediaItem(pb.VIDEO, 15_000)]),
        post_deleted(post_id=PID, author_id=7, deleted_at_ms=T0 + 5),
        engagement(
            user_id=3,
            post_id=PID,
            author_id=7,
            action=EventAction.FAVORITE,
            product_surface=ProductSurface.PROFILE,
            impression_time_ms=T0 + 1,
            engaged_time_ms=T0 + 2,
            dwell_ms=2500,
            request_id="r1",
        ),
        social_edge(source_user_id=3, target_user_id=7, edge=pb.FOLLOW, active=True, time_ms=T0),
        muted_keywords(user_id=3, keywords=["spoiler", "#launch"], time_ms=T0),
        subscription(subscriber_id=3, creator_id=7, active=True, time_ms=T0),
        safety_label(post_id=PID, label=pb.NSFW, applied=True, time_ms=T0 + 9),
        user_profile(user_id=7, screen_name="seven", created_at_ms=T0 - 1000),
        served(viewer_id=3, request_id="r1", served_at_ms=T0, items=[ServedEntry(PID, PID, 0, 0.5, 1)]),
    ]


def test_every_payload_round_trips_through_protobuf() -> None:
    kinds = set()
    for event in _all_kinds():
        blob = event.SerializeToString()
        back = pb.Event.FromString(blob)
        assert back == event
        assert back.SerializeToString() == blob
        kinds.add(payload_kind(back))
    assert len(kinds) == 9


def test_post_created_root_is_its_own_conversation_and_time_is_the_snowflake() -> None:
    event = post_created(post_id=PID, author_id=7)
    assert event.post_created.conversation_id == PID
    assert event.post_created.created_at_ms == T0 == event.event_time_ms
    reply = post_created(post_id=PID + 1, author_id=8, in_reply_to_post_id=PID, conversation_id=PID)
    assert reply.post_created.conversation_id == PID


def test_event_ids_are_deterministic_and_distinct() -> None:
    assert [e.event_id for e in _all_kinds()] == [e.event_id for e in _all_kinds()]
    assert len({e.event_id for e in _all_kinds()}) == 9


def test_engagement_time_prefers_engaged_time() -> None:
    e = engagement(user_id=1, post_id=PID, author_id=2, action=EventAction.IMPRESSION, impression_time_ms=T0)
    assert e.event_time_ms == T0


@pytest.mark.parametrize(
    "call",
    [
        lambda: post_created(post_id=0, author_id=1),
        lambda: engagement(user_id=1, post_id=PID, author_id=2, action=EventAction.UNSPECIFIED),
        lambda: engagement(user_id=0, post_id=PID, author_id=2, action=EventAction.CLICK),
        lambda: engagement(user_id=1, post_id=PID, author_id=2, action=EventAction.CLICK, dwell_ms=-1),
        lambda: social_edge(source_user_id=1, target_user_id=2, edge=0, active=True, time_ms=T0),
        lambda: safety_label(post_id=PID, label=0, applied=True, time_ms=T0),
    ],
)
def test_invalid_input_is_rejected(call: object) -> None:
    with pytest.raises(InvalidInputError):
        call()  # type: ignore[operator]


@given(
    st.integers(T0, T0 + 10**10),
    st.integers(1, 2**64 - 1),
    st.text(max_size=40),
    st.integers(0, 2**64 - 1),
    st.booleans(),
)
def test_post_created_round_trip_property(ms: int, author: int, text: str, reply_to: int, sub: bool) -> None:
    pid = make_snowflake(ms, worker=3, sequence=5)
    event = post_created(post_id=pid, author_id=author, text=text, in_reply_to_post_id=reply_to, subscriber_only=sub)
    back = pb.Event.FromString(event.SerializeToString())
    assert back == event
    assert creation_ms(back.post_created.post_id) == ms
