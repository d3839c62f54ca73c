"""Topic names, the content-type header and key partitioning of the event transport (SPEC §4.8)."""

from __future__ import annotations

import zlib

POSTS = "foryou.posts.v1"
ENGAGEMENTS = "foryou.engagements.v1"
GRAPH = "foryou.graph.v1"
USERS = "foryou.users.v1"
SAFETY = "foryou.safety.v1"
SERVED = "foryou.served.v1"
ALL_TOPICS = (POSTS, ENGAGEMENTS, GRAPH, USERS, SAFETY, SERVED)

CONTENT_TYPE_HEADER = "content-type"
EVENT_CONTENT_TYPE = "application/x-protobuf; schema=foryou.events.v1.Event"
ERROR_HEADER = "foryou-error"
DEFAULT_PARTITIONS = 4
TOPIC_RETENTION_MS = 3 * 24 * 3600 * 1000  # must exceed thunder.retention_s (2 days by default)


def dead_letter_topic(topic: str) -> str:
    """Where consumers of `topic` send records they cannot decode (docs/decisions.md)."""
    return f"{topic}.dlq"


def key_for(entity_id: int) -> bytes:
    """Record key: the decimal id, so all events of one entity keep their order."""
    return str(entity_id).encode()


def partition_for(key: bytes | None, partitions: int) -> int:
    """Embedded-log partitioner: stable per key (Kafka's own partitioner is used over Kafka)."""
    if not key:
        return 0
    return zlib.crc32(key) % partitions
