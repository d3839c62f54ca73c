"""Typed constructors for every `foryou.events.v1.Event` payload (SPEC §4.8).

Producers (the world simulator, the MovieLens converter, the served side effect) build events only
through these functions, so every event carries an envelope and a deterministic id. Unless a producer
passes its own `event_id`, the id is derived from the payload's identifying fields, so re-emitting the
same fact yields the same id and consumers can dedupe on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.core.actions import EventAction, ProductSurface
from foryou.core.errors import InvalidInputError
from foryou.core.ids import MAX_ID
from foryou.core.snowflake import creation_ms

Event = pb.Event
DEFAULT_PRODUCER = "foryou"


@dataclass(frozen=True, slots=True)
class MediaItem:
    """One attached media item; `duration_ms` is 0 when unknown (photos)."""

    kind: int  # pb.PHOTO / pb.VIDEO / pb.GIF
    duration_ms: int = 0


@dataclass(frozen=True, slots=True)
class ServedEntry:
    """One served post of a `Served` event."""

    post_id: int
    original_post_id: int
    position: int
    score: float
    served_type: int


def _check_id(name: str, value: int, *, required: bool = True) -> None:
    if not 0 <= value <= MAX_ID or (required and value == 0):
        raise InvalidInputError(f"{name}={value} is not a valid {'non-zero ' if required else ''}u64 id")


def _envelope(event_id: str, event_time_ms: int, producer: str) -> pb.Event:
    return pb.Event(event_id=event_id, event_time_ms=event_time_ms, producer=producer)


def post_created(
    *,
    post_id: int,
    author_id: int,
    text: str = "",
    conversation_id: int = 0,
    in_reply_to_post_id: int = 0,
    in_reply_to_user_id: int = 0,
    repost_of_post_id: int = 0,
    repost_of_user_id: int = 0,
    quoted_post_id: int = 0,
    quoted_user_id: int = 0,
    media: Sequence[MediaItem] = (),
    subscriber_only: bool = False,
    language: str = "en",
    nullcast: bool = False,
    producer: str = DEFAULT_PRODUCER,
    event_id: str | None = None,
) -> pb.Event:
    """A new post. Its creation time is the snowflake time of `post_id`; a root's conversation is itself."""
    _check_id("post_id", post_id)
    _check_id("author_id", author_id)
    created = creation_ms(post_id)
    is_reply = in_reply_to_post_id != 0
    if conversation_id == 0 and not is_reply and repost_of_post_id == 0:
        conversation_id = post_id
    payload = pb.PostCreated(
        post_id=post_id,
        author_id=author_id,
        created_at_ms=created,
        text=text,
        conversation_id=conversation_id,
        in_reply_to_post_id=in_reply_to_post_id,
        in_reply_to_user_id=in_reply_to_user_id,
        repost_of_post_id=repost_of_post_id,
        repost_of_user_id=repost_of_user_id,
        quoted_post_id=quoted_post_id,
        quoted_user_id=quoted_user_id,
        media=[pb.Media(kind=m.kind, duration_ms=m.duration_ms) for m in media],  # type: ignore[arg-type]
        subscriber_only=subscriber_only,
        language=language,
        nullcast=nullcast,
    )
    event = _envelope(event_id or f"post:{post_id}", created, producer)
    event.post_created.CopyFrom(payload)
    return event


def post_deleted(
    *, post_id: int, author_id: int, deleted_at_ms: int, producer: str = DEFAULT_PRODUCER, event_id: str | None = None
) -> pb.Event:
    """The author deleted a post."""
    _check_id("post_id", post_id)
    event = _envelope(event_id or f"delete:{post_id}", deleted_at_ms, producer)
    event.post_deleted.CopyFrom(pb.PostDeleted(post_id=post_id, author_id=author_id, deleted_at_ms=deleted_at_ms))
    return event


def engagement(
    *,
    user_id: int,
    post_id: int,
    author_id: int,
    action: EventAction,
    product_surface: ProductSurface = ProductSurface.HOME_FOR_YOU,
    impression_time_ms: int = 0,
    engaged_time_ms: int = 0,
    dwell_ms: int = 0,
    request_id: str = "",
    client_app_id: int = 0,
    producer: str = DEFAULT_PRODUCER,
    event_id: str | None = None,
) -> pb.Event:
    """One action (or an IMPRESSION) of `user_id` on `post_id`. The event time is the engaged time,
    else the impression time."""
    _check_id("user_id", user_id)
    _check_id("post_id", post_id)
    if action == EventAction.UNSPECIFIED:
        raise InvalidInputError("engagement action must not be UNSPECIFIED")
    if dwell_ms < 0:
        raise InvalidInputError(f"dwell_ms={dwell_ms} is negative")
    when = engaged_time_ms or impression_time_ms
    event = _envelope(event_id or f"eng:{user_id}:{post_id}:{int(action)}:{when}", when, producer)
    event.engagement.CopyFrom(
        pb.EngagementEvent(
            user_id=user_id,
            post_id=post_id,
            author_id=author_id,
            action=int(action),
            product_surface=int(product_surface),
            impression_time_ms=impression_time_ms,
            engaged_time_ms=engaged_time_ms,
            dwell_ms=dwell_ms,
            request_id=request_id,
            client_app_id=client_app_id,
        )
    )
    return event


