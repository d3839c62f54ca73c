"""Which topic and key each event travels on (SPEC §4.8), and publishing event files into a transport."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.transport.record import Producer
from foryou.transport.topics import (
    CONTENT_TYPE_HEADER,
    ENGAGEMENTS,
    EVENT_CONTENT_TYPE,
    GRAPH,
    POSTS,
    SAFETY,
    SERVED,
    USERS,
    key_for,
)

_HEADERS = ((CONTENT_TYPE_HEADER, EVENT_CONTENT_TYPE.encode()),)


def route(event: pb.Event) -> tuple[str, int] | None:
    """(topic, key id) of an event, or None for an event without a known payload."""
    kind = event.WhichOneof("payload")
    if kind == "post_created":
        return POSTS, event.post_created.author_id
    if kind == "post_deleted":
        return POSTS, event.post_deleted.author_id
    if kind == "engagement":
        return ENGAGEMENTS, event.engagement.user_id
    if kind == "social_edge":
        return GRAPH, event.social_edge.source_user_id
    if kind == "muted_keywords":
        return GRAPH, event.muted_keywords.user_id
    if kind == "subscription":
        return GRAPH, event.subscription.subscriber_id
    if kind == "user_profile":
        return USERS, event.user_profile.user_id
    if kind == "safety_label":
        return SAFETY, event.safety_label.post_id
    if kind == "served":
        return SERVED, event.served.viewer_id
    return None


def publish(producer: Producer, events: Iterable[pb.Event]) -> int:
    """Produce each routable event on its topic; returns how many were produced."""
    count = 0
    for event in events:
        target = route(event)
        if target is None:
            continue
        topic, key = target
        producer.produce(topic, event.SerializeToString(), key=key_for(key), headers=_HEADERS)
        count += 1
    producer.flush()
    return count


def event_files(path: Path) -> list[Path]:
    """An event file, or every `*.fyev` file of a directory (its `events/` subdirectory for a world), in name order."""
    if path.is_file():
        return [path]
    directory = path / "events" if (path / "events").is_dir() else path
    return sorted(directory.glob("*.fyev"))
