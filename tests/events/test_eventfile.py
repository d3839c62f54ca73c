"""The length-prefixed event file: round trip, streaming, and clear errors for damaged files."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foryou.core import CorruptDataError, EventAction, make_snowflake
from foryou.events import MAGIC, EventWriter, engagement, iter_records, read_event_dir, read_events, write_events

T0 = 1_768_910_400_000


def _events(n: int) -> list:  # type: ignore[type-arg]
    return [
        engagement(
            user_id=1 + i % 7,
            post_id=make_snowflake(T0 + i),
            author_id=9,
            action=EventAction.IMPRESSION,
            impression_time_ms=T0 + i,
            dwell_ms=i,
        )
        for i in range(n)
    ]


def test_round_trip(tmp_path: Path) -> None:
    events = _events(50)
    path = tmp_path / "a.fyev"
    assert write_events(path, events) == 50
    assert list(read_events(path)) == events
    assert path.read_bytes().startswith(MAGIC)


def test_streams_across_read_chunks(tmp_path: Path) -> None:
    # Records larger in total than one read chunk (1 MiB) exercise the buffer boundary logic.
    events = _events(30_000)
    path = tmp_path / "big.fyev"
    write_events(path, events)
    assert path.stat().st_size > 1 << 20
    assert [e.event_id for e in read_events(path)] == [e.event_id for e in events]


def test_append_mode_keeps_existing_records(tmp_path: Path) -> None:
    events = _events(10)
    path = tmp_path / "a.fyev"
    write_events(path, events[:4])
    with EventWriter(path, append=True) as w:
        for e in events[4:]:
            w.append(e)
    assert list(read_events(path)) == events


@pytest.mark.parametrize("cut", [1, 3, 5, 20])
def test_truncated_tail_is_reported_with_offset_and_prefix_stays_readable(tmp_path: Path, cut: int) -> None:
    events = _events(5)
    path = tmp_path / "t.fyev"
    write_events(path, events)
    offsets = [off for off, _ in iter_records(path)]
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - cut] if cut < len(data) - offsets[-1] else data[: offsets[-1] + 2])
    seen = []
    with pytest.raises(CorruptDataError) as info:
        for e in read_events(path):
            seen.append(e)
    assert seen == events[:4]
    assert str(path) in str(info.value)
    assert f"offset {offsets[-1]}" in str(info.value)
    assert "truncated" in str(info.value)


def test_malformed_record_names_file_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "m.fyev"
    events = _events(3)
    write_events(path, events)
    offsets = [off for off, _ in iter_records(path)]
    data = bytearray(path.read_bytes())
    data[offsets[1] + 4] = 0xFF  # an invalid tag inside the second record's body
    data[offsets[1] + 5] = 0xFF
    path.write_bytes(bytes(data))
    it = read_events(path)
    assert next(it) == events[0]
    with pytest.raises(CorruptDataError, match=f"offset {offsets[1]}: malformed"):
        next(it)


def test_garbage_length_and_bad_magic(tmp_path: Path) -> None:
    path = tmp_path / "g.fyev"
    path.write_bytes(MAGIC + b"\xff\xff\xff\xff" + b"x" * 10)
    with pytest.raises(CorruptDataError, match="offset 8: record length"):
        list(read_events(path))
    path.write_bytes(b"NOTMAGIC")
    with pytest.raises(CorruptDataError, match="offset 0"):
        list(read_events(path))
    path.write_bytes(MAGIC[:3])
    with pytest.raises(CorruptDataError, match="truncated header"):
        list(read_events(path))


def test_read_event_dir_in_name_order(tmp_path: Path) -> None:
    events = _events(6)
    write_events(tmp_path / "segment-00001.fyev", events[3:])
    write_events(tmp_path / "segment-00000.fyev", events[:3])
    assert list(read_event_dir(tmp_path)) == events


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.binary(max_size=40), max_size=12), st.data())
def test_any_cut_keeps_the_intact_prefix(tmp_path: Path, records: list[bytes], data: st.DataObject) -> None:
    path = tmp_path / "p.fyev"
    with EventWriter(path) as w:
        w.extend_bytes(records)
    full = path.read_bytes()
    cut = data.draw(st.integers(len(MAGIC), len(full)))
    path.write_bytes(full[:cut])
    boundaries = [len(MAGIC)]
    for r in records:
        boundaries.append(boundaries[-1] + 4 + len(r))
    complete = sum(1 for b in boundaries[1:] if b <= cut)
    got = []
    if cut in boundaries:
        got = [rec for _, rec in iter_records(path)]
    else:
        with pytest.raises(CorruptDataError, match=f"offset {boundaries[complete]}: truncated"):
            for _, rec in iter_records(path):
                got.append(rec)
    assert got == records[:complete]
