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
        self._conn = self._connect()
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")

    def _connect(self) -> sqlite3.Connection:
        # autocommit mode: transactions are opened explicitly with BEGIN.
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA busy_timeout=5000")
        return conn

    def _has_readers(self) -> bool:
        return self.path != ":memory:"

    def _open_reader(self) -> sqlite3.Connection:
        try:
            conn = self._connect()
            conn.execute("PRAGMA query_only=1")
            return conn
        except sqlite3.Error as exc:
            raise UnavailableError(f"sqlite store {self.path}: {exc}") from exc

    def _read_transaction(self, conn: sqlite3.Connection, fn: Callable[[SqlTx], T]) -> T:
        cursor = conn.cursor()
        try:
            cursor.execute("BEGIN")  # one snapshot for every query of `fn`
            try:
                return fn(_SqliteTx(cursor))
            finally:
                cursor.execute("COMMIT")
        except sqlite3.Error as exc:
            raise UnavailableError(f"sqlite store {self.path}: {exc}") from exc
        finally:
            cursor.close()

    def _close_reader(self, conn: sqlite3.Connection) -> None:
        conn.close()

    def _transaction(self, fn: Callable[[SqlTx], T]) -> T:
        # Inside a batch every call is a savepoint of the batch's transaction.
        begin, commit, rollback = (
            ("SAVEPOINT op", "RELEASE op", "ROLLBACK TO op") if self.in_batch else ("BEGIN", "COMMIT", "ROLLBACK")
        )
        cursor = self._conn.cursor()
        try:
            cursor.execute(begin)
            try:
                result = fn(_SqliteTx(cursor))
            except BaseException:
                cursor.execute(rollback)
                if self.in_batch:
                    cursor.execute(commit)
                raise
            cursor.execute(commit)
            return result
        except sqlite3.Error as exc:
            raise UnavailableError(f"sqlite store {self.path}: {exc}") from exc
        finally:
            cursor.close()

    def _begin_batch(self) -> None:
        self._execute_plain("BEGIN")

    def _end_batch(self, commit: bool) -> None:
        self._execute_plain("COMMIT" if commit else "ROLLBACK")

    def _execute_plain(self, statement: str) -> None:
        try:
            self._conn.execute(statement)
        except sqlite3.Error as exc:
            raise UnavailableError(f"sqlite store {self.path}: {exc}") from exc

    def _close_connection(self) -> None:
        self._conn.close()
