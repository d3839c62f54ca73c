"""SQL SocialGraphStore: edge and subscription tables, a follower-count table, muted keywords."""

from __future__ import annotations

from collections.abc import Sequence

from foryou.core.ids import UserId
from foryou.stores.limits import StoreLimits
from foryou.stores.models import EdgeKind, UserFeatures
from foryou.stores.normalize import normalize_keywords
from foryou.stores.sql.engine import SqlEngine, SqlTx, dec, enc

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS edges (
        kind BIGINT NOT NULL, source BIGINT NOT NULL, target BIGINT NOT NULL,
        PRIMARY KEY (source, kind, target))""",
    "CREATE TABLE IF NOT EXISTS follower_counts (user_id BIGINT PRIMARY KEY, n BIGINT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS muted_keywords (
        user_id BIGINT NOT NULL, position BIGINT NOT NULL, keyword {text} NOT NULL,
        PRIMARY KEY (user_id, position))""",
)
_SUBSCRIPTION = 0  # edge kind under which subscriptions are kept; graph edge kinds start at 1


class SqlSocialGraphStore:
    def __init__(self, engine: SqlEngine, limits: StoreLimits | None = None) -> None:
        self._engine = engine
        self._limits = limits or StoreLimits()

    @staticmethod
    def _toggle(tx: SqlTx, kind: int, source: UserId, target: UserId, active: bool) -> bool:
        key = (kind, enc(source), enc(target))
        if active:
            return tx.execute("INSERT INTO edges VALUES (?, ?, ?) ON CONFLICT DO NOTHING", key) > 0
        return tx.execute("DELETE FROM edges WHERE kind = ? AND source = ? AND target = ?", key) > 0

    @staticmethod
    def _count(tx: SqlTx, user: UserId, delta: int) -> None:
        tx.execute(
            "INSERT INTO follower_counts VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET n = follower_counts.n + ?",
            (enc(user), delta, delta),
        )
        tx.execute("DELETE FROM follower_counts WHERE user_id = ? AND n <= 0", (enc(user),))

    async def set_edge(self, source: UserId, target: UserId, kind: EdgeKind, *, active: bool) -> bool:
        def apply(tx: SqlTx) -> bool:
            changed = self._toggle(tx, int(kind), source, target, active)
            if changed and kind == EdgeKind.FOLLOW:
                self._count(tx, target, 1 if active else -1)
            return changed

        return await self._engine.run(apply)

    async def set_muted_keywords(self, user: UserId, keywords: Sequence[str]) -> None:
        kept = normalize_keywords(keywords, self._limits.max_muted_keywords)
        rows = [(enc(user), i, word) for i, word in enumerate(kept)]

        def apply(tx: SqlTx) -> None:
            tx.execute("DELETE FROM muted_keywords WHERE user_id = ?", (enc(user),))
            if rows:
                tx.executemany("INSERT INTO muted_keywords VALUES (?, ?, ?)", rows)

        await self._engine.run(apply)

    async def set_subscription(self, subscriber: UserId, creator: UserId, *, active: bool) -> bool:
        return await self._engine.run(lambda tx: self._toggle(tx, _SUBSCRIPTION, subscriber, creator, active))

    async def user_features(self, user: UserId) -> UserFeatures:
        def read(tx: SqlTx) -> UserFeatures:
            words = tx.query("SELECT keyword FROM muted_keywords WHERE user_id = ? ORDER BY position", (enc(user),))
            lists: dict[int, list[UserId]] = {k: [] for k in (_SUBSCRIPTION, *map(int, EdgeKind))}
            for kind, target in tx.query("SELECT kind, target FROM edges WHERE source = ?", (enc(user),)):
                lists[kind].append(UserId(dec(target)))
            return UserFeatures(
                muted_keywords=tuple(w for (w,) in words),
                blocked_user_ids=tuple(sorted(lists[EdgeKind.BLOCK])),
                muted_user_ids=tuple(sorted(lists[EdgeKind.MUTE])),
                followed_user_ids=tuple(sorted(lists[EdgeKind.FOLLOW])),
                subscribed_user_ids=tuple(sorted(lists[_SUBSCRIPTION])),
            )

        return await self._engine.read(read)

    async def following(self, user: UserId, limit: int) -> list[UserId]:
        sql = "SELECT target FROM edges WHERE kind = ? AND source = ?"
        rows = await self._engine.read(lambda tx: tx.query(sql, (int(EdgeKind.FOLLOW), enc(user))))
        return sorted(UserId(dec(t)) for (t,) in rows)[: max(limit, 0)]

    async def followers_count(self, user: UserId) -> int:
        rows = await self._engine.read(
            lambda tx: tx.query("SELECT n FROM follower_counts WHERE user_id = ?", (enc(user),))
        )
        return int(rows[0][0]) if rows else 0
