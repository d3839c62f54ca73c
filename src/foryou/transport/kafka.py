"""The Kafka adapter: the transport interface over confluent-kafka (the `kafka` extra).

Consumers are assigned every partition of their topics by hand instead of joining a group
rebalance: each Thunder replica reads everything (SPEC §4.7), so the group id only names where
offsets are committed. Auto-commit is off; `commit` is explicit and asynchronous.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from foryou.core.errors import UnavailableError
from foryou.transport.record import Headers, Record, TopicPartition
from foryou.transport.topics import CONTENT_TYPE_HEADER, EVENT_CONTENT_TYPE, TOPIC_RETENTION_MS

try:
    import confluent_kafka
    from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError("the Kafka transport needs the 'kafka' extra: pip install 'foryou[kafka]'") from exc

_BEGINNING = confluent_kafka.OFFSET_BEGINNING


class KafkaTransport:
    def __init__(self, bootstrap_servers: str, *, client_id: str = "foryou", timeout_s: float = 10.0) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.client_id = client_id
        self.timeout_s = timeout_s

    def _base(self) -> dict[str, Any]:
        return {"bootstrap.servers": self.bootstrap_servers, "client.id": self.client_id}

    def ensure_topics(self, topics: Sequence[str], partitions: int) -> None:
        admin = AdminClient(self._base())
        existing = set(admin.list_topics(timeout=self.timeout_s).topics)
        wanted = [
            NewTopic(
                t, num_partitions=partitions, replication_factor=1, config={"retention.ms": str(TOPIC_RETENTION_MS)}
            )
            for t in topics
            if t not in existing
        ]
        if not wanted:
            return
        for topic, future in admin.create_topics(wanted, operation_timeout=self.timeout_s).items():
            try:
                future.result(timeout=self.timeout_s)
            except confluent_kafka.KafkaException as exc:
                if exc.args[0].code() != confluent_kafka.KafkaError.TOPIC_ALREADY_EXISTS:
                    raise UnavailableError(f"cannot create topic {topic}: {exc}") from exc

    def producer(self) -> KafkaProducer:
        return KafkaProducer(confluent_kafka.Producer({**self._base(), "linger.ms": 5, "acks": "all"}))

    def consumer(
        self, group_id: str, topics: Sequence[str], *, start: Mapping[TopicPartition, int] | None = None
    ) -> KafkaConsumer:
        conf = {
            **self._base(),
            "group.id": group_id,
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "enable.partition.eof": False,
            "fetch.min.bytes": 1,
            # librdkafka pauses fetching for 1 s once its local queue holds queued.min.messages; a consumer
            # catching up drains that in a fraction of it and then waits. 20 ms keeps the queue fed
            # (catch-up ingest +20-40 %) without busy fetching when the consumer is the slow side.
            "fetch.queue.backoff.ms": 20,
        }
        return KafkaConsumer(confluent_kafka.Consumer(conf), topics, start or {}, self.timeout_s)


class KafkaProducer:
    def __init__(self, producer: Any) -> None:
        self._producer = producer

    def produce(self, topic: str, value: bytes, *, key: bytes | None = None, headers: Headers = ()) -> None:
        hdrs = list(headers) or [(CONTENT_TYPE_HEADER, EVENT_CONTENT_TYPE.encode())]
        while True:
            try:
                self._producer.produce(topic, value=value, key=key, headers=hdrs)
                break
            except BufferError:
                self._producer.poll(0.05)  # local queue full: let deliveries drain
        self._producer.poll(0)

    def flush(self, timeout_s: float = 10.0) -> None:
        if self._producer.flush(timeout_s) > 0:
            raise UnavailableError("Kafka producer could not deliver every record in time")

    def close(self) -> None:
        self.flush()


class KafkaConsumer:
    def __init__(
        self, consumer: Any, topics: Sequence[str], start: Mapping[TopicPartition, int], timeout_s: float
    ) -> None:
        self._consumer = consumer
        self._timeout_s = timeout_s
        self._partitions: list[TopicPartition] = []
        deadline = time.monotonic() + timeout_s
        for topic in topics:
            meta = consumer.list_topics(topic, timeout=timeout_s).topics.get(topic)
            while meta is None or meta.error is not None or not meta.partitions:
                if time.monotonic() > deadline:
                    raise UnavailableError(f"topic {topic} has no partitions on the broker")
                time.sleep(0.1)
                meta = consumer.list_topics(topic, timeout=timeout_s).topics.get(topic)
            self._partitions.extend((topic, p) for p in sorted(meta.partitions))
        self._positions = {tp: start.get(tp, 0) for tp in self._partitions}
        consumer.assign(
            [confluent_kafka.TopicPartition(t, p, start.get((t, p), _BEGINNING)) for t, p in self._partitions]
        )

    def poll_batch(self, max_records: int, timeout_s: float) -> list[Record]:
        out: list[Record] = []
        append = out.append
        try:
            messages = self._consumer.consume(num_messages=max_records, timeout=timeout_s)
        except confluent_kafka.KafkaException as exc:
            raise UnavailableError(f"Kafka consume failed: {exc}") from exc
        new = tuple.__new__  # skips the named tuple's Python-level __new__, one call per record
        positions = self._positions
        for msg in messages:
            if msg.error() is not None:
                continue  # transient broker errors are retried by librdkafka
            headers = msg.headers()
            record = new(
                Record,
                (
                    msg.topic(),
                    msg.partition(),
                    msg.offset(),
                    msg.key(),
                    msg.value() or b"",
                    msg.timestamp()[1],
                    tuple(headers) if headers else (),
                ),
            )
            append(record)
            positions[(record[0], record[1])] = record[2] + 1
        return out

    def commit(self, offsets: Mapping[TopicPartition, int]) -> None:
        if offsets:
            tps = [confluent_kafka.TopicPartition(t, p, o) for (t, p), o in offsets.items()]
            # Asynchronous: the batch is already applied; a restart resumes from snapshot offsets, and
            # waiting a broker round trip per batch would cost a tenth of the ingest rate.
            try:
                self._consumer.commit(offsets=tps, asynchronous=True)
            except confluent_kafka.KafkaException as exc:
                raise UnavailableError(f"Kafka commit failed: {exc}") from exc

    def committed(self) -> dict[TopicPartition, int]:
        tps = [confluent_kafka.TopicPartition(t, p) for t, p in self._partitions]
        return {(tp.topic, tp.partition): tp.offset for tp in self._consumer.committed(tps, timeout=self._timeout_s)}

    def positions(self) -> dict[TopicPartition, int]:
        return dict(self._positions)

    def lag(self) -> dict[TopicPartition, int]:
        """High watermark minus position. The watermark comes from the latest fetch response where
        there is one (no round trip; and tansu answers ListOffsets with the last batch's base offset
        + 1, not the end), else from the broker."""
        out = {}
        for tp, pos in self._positions.items():
            ktp = confluent_kafka.TopicPartition(*tp)
            _, high = self._consumer.get_watermark_offsets(ktp, cached=True)
            if high < 0:
                try:
                    _, high = self._consumer.get_watermark_offsets(ktp, timeout=self._timeout_s, cached=False)
                except confluent_kafka.KafkaException as exc:
                    raise UnavailableError(f"Kafka watermarks of {tp} unavailable: {exc}") from exc
            out[tp] = max(high - pos, 0)
        return out

    def close(self) -> None:
        self._consumer.close()
