"""SQL ServedHistoryStore: one row per served item, trimmed per viewer to the newest entries."""

from __future__ import annotations

from collections.abc import Sequence

from foryou.core.ids import PostId, UserId
from foryou.stores.limits import StoreLimits
from foryou.stores.served_order import ServedItem, recent_ids, sort_newest_first
from foryou.stores.sql.engine import SqlEngine, SqlTx, dec, enc

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS served_history (
        viewer_id BIGINT NOT NULL, request_id {text} NOT NULL, position BIGINT NOT NULL,
        served_at_ms BIGINT NOT NULL, post_id BIGINT NOT NULL, original_id BIGINT NOT NULL,
        PRIMARY KEY (viewer_id, request_id, position))""",
)
_SELECT = "SELECT served_at_ms, request_id, position, post_id, original_id FROM served_history WHERE viewer_id = ?"


def _items(tx: SqlTx, viewer: UserId, since_ms: int | None = None) -> list[ServedItem]:
    sql, params = (
        (_SELECT, [enc(viewer)]) if since_ms is None else (_SELECT + " AND served_at_ms >= ?", [enc(viewer), since_ms])
    )
    return [ServedItem(t, r, pos, PostId(dec(p)), PostId(dec(o))) for t, r, pos, p, o in tx.query(sql, params)]


class SqlServedHistoryStore:
    def __init__(self, engine: SqlEngine, limits: StoreLimits | None = None) -> None:
        self._engine = engine
        self._cap = (limits or StoreLimits()).max_served_per_viewer

    async def append(
        self, viewer: UserId, request_id: str, served_at_ms: int, items: Sequence[tuple[PostId, PostId]]
    ) -> None:
        rows = [(enc(viewer), request_id, pos, served_at_ms, enc(p), enc(o)) for pos, (p, o) in enumerate(items)]

        def apply(tx: SqlTx) -> None:
            if rows:
                tx.executemany("INSERT INTO served_history VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", rows)
            surplus = sort_newest_first(_items(tx, viewer))[self._cap :]
            if surplus:
                tx.executemany(
                    "DELETE FROM served_history WHERE viewer_id = ? AND request_id = ? AND position = ?",
                    [(enc(viewer), it.request_id, it.position) for it in surplus],
                )

        await self._engine.run(apply)

    async def recent(self, viewer: UserId, now_ms: int, max_age_s: int, max_ids: int) -> list[PostId]:
        since = now_ms - 1000 * max_age_s
        items = await self._engine.read(lambda tx: _items(tx, viewer, since))
        return recent_ids(items, now_ms, max_age_s, max_ids)
