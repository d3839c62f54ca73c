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
_MAX_ID = (1 << 64) - 1


@dataclass
class DecodedBatch:
    posts: NewPosts
    deletes: list[tuple[int, int]]  # (post_id, deleted_at_s) in record order
    failures: list[tuple[Record, str]] = field(default_factory=list)
    unknown: int = 0
    nullcast: int = 0


def decode_batch(records: Sequence[Record], *, min_video_duration_ms: int) -> DecodedBatch:
    rows: list[tuple[int, ...]] = []
    deletes: list[tuple[int, int]] = []
    failures: list[tuple[Record, str]] = []
    unknown = nullcast = 0
    parse = events_pb2.Event.FromString
    for record in records:
        try:
            event = parse(record.value)
        except DecodeError as exc:
            failures.append((record, f"not a foryou.events.v1.Event: {exc}"))
            continue
        kind = event.WhichOneof("payload")
        if kind == "post_created":
            p = event.post_created
            pid, aid = p.post_id, p.author_id
            created_ms = p.created_at_ms or creation_ms(pid)
            if not (0 < pid < _MAX_ID and 0 < aid < _MAX_ID) or created_ms < 0:
                failures.append((record, "PostCreated without valid post_id, author_id or created_at_ms"))
            elif p.nullcast:
                nullcast += 1
            else:
                media = p.media
                video = len(media) == 1 and media[0].kind == _VIDEO and media[0].duration_ms >= min_video_duration_ms
                rows.append(
                    (
                        pid,
                        aid,
                        created_ms // 1000,
                        p.in_reply_to_post_id,
                        p.in_reply_to_user_id,
                        p.repost_of_post_id,
                        p.repost_of_user_id,
                        p.conversation_id,
                        p.quoted_post_id,
                        video,
                    )
                )
        elif kind == "post_deleted":
            d = event.post_deleted
            if not _valid(d.post_id):
                failures.append((record, "PostDeleted without a valid post_id"))
            else:
                at_ms = d.deleted_at_ms or event.event_time_ms or record.timestamp_ms
                deletes.append((d.post_id, at_ms // 1000))
        else:
            unknown += 1
    return DecodedBatch(_columns(rows), deletes, failures, unknown, nullcast)


def _valid(entity_id: int) -> bool:
    return 0 < entity_id < _MAX_ID  # the all-ones id is reserved by the store's hash tables


def _columns(rows: list[tuple[int, ...]]) -> NewPosts:
    table = np.array(rows, dtype=np.uint64).reshape(-1, 10)  # one conversion for the whole batch
    return NewPosts(
        post_id=table[:, 0].copy(),
        author_id=table[:, 1].copy(),
        created_at_s=table[:, 2].astype(np.int64),
        in_reply_to_post_id=table[:, 3].copy(),
        in_reply_to_user_id=table[:, 4].copy(),
        source_post_id=table[:, 5].copy(),
        source_user_id=table[:, 6].copy(),
        conversation_id=table[:, 7].copy(),
        quoted_post_id=table[:, 8].copy(),
        has_video=table[:, 9].astype(np.bool_),
    )
