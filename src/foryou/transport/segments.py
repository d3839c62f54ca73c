"""Length-prefixed segment files persisting one partition of the embedded log.

A partition directory holds `<base offset>.seg` files; each record is framed as
`<u32 key length><u32 value length><i64 timestamp ms><key><value>`, where the value is the serialized
protobuf Event. A torn last record (crash mid-write) is dropped on load; anything else malformed is
a `CorruptDataError` naming the file and offset.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from foryou.core.errors import CorruptDataError

_FRAME = struct.Struct("<IIq")
SEGMENT_RECORDS = 100_000  # records per segment file before a new one starts


class SegmentWriter:
    """Appends records of one partition, rolling to a new file every SEGMENT_RECORDS records."""

    def __init__(self, directory: Path, next_offset: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.next_offset = next_offset
        self._file: BinaryIO | None = None
        self._in_file = 0
        existing = sorted(directory.glob("*.seg"))
        if existing:
            self._in_file = next_offset - int(existing[-1].stem)
            self._file = existing[-1].open("ab")

    def append(self, key: bytes | None, value: bytes, timestamp_ms: int) -> None:
        if self._file is None or self._in_file >= SEGMENT_RECORDS:
            if self._file is not None:
                self._file.close()
            self._file = (self.directory / f"{self.next_offset:020d}.seg").open("ab")
            self._in_file = 0
        k = key or b""
        self._file.write(_FRAME.pack(len(k), len(value), timestamp_ms) + k + value)
        self._in_file += 1
        self.next_offset += 1

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def read_segments(directory: Path) -> Iterator[tuple[bytes | None, bytes, int]]:
    """Every record of a partition directory in offset order."""
    for path in sorted(directory.glob("*.seg")):
        data = path.read_bytes()
        at = 0
        while at < len(data):
            if at + _FRAME.size > len(data):
                break  # torn frame header at the end: the write never completed
            key_len, value_len, ts = _FRAME.unpack_from(data, at)
            end = at + _FRAME.size + key_len + value_len
            if end > len(data):
                if path != sorted(directory.glob("*.seg"))[-1]:
                    raise CorruptDataError(f"{path}: truncated record at byte {at}")
                break
            key = data[at + _FRAME.size : at + _FRAME.size + key_len]
            yield (key or None), data[at + _FRAME.size + key_len : end], ts
            at = end
