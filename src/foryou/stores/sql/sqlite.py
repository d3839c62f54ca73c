"""SQLite dialect of `SqlEngine`: one WAL-mode database file per store directory (the embedded default)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from foryou.core.errors import UnavailableError
from foryou.stores.sql.engine import Row, SqlEngine, SqlTx

T = TypeVar("T")
DB_FILE = "stores.sqlite3"


class _SqliteTx:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        self._cursor.execute(sql.replace("{text}", "TEXT"), params)
        return self._cursor.rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._cursor.executemany(sql.replace("{text}", "TEXT"), rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self._cursor.execute(sql, params).fetchall()


class SqliteEngine(SqlEngine):
    """`directory/stores.sqlite3`, created if missing; `":memory:"` gives a private in-memory database."""

    name = "sqlite"

    def __init__(self, directory: str | Path) -> None:
        super().__init__()
        if str(directory) == ":memory:":
            target = ":memory:"
        else:
            Path(directory).mkdir(parents=True, exist_ok=True)
            target = str(Path(directory) / DB_FILE)
        self.path = target
        # autocommit mode: transactions are opened explicitly with BEGIN in `_transaction`.
        self._conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=5000")

    def _transaction(self, fn: Callable[[SqlTx], T]) -> T:
        cursor = self._conn.cursor()
        try:
            cursor.execute("BEGIN")
            try:
                result = fn(_SqliteTx(cursor))
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
            return result
        except sqlite3.Error as exc:
            raise UnavailableError(f"sqlite store {self.path}: {exc}") from exc
        finally:
            cursor.close()

    def _close_connection(self) -> None:
        self._conn.close()
