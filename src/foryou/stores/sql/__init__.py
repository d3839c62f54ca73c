"""SQL store backends over one `SqlEngine`: SQLite (embedded default) or PostgreSQL (`postgres` extra).

`PostgresEngine` lives in `foryou.stores.sql.postgres` and is imported only where used, so that the
core install does not need psycopg.
"""

from foryou.stores.sql import posts, safety_labels, served_history, social_graph, user_actions, users
from foryou.stores.sql.engine import SqlEngine, SqlTx, dec, enc
from foryou.stores.sql.posts import SqlPostEntityStore
from foryou.stores.sql.safety_labels import SqlSafetyLabelStore
from foryou.stores.sql.served_history import SqlServedHistoryStore
from foryou.stores.sql.social_graph import SqlSocialGraphStore
from foryou.stores.sql.sqlite import SqliteEngine
from foryou.stores.sql.user_actions import SqlUserActionStore
from foryou.stores.sql.users import SqlUserStore

ALL_SCHEMA: tuple[str, ...] = (
    *user_actions.SCHEMA,
    *social_graph.SCHEMA,
    *posts.SCHEMA,
    *users.SCHEMA,
    *safety_labels.SCHEMA,
    *served_history.SCHEMA,
)

__all__ = [
    "ALL_SCHEMA",
    "SqlEngine",
    "SqlPostEntityStore",
    "SqlSafetyLabelStore",
    "SqlServedHistoryStore",
    "SqlSocialGraphStore",
    "SqlTx",
    "SqlUserActionStore",
    "SqlUserStore",
    "SqliteEngine",
    "dec",
    "enc",
]
