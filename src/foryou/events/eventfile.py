"""The event file format: length-prefixed protobuf `Event` records.

Layout: the 8-byte magic `FYEVLOG1`, then per record a u32 little-endian length followed by that many
bytes of a serialized `foryou.events.v1.Event`. Files are only ever appended to, so a crash can at worst
leave a torn last record: the reader yields every complete record before it and then raises
`CorruptDataError` naming the file and the byte offset where the bad record starts; it never drops a
torn tail silently. The embedded log persists its segments and the world simulator writes its stream
in this format.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from google.protobuf.message import DecodeError

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.core.errors import CorruptDataError

MAGIC = b"FYEVLOG1"
SEGMENT_SUFFIX = ".fyev"
# A record longer than this is taken to be garbage in the length prefix, not a real event.
MAX_RECORD_BYTES = 64 << 20
_LEN = struct.Struct("<I")
_READ_CHUNK = 1 << 20
_FLUSH_BYTES = 4 << 20


class EventWriter:
    """Appends records to one event file, buffering at most ~4 MiB before writing through."""

    def __init__(self, path: str | Path, *, append: bool = False) -> None:
        self.path = Path(path)
        self._buffer: list[bytes] = []
        self._buffered = 0
        self.records_written = 0
        if append and self.path.exists() and self.path.stat().st_size > 0:
            with self.path.open("rb") as f:
                if f.read(len(MAGIC)) != MAGIC:
                    raise CorruptDataError(f"{self.path}: offset 0: not an event file (bad magic)")
            self._file: BinaryIO = self.path.open("ab")
        else:
            self._file = self.path.open("wb")
            self._file.write(MAGIC)

    def append(self, event: pb.Event) -> None:
        self.append_bytes(event.SerializeToString())

    def append_bytes(self, record: bytes) -> None:
        """Append one already-serialized `Event`."""
        if len(record) > MAX_RECORD_BYTES:
            raise CorruptDataError(f"{self.path}: record of {len(record)} bytes exceeds {MAX_RECORD_BYTES}")
        self._buffer.append(_LEN.pack(len(record)) + record)
        self._buffered += len(record) + 4
        self.records_written += 1
        if self._buffered >= _FLUSH_BYTES:
            self.flush()

    def extend_bytes(self, records: Iterable[bytes]) -> None:
        """Append many already-serialized records (the fast path of bulk producers)."""
        pack = _LEN.pack
        batch: list[bytes] = []
        size = 0
        for record in records:
            if len(record) > MAX_RECORD_BYTES:
                raise CorruptDataError(f"{self.path}: record of {len(record)} bytes exceeds {MAX_RECORD_BYTES}")
            batch.append(pack(len(record)) + record)
            size += len(record)
            if size >= _FLUSH_BYTES:
                self._buffer.extend(batch)
                self._buffered += size
                self.records_written += len(batch)
                batch, size = [], 0
                self.flush()
        self._buffer.extend(batch)
        self._buffered += size
        self.records_written += len(batch)

    def flush(self) -> None:
        """Write buffered records through to the operating system."""
        if self._buffer:
            self._file.write(b"".join(self._buffer))
            self._buffer.clear()
            self._buffered = 0
        self._file.flush()

    def close(self) -> None:
        if not self._file.closed:
            self.flush()
            self._file.close()

    def __enter__(self) -> EventWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def iter_records(path: str | Path) -> Iterator[tuple[int, bytes]]:
    """Yield (byte offset, serialized Event) for every record, streaming with bounded memory."""
    path = Path(path)
    with path.open("rb") as f:
        head = f.read(len(MAGIC))
        if head != MAGIC:
            what = "truncated header" if MAGIC.startswith(head) else "bad magic"
            raise CorruptDataError(f"{path}: offset 0: not an event file ({what})")
        buf = b""
        pos = 0  # position of buf[0] relative to the file start
        base = len(MAGIC)
        eof = False
        while True:
            view_off = 0
            while True:
                if len(buf) - view_off < 4:
                    break
                (length,) = _LEN.unpack_from(buf, view_off)
                if length > MAX_RECORD_BYTES:
                    raise CorruptDataError(
                        f"{path}: offset {base + pos + view_off}: record length {length} exceeds {MAX_RECORD_BYTES}"
                    )
                end = view_off + 4 + length
                if end > len(buf):
                    break
                yield base + pos + view_off, buf[view_off + 4 : end]
                view_off = end
            buf = buf[view_off:]
            pos += view_off
            if eof:
                break
            chunk = f.read(max(_READ_CHUNK, len(buf) + 4))
            if not chunk:
                eof = True
                if not buf:
                    return
                continue
            buf += chunk
        raise CorruptDataError(
            f"{path}: offset {base + pos}: truncated record ({len(buf)} trailing bytes, "
            "records before this offset are intact)"
        )


def read_events(path: str | Path) -> Iterator[pb.Event]:
    """Yield every `Event` of an event file in order; a malformed record raises `CorruptDataError`."""
    for offset, record in iter_records(path):
        event = pb.Event()
        try:
            event.ParseFromString(record)
        except DecodeError as exc:
            raise CorruptDataError(f"{path}: offset {offset}: malformed Event record ({exc})") from exc
        yield event


def segment_paths(directory: str | Path) -> list[Path]:
    """The event files of a directory in stream order (names sort in order)."""
    return sorted(Path(directory).glob(f"*{SEGMENT_SUFFIX}"))


def read_event_dir(directory: str | Path) -> Iterator[pb.Event]:
    """Every event of every segment file of `directory`, in order."""
    for path in segment_paths(directory):
        yield from read_events(path)


def write_events(path: str | Path, events: Iterable[pb.Event]) -> int:
    """Write a whole event file; returns the number of records."""
    with EventWriter(path) as writer:
        for event in events:
            writer.append(event)
        return writer.records_written
