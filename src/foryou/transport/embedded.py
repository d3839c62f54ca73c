"""The embedded event log: an in-process, append-only, partitioned log per topic (SPEC §4.8).

Same contract as the Kafka adapter: offsets per partition, consumer groups with committed offsets,
replay from 0, lag = end offset − position. With a directory it survives restarts: records go to
segment files and committed offsets to `<directory>/_groups/<group>.json`.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from foryou.core.errors import InvalidInputError
from foryou.transport.record import Headers, Record, TopicPartition
from foryou.transport.segments import SegmentWriter, read_segments
from foryou.transport.topics import CONTENT_TYPE_HEADER, DEFAULT_PARTITIONS, EVENT_CONTENT_TYPE, partition_for

_DEFAULT_HEADERS: Headers = ((CONTENT_TYPE_HEADER, EVENT_CONTENT_TYPE.encode()),)


class EmbeddedLog:
    """The broker of single-process mode; also a `Transport`."""

    def __init__(self, directory: Path | None = None, *, default_partitions: int = DEFAULT_PARTITIONS) -> None:
        self.directory = directory
        self.default_partitions = default_partitions
        self._topics: dict[str, list[list[Record]]] = {}
        self._writers: dict[TopicPartition, SegmentWriter] = {}
        self._groups: dict[str, dict[TopicPartition, int]] = {}
        self._cond = threading.Condition()
        if directory is not None:
            self._load(directory)

    # ---------------------------------------------------------------- topics and records
    def ensure_topics(self, topics: Sequence[str], partitions: int | None = None) -> None:
        with self._cond:
            for topic in topics:
                if topic not in self._topics:
                    self._topics[topic] = [[] for _ in range(partitions or self.default_partitions)]
                    if self.directory is not None:
                        for p in range(len(self._topics[topic])):
                            (self.directory / topic / str(p)).mkdir(parents=True, exist_ok=True)

    def partitions(self, topic: str) -> int:
        with self._cond:
            return len(self._topics[topic])

    def append(self, topic: str, value: bytes, *, key: bytes | None = None, headers: Headers = ()) -> Record:
        self.ensure_topics([topic])
        with self._cond:
            parts = self._topics[topic]
            p = partition_for(key, len(parts))
            record = Record(
                topic, p, len(parts[p]), key, value, time.time_ns() // 1_000_000, headers or _DEFAULT_HEADERS
            )
            parts[p].append(record)
            if self.directory is not None:
                self._writer(topic, p).append(key, value, record.timestamp_ms)
            self._cond.notify_all()
            return record

    def read(self, tp: TopicPartition, offset: int, max_records: int) -> list[Record]:
        with self._cond:
            return self._topics[tp[0]][tp[1]][offset : offset + max_records]

    def end_offset(self, tp: TopicPartition) -> int:
        with self._cond:
            return len(self._topics[tp[0]][tp[1]])

    def wait_for_data(self, positions: Mapping[TopicPartition, int], timeout_s: float) -> None:
        """Block until some partition has records past its position, or the timeout passes."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while not any(len(self._topics[t][p]) > o for (t, p), o in positions.items()):
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self._cond.wait(left)

    # ---------------------------------------------------------------- groups
    def commit(self, group: str, offsets: Mapping[TopicPartition, int]) -> None:
        with self._cond:
            self._groups.setdefault(group, {}).update(offsets)
            if self.directory is not None:
                for writer in self._writers.values():
                    writer.flush()  # records reach disk before the offsets that cover them
                self._save_group(group)

    def committed(self, group: str) -> dict[TopicPartition, int]:
        with self._cond:
            return dict(self._groups.get(group, {}))

    # ---------------------------------------------------------------- Transport
    def producer(self) -> EmbeddedProducer:
        return EmbeddedProducer(self)

    def consumer(
        self, group_id: str, topics: Sequence[str], *, start: Mapping[TopicPartition, int] | None = None
    ) -> EmbeddedConsumer:
        self.ensure_topics(topics)
        return EmbeddedConsumer(self, group_id, topics, start or {})

    def close(self) -> None:
        with self._cond:
            for writer in self._writers.values():
                writer.close()
            self._writers.clear()

    # ---------------------------------------------------------------- persistence
    def _writer(self, topic: str, partition: int) -> SegmentWriter:
        tp = (topic, partition)
        if tp not in self._writers:
            assert self.directory is not None
            self._writers[tp] = SegmentWriter(
                self.directory / topic / str(partition), len(self._topics[topic][partition])
            )
        return self._writers[tp]

    def _load(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for topic_dir in sorted(p for p in directory.iterdir() if p.is_dir() and p.name != "_groups"):
            parts = sorted((int(p.name), p) for p in topic_dir.iterdir() if p.is_dir())
            self._topics[topic_dir.name] = [
                [
                    Record(topic_dir.name, number, offset, key, value, ts, _DEFAULT_HEADERS)
                    for offset, (key, value, ts) in enumerate(read_segments(path))
                ]
                for number, path in parts
            ]
        for path in (directory / "_groups").glob("*.json"):
            raw = json.loads(path.read_text())
            self._groups[path.stem] = {(t, int(p)): int(o) for t, p, o in raw}

    def _save_group(self, group: str) -> None:
        assert self.directory is not None
        folder = self.directory / "_groups"
        folder.mkdir(exist_ok=True)
        rows = [[t, p, o] for (t, p), o in sorted(self._groups[group].items())]
        tmp = folder / f"{group}.json.tmp"
        tmp.write_text(json.dumps(rows))
        os.replace(tmp, folder / f"{group}.json")


class EmbeddedProducer:
    def __init__(self, log: EmbeddedLog) -> None:
        self._log = log

    def produce(self, topic: str, value: bytes, *, key: bytes | None = None, headers: Headers = ()) -> None:
        self._log.append(topic, value, key=key, headers=headers)

    def flush(self, timeout_s: float = 10.0) -> None:
        """Appends are synchronous: nothing is ever pending."""

    def close(self) -> None:
        """Nothing to release."""


class EmbeddedConsumer:
    """Reads every partition of its topics, round robin, from `start` or offset 0."""

    def __init__(
        self, log: EmbeddedLog, group_id: str, topics: Sequence[str], start: Mapping[TopicPartition, int]
    ) -> None:
        if not group_id:
            raise InvalidInputError("consumer group id must not be empty")
        self._log = log
        self.group_id = group_id
        self._positions = {(t, p): start.get((t, p), 0) for t in topics for p in range(log.partitions(t))}
        self._next = 0

    def poll_batch(self, max_records: int, timeout_s: float) -> list[Record]:
        batch = self._take(max_records)
        if not batch and timeout_s > 0:
            self._log.wait_for_data(self._positions, timeout_s)
            batch = self._take(max_records)
        return batch

    def _take(self, max_records: int) -> list[Record]:
        out: list[Record] = []
        tps = list(self._positions)
        for i in range(len(tps)):
            tp = tps[(self._next + i) % len(tps)]
            got = self._log.read(tp, self._positions[tp], max_records - len(out))
            if got:
                self._positions[tp] += len(got)
                out.extend(got)
            if len(out) >= max_records:
                break
        self._next = (self._next + 1) % max(len(tps), 1)
        return out

    def commit(self, offsets: Mapping[TopicPartition, int]) -> None:
        self._log.commit(self.group_id, offsets)

    def committed(self) -> dict[TopicPartition, int]:
        return self._log.committed(self.group_id)

    def positions(self) -> dict[TopicPartition, int]:
        return dict(self._positions)

    def lag(self) -> dict[TopicPartition, int]:
        return {tp: self._log.end_offset(tp) - pos for tp, pos in self._positions.items()}

    def close(self) -> None:
        """Positions are not kept: commit what must survive."""
