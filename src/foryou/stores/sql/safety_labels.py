"""SQL SafetyLabelStore: (post, label) rows and repost → original links; rules from `VisibilityRules`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from foryou.core.ids import PostId, UserId
from foryou.stores.models import SafetyLevel, Visibility
from foryou.stores.sql.engine import SqlEngine, SqlTx, chunks, dec, enc, marks
from foryou.stores.visibility import VisibilityRules

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS safety_labels (
        post_id BIGINT NOT NULL, label BIGINT NOT NULL, PRIMARY KEY (post_id, label))""",
    "CREATE TABLE IF NOT EXISTS repost_originals (post_id BIGINT PRIMARY KEY, original_id BIGINT NOT NULL)",
)


class SqlSafetyLabelStore:
    def __init__(self, engine: SqlEngine, rules: VisibilityRules) -> None:
        self._engine = engine
        self._rules = rules

    async def set_label(self, post_id: PostId, label: int, *, applied: bool) -> None:
        key = (enc(post_id), label)
        if applied:
            sql = "INSERT INTO safety_labels VALUES (?, ?) ON CONFLICT DO NOTHING"
        else:
            sql = "DELETE FROM safety_labels WHERE post_id = ? AND label = ?"
        await self._engine.run(lambda tx: tx.execute(sql, key))

    async def record_repost(self, post_id: PostId, original_id: PostId) -> None:
        if post_id == original_id or not original_id:
            return
        sql = "INSERT INTO repost_originals VALUES (?, ?) ON CONFLICT DO NOTHING"
        await self._engine.run(lambda tx: tx.execute(sql, (enc(post_id), enc(original_id))))

    async def visibility(self, ids: Sequence[PostId], level: SafetyLevel, viewer: UserId) -> dict[PostId, Visibility]:
        def read(tx: SqlTx) -> tuple[dict[int, int], dict[int, set[int]]]:
            originals: dict[int, int] = {}
            for part in chunks(ids):
                sql = f"SELECT post_id, original_id FROM repost_originals WHERE post_id IN ({marks(len(part))})"
                originals.update((dec(p), dec(o)) for p, o in tx.query(sql, part))
            labels: defaultdict[int, set[int]] = defaultdict(set)
            for part in chunks([*ids, *originals.values()]):
                sql = f"SELECT post_id, label FROM safety_labels WHERE post_id IN ({marks(len(part))})"
                for post_id, label in tx.query(sql, part):
                    labels[dec(post_id)].add(label)
            return originals, labels

        originals, labels = await self._engine.read(read)
        out: dict[PostId, Visibility] = {}
        for post_id in ids:
            found = labels.get(post_id, set()) | labels.get(originals.get(post_id, 0), set())
            out[post_id] = self._rules.evaluate(level, found)
        return out
