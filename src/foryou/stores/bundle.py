"""The six stores as one bundle, and the factories that build it for each backend.

`open_stores("memory" | "sqlite:DIR" | "postgres:DSN", params)` is what `foryou serve` and
`foryou ingest` call; the home mixer's clients receive the individual stores from the bundle.
"""

from __future__ import annotations

import contextlib
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path

from foryou.core.errors import ConfigError
from foryou.params.registry import Params
from foryou.stores.limits import StoreLimits
from foryou.stores.memory import (
    MemoryPostEntityStore,
    MemorySafetyLabelStore,
    MemoryServedHistoryStore,
    MemorySocialGraphStore,
    MemoryUserActionStore,
    MemoryUserStore,
)
from foryou.stores.protocols import (
    PostEntityStore,
    SafetyLabelStore,
    ServedHistoryStore,
    SocialGraphStore,
    UserActionStore,
    UserStore,
)
from foryou.stores.sql import (
    ALL_SCHEMA,
    SqlEngine,
    SqliteEngine,
    SqlPostEntityStore,
    SqlSafetyLabelStore,
    SqlServedHistoryStore,
    SqlSocialGraphStore,
    SqlUserActionStore,
    SqlUserStore,
)
from foryou.stores.visibility import VisibilityRules


@dataclass
class Stores:
    """One instance of each store; `engine` is the SQL engine they share, if any."""

    user_actions: UserActionStore
    social_graph: SocialGraphStore
    posts: PostEntityStore
    users: UserStore
    safety_labels: SafetyLabelStore
    served_history: ServedHistoryStore
    limits: StoreLimits = field(default_factory=StoreLimits)
    engine: SqlEngine | None = field(default=None)

    async def purge_expired(self, now_ms: int) -> int:
        """Forget posts older than the retention of SPEC §6.1; call it periodically (e.g. hourly)."""
        return await self.posts.purge(now_ms - self.limits.post_retention_ms)

    def batch(self) -> AbstractAsyncContextManager[None]:
        """Group many writes into one transaction (SQL backends; a no-op in memory), for ingestion."""
        return self.engine.batch() if self.engine is not None else contextlib.nullcontext()

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()


def memory_stores(params: Params | None = None, limits: StoreLimits | None = None) -> Stores:
    params = params or Params()
    limits = limits or StoreLimits.from_params(params)
    graph = MemorySocialGraphStore(limits)
    return Stores(
        user_actions=MemoryUserActionStore(limits),
        social_graph=graph,
        posts=MemoryPostEntityStore(limits),
        users=MemoryUserStore(graph),
        safety_labels=MemorySafetyLabelStore(VisibilityRules.from_params(params), limits),
        served_history=MemoryServedHistoryStore(limits),
        limits=limits,
    )


def sql_stores(engine: SqlEngine, params: Params | None = None, limits: StoreLimits | None = None) -> Stores:
    """Create the tables if needed and wrap `engine` in the six SQL stores."""
    params = params or Params()
    limits = limits or StoreLimits.from_params(params)
    engine.create_schema(ALL_SCHEMA)
    return Stores(
        user_actions=SqlUserActionStore(engine, limits),
        social_graph=SqlSocialGraphStore(engine, limits),
        posts=SqlPostEntityStore(engine),
        users=SqlUserStore(engine),
        safety_labels=SqlSafetyLabelStore(engine, VisibilityRules.from_params(params)),
        served_history=SqlServedHistoryStore(engine, limits),
        limits=limits,
        engine=engine,
    )


def open_stores(url: str, params: Params | None = None, limits: StoreLimits | None = None) -> Stores:
    """`memory`, `sqlite:DIR` (one database file in DIR) or `postgres:DSN` (libpq DSN or URI)."""
    scheme, _, rest = url.partition(":")
    if scheme == "memory" and not rest:
        return memory_stores(params, limits)
    if scheme == "sqlite" and rest:
        return sql_stores(SqliteEngine(Path(rest)), params, limits)
    if scheme == "postgres" and rest:
        from foryou.stores.sql.postgres import PostgresEngine

        return sql_stores(PostgresEngine(rest), params, limits)
    raise ConfigError(f"stores location {url!r} must be 'memory', 'sqlite:DIR' or 'postgres:DSN'")
