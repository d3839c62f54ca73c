"""`foryou ingest`: event files and segment directories into SQLite stores, twice, with the same result."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from typer.testing import CliRunner

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.cli.main import app
from foryou.core import UserId
from foryou.events import SEGMENT_SUFFIX, write_events
from foryou.stores import Stores, open_stores
from foryou.transport import ENGAGEMENTS, GRAPH, POSTS, EmbeddedLog, key_for

runner = CliRunner()
POST = 2_013_582_276_817_846_272


def _events() -> list[pb.Event]:
    follow = pb.SocialEdgeChanged(source_user_id=1, target_user_id=2, edge=pb.FOLLOW, active=True)
    like = pb.EngagementEvent(user_id=1, post_id=POST, author_id=2, action=1, engaged_time_ms=10)
    return [
        pb.Event(event_id="p", post_created=pb.PostCreated(post_id=POST, author_id=2, text="hi")),
        pb.Event(event_id="f", social_edge=follow),
        pb.Event(event_id="e", engagement=like),
        pb.Event(event_id="x"),
    ]


def _state(url: str) -> tuple[object, ...]:
    stores = open_stores(url)
    try:
        return asyncio.run(_read(stores))
    finally:
        stores.close()


async def _read(stores: Stores) -> tuple[object, ...]:
    return (
        await stores.social_graph.following(UserId(1), 10),
        [a.event_id for a in await stores.user_actions.actions(UserId(1))],
        sorted(await stores.posts.core_data([POST])),
    )


def test_ingest_a_file_twice(tmp_path: Path) -> None:
    events = tmp_path / f"events{SEGMENT_SUFFIX}"
    write_events(events, _events())
    url = f"sqlite:{tmp_path / 'stores'}"
    first = runner.invoke(app, ["ingest", "--events", str(events), "--stores", url])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.output)
    assert summary["events"] == 4 and summary["unknown_payloads"] == 1
    assert summary["applied"] == {"engagement": 1, "post_created": 1, "social_edge": 1}
    state = _state(url)
    assert state == ([2], ["e"], [POST])
    assert runner.invoke(app, ["ingest", "--events", str(events), "--stores", url]).exit_code == 0
    assert _state(url) == state


def test_ingest_a_directory_of_segments(tmp_path: Path) -> None:
    segments = tmp_path / "log"
    segments.mkdir()
    events = _events()
    write_events(segments / f"000{SEGMENT_SUFFIX}", events[:2])
    write_events(segments / f"001{SEGMENT_SUFFIX}", events[2:])
    url = f"sqlite:{tmp_path / 'stores'}"
    result = runner.invoke(app, ["ingest", "--events", str(segments), "--stores", url])
    assert result.exit_code == 0, result.output
    assert _state(url) == ([2], ["e"], [POST])


def test_a_bad_store_location_is_reported(tmp_path: Path) -> None:
    events = tmp_path / f"events{SEGMENT_SUFFIX}"
    write_events(events, _events())
    result = runner.invoke(app, ["ingest", "--events", str(events), "--stores", "redis:x"])
    assert result.exit_code == 1
    assert "sqlite:DIR" in result.output


def test_ingest_a_persisted_embedded_log(tmp_path: Path) -> None:
    log = EmbeddedLog(tmp_path / "log")
    producer = log.producer()
    for event in _events():
        topic = GRAPH if event.HasField("social_edge") else POSTS
        producer.produce(topic, event.SerializeToString(), key=key_for(1))
    producer.produce(ENGAGEMENTS, b"\xff\xff not an event")
    producer.flush()
    log.close()
    url = f"sqlite:{tmp_path / 'stores'}"
    result = runner.invoke(app, ["ingest", "--log", str(tmp_path / "log"), "--stores", url])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["events"], summary["undecodable"]) == (4, 1)
    assert _state(url) == ([2], ["e"], [POST])
    reopened = EmbeddedLog(tmp_path / "log")
    assert sum(reopened.committed("foryou-stores").values()) == 5  # offsets were committed
    reopened.close()


def test_exactly_one_source_is_required(tmp_path: Path) -> None:
    assert runner.invoke(app, ["ingest", "--stores", "memory"]).exit_code == 2
    both = runner.invoke(app, ["ingest", "--events", str(tmp_path), "--log", str(tmp_path)])
    assert both.exit_code == 2