def social_edge(
    *,
    source_user_id: int,
    target_user_id: int,
    edge: int,
    active: bool,
    time_ms: int,
    producer: str = DEFAULT_PRODUCER,
    event_id: str | None = None,
) -> pb.Event:
    """Follow / block / mute (`active`) or their undo (`active=False`); `edge` is pb.FOLLOW, BLOCK or MUTE."""
    _check_id("source_user_id", source_user_id)
    _check_id("target_user_id", target_user_id)
    if edge not in (pb.FOLLOW, pb.BLOCK, pb.MUTE):
        raise InvalidInputError(f"edge={edge} is not FOLLOW, BLOCK or MUTE")
    eid = event_id or f"edge:{source_user_id}:{target_user_id}:{edge}:{int(active)}:{time_ms}"
    event = _envelope(eid, time_ms, producer)
    event.social_edge.CopyFrom(
        pb.SocialEdgeChanged(
            source_user_id=source_user_id,
            target_user_id=target_user_id,
            edge=edge,  # type: ignore[arg-type]
            active=active,
        )
    )
    return event


def muted_keywords(
    *,
    user_id: int,
    keywords: Sequence[str],
    time_ms: int,
    producer: str = DEFAULT_PRODUCER,
    event_id: str | None = None,
) -> pb.Event:
    """The user's full muted-keyword list (replaces the previous one)."""
    _check_id("user_id", user_id)
    event = _envelope(event_id or f"mutedkw:{user_id}:{time_ms}", time_ms, producer)
    event.muted_keywords.CopyFrom(pb.MutedKeywordsChanged(user_id=user_id, keywords=list(keywords)))
    return event


def subscription(
    *,
    subscriber_id: int,
    creator_id: int,
    active: bool,
    time_ms: int,
    producer: str = DEFAULT_PRODUCER,
    event_id: str | None = None,
) -> pb.Event:
    """`subscriber_id` starts (or ends) a paid subscription to `creator_id`."""
    _check_id("subscriber_id", subscriber_id)
    _check_id("creator_id", creator_id)
    eid = event_id or f"sub:{subscriber_id}:{creator_id}:{int(active)}:{time_ms}"
    event = _envelope(eid, time_ms, producer)
    event.subscription.CopyFrom(
        pb.SubscriptionChanged(subscriber_id=subscriber_id, creator_id=creator_id, active=active)
    )
    return event


def safety_label(
    *,
    post_id: int,
    label: int,
    applied: bool,
    time_ms: int,
    producer: str = DEFAULT_PRODUCER,
    event_id: str | None = None,
) -> pb.Event:
    """Trust & safety applied (or removed) `label` (pb.SPAM, pb.VIOLENCE, ...) on a post."""
    _check_id("post_id", post_id)
    if label == pb.SAFETY_LABEL_UNSPECIFIED:
        raise InvalidInputError("safety label must not be UNSPECIFIED")
    event = _envelope(event_id or f"label:{post_id}:{label}:{int(applied)}:{time_ms}", time_ms, producer)
    event.safety_label.CopyFrom(pb.SafetyLabelChanged(post_id=post_id, label=label, applied=applied))  # type: ignore[arg-type]
    return event


def user_profile(
    *,
    user_id: int,
    screen_name: str,
    created_at_ms: int,
    time_ms: int | None = None,
    subscription_level: int = 0,
    producer: str = DEFAULT_PRODUCER,
    event_id: str | None = None,
) -> pb.Event:
    """A user's profile as of `time_ms` (defaults to the account creation time)."""
    _check_id("user_id", user_id)
    when = created_at_ms if time_ms is None else time_ms
    event = _envelope(event_id or f"user:{user_id}:{when}", when, producer)
    event.user_profile.CopyFrom(
        pb.UserProfileChanged(
            user_id=user_id,
            screen_name=screen_name,
            created_at_ms=created_at_ms,
            subscription_level=subscription_level,
        )
    )
    return event


def served(
    *,
    viewer_id: int,
    request_id: str,
    served_at_ms: int,
    items: Sequence[ServedEntry],
    producer: str = DEFAULT_PRODUCER,
    event_id: str | None = None,
) -> pb.Event:
    """The final feed sent to a viewer (the StoreServedIds side effect)."""
    _check_id("viewer_id", viewer_id)
    event = _envelope(event_id or f"served:{request_id}", served_at_ms, producer)
    event.served.CopyFrom(
        pb.Served(
            viewer_id=viewer_id,
            request_id=request_id,
            served_at_ms=served_at_ms,
            items=[
                pb.ServedItem(
                    post_id=i.post_id,
                    original_post_id=i.original_post_id,
                    position=i.position,
                    score=i.score,
                    served_type=i.served_type,
                )
                for i in items
            ],
        )
    )
    return event


def payload_kind(event: pb.Event) -> str:
    """The name of the payload set on `event` ('' when none, e.g. an unknown newer payload)."""
    kind = event.WhichOneof("payload")
    return kind or ""
