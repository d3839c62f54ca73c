"""The transport interface shared by the embedded log and the Kafka adapter.

Consumers are assigned every partition of their topics (each replica reads everything, SPEC §4.7),
poll in batches, and commit offsets explicitly once the batch has been applied. Offsets are "next
offset to read", as in Kafka.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple, Protocol

TopicPartition = tuple[str, int]
Headers = tuple[tuple[str, bytes], ...]


class Record(NamedTuple):
    """One record of a partition. A named tuple: consumers build hundreds of thousands per second."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    timestamp_ms: int = 0
    headers: Headers = ()


class Producer(Protocol):
    def produce(self, topic: str, value: bytes, *, key: bytes | None = None, headers: Headers = ()) -> None: ...

    def flush(self, timeout_s: float = 10.0) -> None: ...

    def close(self) -> None: ...


class Consumer(Protocol):
    def poll_batch(self, max_records: int, timeout_s: float) -> list[Record]:
        """Up to `max_records` records in offset order per partition; empty after `timeout_s`."""
        ...

    def commit(self, offsets: Mapping[TopicPartition, int]) -> None:
        """Store the consumer group's next offsets. May complete asynchronously (Kafka): `committed()`
        shows them once the broker has them."""
        ...

    def committed(self) -> dict[TopicPartition, int]: ...

    def positions(self) -> dict[TopicPartition, int]:
        """Next offset this consumer will read, per assigned partition."""
        ...

    def lag(self) -> dict[TopicPartition, int]:
        """End offset minus position, per assigned partition."""
        ...

    def close(self) -> None: ...


class Transport(Protocol):
    """Creates producers and consumers on one log (embedded or a Kafka cluster)."""

    def ensure_topics(self, topics: Sequence[str], partitions: int) -> None: ...

    def producer(self) -> Producer: ...

    def consumer(
        self, group_id: str, topics: Sequence[str], *, start: Mapping[TopicPartition, int] | None = None
    ) -> Consumer:
        """A consumer of every partition of `topics`, starting at `start` where given, else the earliest
        offset (Thunder rebuilds by replay; committed offsets are for monitoring and snapshots)."""
        ...
