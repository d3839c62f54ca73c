"""Decode a batch of posts-topic records into store operations (SPEC §4.2 step 1, §4.7).

Pure: records in, columns and deletes out. A record that is not a valid Event, or a post event
missing its ids, is a failure (counted, dead-lettered, skipped); an Event whose payload Thunder does
not consume is counted as unknown; nullcast posts are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from google.protobuf.message import DecodeError

from foryou._proto.foryou.events.v1 import events_pb2
from foryou.core.snowflake import creation_ms
from foryou.thunder.light_post import NewPosts
from foryou.transport.record import Record

_VIDEO = events_pb2.VIDEO


@dataclass
class DecodedBatch:
    posts: NewPosts
    deletes: list[tuple[int, int]]  # (post_id, deleted_at_s) in record order
    failures: list[tuple[Record, str]] = field(default_factory=list)
    unknown: int = 0
    nullcast: int = 0


def decode_batch(records: Sequence[Record], *, min_video_duration_ms: int) -> DecodedBatch:
    cols: list[list[int]] = [[] for _ in range(10)]
    deletes: list[tuple[int, int]] = []
    failures: list[tuple[Record, str]] = []
    unknown = nullcast = 0
    event = events_pb2.Event()
    for record in records:
        try:
            event.ParseFromString(record.value)
        except DecodeError as exc:
            failures.append((record, f"not a foryou.events.v1.Event: {exc}"))
            continue
        kind = event.WhichOneof("payload")
        if kind == "post_created":
            p = event.post_created
            if p.post_id == 0 or p.author_id == 0:
                failures.append((record, "PostCreated without post_id or author_id"))
            elif p.nullcast:
                nullcast += 1
            else:
                created_ms = p.created_at_ms or creation_ms(p.post_id)
                media = p.media
                video = len(media) == 1 and media[0].kind == _VIDEO and media[0].duration_ms >= min_video_duration_ms
                for col, value in zip(
                    cols,
                    (
                        p.post_id,
                        p.author_id,
                        created_ms // 1000,
                        p.in_reply_to_post_id,
                        p.in_reply_to_user_id,
                        p.repost_of_post_id,
                        p.repost_of_user_id,
                        p.conversation_id,
                        p.quoted_post_id,
                        video,
                    ),
                    strict=True,
                ):
                    col.append(value)
        elif kind == "post_deleted":
            d = event.post_deleted
            if d.post_id == 0:
                failures.append((record, "PostDeleted without post_id"))
            else:
                at_ms = d.deleted_at_ms or event.event_time_ms or record.timestamp_ms
                deletes.append((d.post_id, at_ms // 1000))
        else:
            unknown += 1
    return DecodedBatch(_columns(cols), deletes, failures, unknown, nullcast)


def _columns(cols: list[list[int]]) -> NewPosts:
    u64 = [np.array(c, dtype=np.uint64) for c in cols]
    return NewPosts(
        post_id=u64[0],
        author_id=u64[1],
        created_at_s=np.array(cols[2], dtype=np.int64),
        in_reply_to_post_id=u64[3],
        in_reply_to_user_id=u64[4],
        source_post_id=u64[5],
        source_user_id=u64[6],
        conversation_id=u64[7],
        quoted_post_id=u64[8],
        has_video=np.array(cols[9], dtype=np.bool_),
    )
