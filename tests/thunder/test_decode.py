"""Decoding posts-topic records: classification (SPEC §4.2 step 1) and poison messages."""

from __future__ import annotations

from foryou._proto.foryou.events.v1 import events_pb2
from foryou.thunder.ingest import decode_batch
from foryou.transport import Record
from thunder.helpers import NOW, created_event, deleted_event, post


def _records(*values: bytes) -> list[Record]:
    return [Record("foryou.posts.v1", 0, i, None, v) for i, v in enumerate(values)]


def test_classification_and_video_rule() -> None:
    two_media = events_pb2.Event()
    two_media.post_created.post_id, two_media.post_created.author_id = 5, 2
    two_media.post_created.created_at_ms = NOW * 1000
    two_media.post_created.media.add(kind=events_pb2.VIDEO, duration_ms=60_000)
    two_media.post_created.media.add(kind=events_pb2.PHOTO)
    batch = decode_batch(
        _records(
            created_event(post(1, 2), video_ms=10_000),
            created_event(post(2, 2), video_ms=9_999),
            created_event(post(3, 2, in_reply_to_user_id=7)),
            created_event(post(4, 2, source_post_id=1, source_user_id=2)),
            two_media.SerializeToString(),
            created_event(post(6, 2), nullcast=True),
        ),
        min_video_duration_ms=10_000,
    )
    rows = batch.posts.rows()
    assert [p.post_id for p in rows] == [1, 2, 3, 4, 5]
    assert [p.has_video for p in rows] == [True, False, False, False, False]
    assert [p.is_reply for p in rows] == [False, False, True, False, False]
    assert [p.is_retweet for p in rows] == [False, False, False, True, False]
    assert batch.nullcast == 1
    assert rows[0] == post(1, 2, has_video=True)


def test_poison_and_unknown_payloads_are_counted_not_raised() -> None:
    engagement = events_pb2.Event(engagement=events_pb2.EngagementEvent(user_id=1, post_id=2))
    no_ids = events_pb2.Event(post_created=events_pb2.PostCreated(text="x"))
    batch = decode_batch(
        _records(b"\xff\xff\xff", engagement.SerializeToString(), no_ids.SerializeToString(), deleted_event(9, 2, NOW)),
        min_video_duration_ms=0,
    )
    assert [r.offset for r, _ in batch.failures] == [0, 2]
    assert batch.unknown == 1
    assert batch.deletes == [(9, NOW)]
    assert len(batch.posts) == 0
