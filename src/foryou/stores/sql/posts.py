"""SQL PostEntityStore: a posts table (media as JSON), tombstones, and the quote cascade."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Any

from foryou.core.ids import AuthorId, PostId
from foryou.core.snowflake import creation_ms
from foryou.stores.models import InsertResult, Media, MediaKind, PostCoreData
from foryou.stores.sql.engine import Row, SqlEngine, SqlTx, chunks, dec, enc, marks

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS posts (
        post_id BIGINT PRIMARY KEY, author_id BIGINT NOT NULL, created_at_ms BIGINT NOT NULL,
        text {text} NOT NULL, conversation_id BIGINT NOT NULL, in_reply_to_post_id BIGINT NOT NULL,
        in_reply_to_user_id BIGINT NOT NULL, repost_of_post_id BIGINT NOT NULL,
        repost_of_user_id BIGINT NOT NULL, quoted_post_id BIGINT NOT NULL, quoted_user_id BIGINT NOT NULL,
        media {text} NOT NULL, subscriber_only BIGINT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS posts_by_quoted ON posts (quoted_post_id)",
    "CREATE INDEX IF NOT EXISTS posts_by_age ON posts (created_at_ms)",
    "CREATE TABLE IF NOT EXISTS post_tombstones (post_id BIGINT PRIMARY KEY, created_at_ms BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS post_tombstones_by_age ON post_tombstones (created_at_ms)",
)
_WRAP = 1 << 64
_COLUMNS = (
    "post_id, author_id, created_at_ms, text, conversation_id, in_reply_to_post_id, in_reply_to_user_id, "
    "repost_of_post_id, repost_of_user_id, quoted_post_id, quoted_user_id, media, subscriber_only"
)


def _row(p: PostCoreData) -> tuple[object, ...]:
    media = json.dumps([[int(m.kind), m.duration_ms] for m in p.media]) if p.media else ""
    return (
        enc(p.post_id), enc(p.author_id), p.created_at_ms, p.text, enc(p.conversation_id),
        enc(p.in_reply_to_post_id), enc(p.in_reply_to_user_id), enc(p.repost_of_post_id),
        enc(p.repost_of_user_id), enc(p.quoted_post_id), enc(p.quoted_user_id), media, int(p.subscriber_only),
    )  # fmt: skip


@functools.lru_cache(maxsize=4096)
def _media(text: str) -> tuple[Media, ...]:
    """Media lists repeat (one video of a common length, one photo): decode each distinct one once."""
    return tuple(Media(MediaKind(kind), duration) for kind, duration in json.loads(text))


def _post(r: Row) -> PostCoreData:
    # Hot path (thousands of rows per request): ids decoded inline, fields passed by position.
    ids: list[Any] = [v + _WRAP if v < 0 else v for v in (r[0], r[1], r[4], r[5], r[6], r[7], r[8], r[9], r[10])]
    media = _media(r[11]) if r[11] else ()
    return PostCoreData(
        ids[0], ids[1], r[2], r[3], ids[2], ids[3], ids[4], ids[5], ids[6], ids[7], ids[8], media, bool(r[12])
    )


class SqlPostEntityStore:
    def __init__(self, engine: SqlEngine) -> None:
        self._engine = engine

    async def insert(self, post: PostCoreData) -> InsertResult:
        row = _row(post)

        def apply(tx: SqlTx) -> InsertResult:
            if tx.query("SELECT 1 FROM post_tombstones WHERE post_id = ?", (row[0],)):
                return InsertResult.DELETED
            if tx.query("SELECT 1 FROM posts WHERE post_id = ?", (row[0],)):
                return InsertResult.DUPLICATE
            if post.quoted_post_id and tx.query(
                "SELECT 1 FROM post_tombstones WHERE post_id = ?", (enc(post.quoted_post_id),)
            ):
                tx.execute("INSERT INTO post_tombstones VALUES (?, ?)", (row[0], creation_ms(post.post_id)))
                return InsertResult.DELETED
            tx.execute(f"INSERT INTO posts ({_COLUMNS}) VALUES ({marks(13)})", row)
            return InsertResult.STORED

        return await self._engine.run(apply)

    async def delete(self, post_id: PostId, deleted_at_ms: int) -> list[PostId]:
        def apply(tx: SqlTx) -> list[PostId]:
            quoting = tx.query("SELECT post_id FROM posts WHERE quoted_post_id = ?", (enc(post_id),))
            victims = [post_id, *sorted(PostId(dec(q)) for (q,) in quoting)]
            removed = []
            for victim in victims:
                if tx.execute("DELETE FROM posts WHERE post_id = ?", (enc(victim),)) > 0:
                    removed.append(victim)
                tx.execute(
                    "INSERT INTO post_tombstones VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (enc(victim), creation_ms(victim)),
                )
            return removed

        return await self._engine.run(apply)

    async def core_data(self, ids: Sequence[PostId]) -> dict[PostId, PostCoreData]:
        def read(tx: SqlTx) -> dict[PostId, PostCoreData]:
            out: dict[PostId, PostCoreData] = {}
            for part in chunks(ids):
                for r in tx.query(f"SELECT {_COLUMNS} FROM posts WHERE post_id IN ({marks(len(part))})", part):
                    post = _post(r)
                    out[post.post_id] = post
            return out

        return await self._engine.read(read)

    async def media(self, ids: Sequence[PostId]) -> dict[PostId, tuple[Media, ...]]:
        return {i: p.media for i, p in (await self.core_data(ids)).items()}

    async def subscription_author(self, ids: Sequence[PostId]) -> dict[PostId, AuthorId]:
        return {i: p.author_id for i, p in (await self.core_data(ids)).items() if p.subscriber_only}

    async def purge(self, before_ms: int) -> int:
        def apply(tx: SqlTx) -> int:
            posts = tx.execute("DELETE FROM posts WHERE created_at_ms < ?", (before_ms,))
            return posts + tx.execute("DELETE FROM post_tombstones WHERE created_at_ms < ?", (before_ms,))

        return await self._engine.run(apply)
