"""SQL UserStore: profiles, joined with the social graph's follower counts in the same database."""

from __future__ import annotations

from collections.abc import Sequence

from foryou.core.ids import UserId
from foryou.stores.models import UserProfile
from foryou.stores.sql.engine import SqlEngine, SqlTx, chunks, dec, enc, marks

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS user_profiles (
        user_id BIGINT PRIMARY KEY, screen_name {text} NOT NULL, created_at_ms BIGINT NOT NULL,
        subscription_level BIGINT NOT NULL)""",
)


class SqlUserStore:
    """Needs the `follower_counts` table of `SqlSocialGraphStore` on the same engine."""

    def __init__(self, engine: SqlEngine) -> None:
        self._engine = engine

    async def set_profile(self, user: UserId, *, screen_name: str, created_at_ms: int, subscription_level: int) -> None:
        sql = (
            "INSERT INTO user_profiles VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
            "screen_name = excluded.screen_name, created_at_ms = excluded.created_at_ms, "
            "subscription_level = excluded.subscription_level"
        )
        row = (enc(user), screen_name, created_at_ms, subscription_level)
        await self._engine.run(lambda tx: tx.execute(sql, row))

    async def users(self, ids: Sequence[UserId]) -> dict[UserId, UserProfile]:
        def read(tx: SqlTx) -> dict[UserId, UserProfile]:
            profiles: dict[int, tuple[str, int, int]] = {}
            counts: dict[int, int] = {}
            for part in chunks(ids):
                where = f"WHERE user_id IN ({marks(len(part))})"
                for user, name, created, level in tx.query(
                    f"SELECT user_id, screen_name, created_at_ms, subscription_level FROM user_profiles {where}", part
                ):
                    profiles[dec(user)] = (name, created, level)
                for user, n in tx.query(f"SELECT user_id, n FROM follower_counts {where}", part):
                    counts[dec(user)] = n
            out: dict[UserId, UserProfile] = {}
            for user in ids:
                if user in profiles or user in counts:
                    name, created, level = profiles.get(user, ("", 0, 0))
                    out[user] = UserProfile(user, name, counts.get(user, 0), level, created)
            return out

        return await self._engine.read(read)
