"""The event transport every subsystem uses (SPEC §4.8): an embedded append-only log (default) or
Kafka, behind one interface. Import the Kafka adapter from `foryou.transport.kafka` (needs the
`kafka` extra)."""

from foryou.transport.embedded import EmbeddedConsumer, EmbeddedLog, EmbeddedProducer
from foryou.transport.record import Consumer, Headers, Producer, Record, TopicPartition, Transport
from foryou.transport.topics import (
    ALL_TOPICS,
    CONTENT_TYPE_HEADER,
    DEFAULT_PARTITIONS,
    ENGAGEMENTS,
    ERROR_HEADER,
    EVENT_CONTENT_TYPE,
    GRAPH,
    POSTS,
    SAFETY,
    SERVED,
    USERS,
    dead_letter_topic,
    key_for,
    partition_for,
)

__all__ = [
    "ALL_TOPICS",
    "CONTENT_TYPE_HEADER",
    "DEFAULT_PARTITIONS",
    "ENGAGEMENTS",
    "ERROR_HEADER",
    "EVENT_CONTENT_TYPE",
    "GRAPH",
    "POSTS",
    "SAFETY",
    "SERVED",
    "USERS",
    "Consumer",
    "EmbeddedConsumer",
    "EmbeddedLog",
    "EmbeddedProducer",
    "Headers",
    "Producer",
    "Record",
    "TopicPartition",
    "Transport",
    "dead_letter_topic",
    "key_for",
    "partition_for",
]
