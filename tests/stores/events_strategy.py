"""Hypothesis strategies of `foryou.events.v1.Event`s over a small universe, and a store snapshot.

Small id sets make events collide (same post created twice, engagements on reposts, deletes of quoted
posts, repeated event ids), which is where idempotency and re-attribution can go wrong.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.core import AuthorId, PostId, UserId, make_snowflake
from foryou.stores import SafetyLevel, Stores

BIG_USER = (1 << 64) - 3
USERS = [1, 2, 3, BIG_USER]
POSTS = [make_snowflake(1_768_910_400_000 + i * 1000, worker=1023 if i == 5 else 0) for i in range(6)]
POSTS[5] |= 1 << 63  # one post id above 2^63

users = st.sampled_from(USERS)
posts = st.sampled_from(POSTS)
maybe_post = st.one_of(st.just(0), posts)
times = st.integers(1_768_910_400_000, 1_768_910_500_000)


def _envelope(t: int) -> pb.Event:
    return pb.Event(event_time_ms=t, producer="hypothesis")


@st.composite
def post_created(draw: st.DrawFn) -> pb.Event:
    event = _envelope(draw(times))
    post_id = draw(posts)
    media = draw(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 30_000)), max_size=2))
    event.post_created.CopyFrom(
        pb.PostCreated(
            post_id=post_id,
            author_id=draw(users),
            created_at_ms=post_id >> 22,
            text=draw(st.text(max_size=8)),
            conversation_id=post_id,
            in_reply_to_post_id=draw(maybe_post),
            in_reply_to_user_id=draw(users),
            repost_of_post_id=draw(maybe_post),
            repost_of_user_id=draw(users),
            quoted_post_id=draw(maybe_post),
            quoted_user_id=draw(users),
            media=[pb.Media(kind=k, duration_ms=d) for k, d in media],  # type: ignore[misc]
            subscriber_only=draw(st.booleans()),
        )
    )
    return event


@st.composite
def other_event(draw: st.DrawFn) -> pb.Event:
    event = _envelope(draw(times))
    kind = draw(st.sampled_from(["deleted", "engagement", "edge", "keywords", "sub", "label", "profile", "served"]))
    if kind == "deleted":
        event.post_deleted.CopyFrom(pb.PostDeleted(post_id=draw(posts), author_id=1, deleted_at_ms=draw(times)))
    elif kind == "engagement":
        event.engagement.CopyFrom(
            pb.EngagementEvent(
                user_id=draw(users),
                post_id=draw(maybe_post),
                author_id=draw(users),
                action=draw(st.integers(0, 21)),
                product_surface=draw(st.integers(0, 15)),
                engaged_time_ms=draw(st.one_of(st.just(0), times)),
                impression_time_ms=draw(times),
                dwell_ms=draw(st.integers(0, 5000)),
            )
        )
    elif kind == "edge":
        edge = pb.SocialEdgeChanged(
            source_user_id=draw(users),
            target_user_id=draw(users),
            edge=draw(st.integers(0, 3)),
            active=draw(st.booleans()),
        )
        event.social_edge.CopyFrom(edge)
    elif kind == "keywords":
        words = draw(st.lists(st.sampled_from(["widget", "#launch", "new york", " ", "café"]), max_size=3))
        event.muted_keywords.CopyFrom(pb.MutedKeywordsChanged(user_id=draw(users), keywords=words))
    elif kind == "sub":
        sub = pb.SubscriptionChanged(subscriber_id=draw(users), creator_id=draw(users), active=draw(st.booleans()))
        event.subscription.CopyFrom(sub)
    elif kind == "label":
        # DELETED is only ever applied: its removal is not an event producers send (docs/decisions.md).
        label = draw(st.integers(1, 6))
        applied = True if label == 1 else draw(st.booleans())
        event.safety_label.CopyFrom(pb.SafetyLabelChanged(post_id=draw(posts), label=label, applied=applied))  # type: ignore[arg-type]
    elif kind == "profile":
        profile = pb.UserProfileChanged(
            user_id=draw(users), screen_name=draw(st.text(max_size=5)), subscription_level=draw(st.integers(0, 3))
        )
        event.user_profile.CopyFrom(profile)
    else:
        items = [
            pb.ServedItem(post_id=p, original_post_id=o, position=i)
            for i, (p, o) in enumerate(draw(st.lists(st.tuples(posts, maybe_post), max_size=3)))
        ]
        request = draw(st.sampled_from(["r1", "r2", "r3", ""]))
        event.served.CopyFrom(
            pb.Served(viewer_id=draw(users), request_id=request, served_at_ms=draw(times), items=items)
        )
    return event


@st.composite
def events(draw: st.DrawFn) -> list[pb.Event]:
    """A stream over a pool of distinct events: ids are producer-unique (SPEC §4.8) or absent, and
    redeliveries repeat an event whole."""
    pool = draw(st.lists(st.one_of(post_created(), other_event()), min_size=1, max_size=14))
    for i, event in enumerate(pool):
        if draw(st.booleans()):
            event.event_id = f"e{i}"
    return draw(st.lists(st.sampled_from(pool), max_size=25))


async def snapshot(stores: Stores) -> dict[str, Any]:
    """Everything the stores answer about the universe, as plain values."""
    user_ids = [UserId(u) for u in USERS]
    post_ids = [PostId(p) for p in POSTS]
    out: dict[str, Any] = {"users": await stores.users.users(user_ids)}
    for u in user_ids:
        out[f"actions:{u}"] = await stores.user_actions.actions(u)
        out[f"features:{u}"] = await stores.social_graph.user_features(u)
        out[f"followers:{u}"] = await stores.social_graph.followers_count(u)
        out[f"served:{u}"] = await stores.served_history.recent(u, 1_768_910_500_000, 86_400, 100)
    out["posts"] = await stores.posts.core_data(post_ids)
    for level in SafetyLevel:
        out[f"vis:{level}"] = await stores.safety_labels.visibility(post_ids, level, UserId(1))
    out["subs"] = await stores.posts.subscription_author(post_ids)
    out["author_of"] = {p: AuthorId(d.author_id) for p, d in out["posts"].items()}
    return out
