"""SQL UserActionStore: one row per (user, event id), trimmed to the newest actions per user."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from foryou.core.ids import UserId
from foryou.stores.limits import StoreLimits
from foryou.stores.models import UserAction
from foryou.stores.sql.engine import Row, SqlEngine, SqlTx, enc

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS user_actions (
        user_id BIGINT NOT NULL, event_id {text} NOT NULL, time_ms BIGINT NOT NULL,
        post_id BIGINT NOT NULL, author_id BIGINT NOT NULL, action BIGINT NOT NULL,
        product_surface BIGINT NOT NULL, impression_time_ms BIGINT NOT NULL,
        engaged_time_ms BIGINT NOT NULL, dwell_ms BIGINT NOT NULL, event_time_ms BIGINT NOT NULL,
        request_id {text} NOT NULL, PRIMARY KEY (user_id, event_id))""",
    "CREATE INDEX IF NOT EXISTS user_actions_by_time ON user_actions (user_id, time_ms, event_id)",
    "CREATE TABLE IF NOT EXISTS user_action_counts (user_id BIGINT PRIMARY KEY, n BIGINT NOT NULL)",
)
_WRAP = 1 << 64
_COLUMNS = (
    "event_id, user_id, post_id, author_id, action, product_surface, impression_time_ms, "
    "engaged_time_ms, dwell_ms, event_time_ms, request_id"
)


def _row(a: UserAction) -> tuple[object, ...]:
    return (
        a.event_id, enc(a.user_id), enc(a.post_id), enc(a.author_id), a.action, a.product_surface,
        a.impression_time_ms, a.engaged_time_ms, a.dwell_ms, a.event_time_ms, a.request_id, a.time_ms,
    )  # fmt: skip


def _action(r: Row) -> UserAction:
    # Hot path (up to 10 000 rows per read): ids decoded inline, fields passed by position.
    ids: list[Any] = [v + _WRAP if v < 0 else v for v in (r[1], r[2], r[3])]
    return UserAction(r[0], *ids, *r[4:])


class SqlUserActionStore:
    def __init__(self, engine: SqlEngine, limits: StoreLimits | None = None) -> None:
        self._engine = engine
        self._cap = (limits or StoreLimits()).max_actions_per_user

    async def add(self, actions: Sequence[UserAction]) -> int:
        rows = [_row(a) for a in actions]
        return await self._engine.run(lambda tx: self._add(tx, rows))

    def _add(self, tx: SqlTx, rows: list[tuple[object, ...]]) -> int:
        added: Counter[int] = Counter()
        for row in rows:
            sql = f"INSERT INTO user_actions ({_COLUMNS}, time_ms) VALUES ({','.join('?' * 12)}) ON CONFLICT DO NOTHING"
            if tx.execute(sql, row) > 0:
                added[int(row[1])] += 1  # type: ignore[call-overload]
        for user, n in added.items():
            tx.execute(
                "INSERT INTO user_action_counts VALUES (?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET n = user_action_counts.n + excluded.n",
                (user, n),
            )
            (count,) = tx.query("SELECT n FROM user_action_counts WHERE user_id = ?", (user,))[0]
            if count > self._cap:
                self._trim(tx, user)
        return sum(added.values())

    def _trim(self, tx: SqlTx, user: int) -> None:
        cutoff = tx.query(
            "SELECT time_ms, event_id FROM user_actions WHERE user_id = ? "
            "ORDER BY time_ms DESC, event_id DESC LIMIT 1 OFFSET ?",
            (user, self._cap - 1),
        )
        time_ms, event_id = cutoff[0]
        tx.execute(
            "DELETE FROM user_actions WHERE user_id = ? AND (time_ms < ? OR (time_ms = ? AND event_id < ?))",
            (user, time_ms, time_ms, event_id),
        )
        tx.execute("UPDATE user_action_counts SET n = ? WHERE user_id = ?", (self._cap, user))

    async def actions(self, user: UserId) -> list[UserAction]:
        sql = f"SELECT {_COLUMNS} FROM user_actions WHERE user_id = ? ORDER BY time_ms DESC, event_id DESC LIMIT ?"
        rows = await self._engine.read(lambda tx: tx.query(sql, (enc(user), self._cap)))
        return [_action(r) for r in reversed(rows)]
