"""PostgreSQL dialect of `SqlEngine` (psycopg 3, the `postgres` extra): one connection, optional schema."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from foryou.core.errors import ConfigError, InvalidInputError, UnavailableError
from foryou.stores.normalize import clean_text
from foryou.stores.sql.engine import Row, SqlEngine, SqlTx

try:
    import psycopg
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError("the PostgreSQL stores need the 'postgres' extra: pip install 'foryou[postgres]'") from exc

T = TypeVar("T")
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _adapt(sql: str) -> str:
    return sql.replace("?", "%s").replace("{text}", 'TEXT COLLATE "C"')


def _params(params: Sequence[Any]) -> list[Any]:
    return [clean_text(p) if isinstance(p, str) else p for p in params]


class _PgTx:
    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        self._cursor.execute(_adapt(sql), _params(params))
        return int(self._cursor.rowcount)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._cursor.executemany(_adapt(sql), [_params(r) for r in rows])

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self._cursor.execute(_adapt(sql), _params(params))
        return list(self._cursor.fetchall())


class PostgresEngine(SqlEngine):
    """Connects to `dsn`; with `schema`, creates it if needed and keeps every table in it."""

    name = "postgres"

    def __init__(self, dsn: str, *, schema: str | None = None) -> None:
        super().__init__()
        if schema is not None and not _SCHEMA_NAME.match(schema):
            raise ConfigError(f"postgres schema name {schema!r} must match {_SCHEMA_NAME.pattern}")
        self._dsn, self._schema = dsn, schema
        self._conn = self._connect(create_schema=True)

    def _connect(self, *, create_schema: bool = False) -> psycopg.Connection[Any]:
        try:
            conn = psycopg.connect(self._dsn, autocommit=True)
            if self._schema is not None:
                if create_schema:
                    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self._schema}")
                conn.execute(f"SET search_path TO {self._schema}")
            return conn
        except psycopg.Error as exc:
            raise UnavailableError(f"postgres store: cannot connect: {exc}") from exc

    def _open_reader(self) -> psycopg.Connection[Any]:
        return self._connect()

    def _read_transaction(self, conn: psycopg.Connection[Any], fn: Callable[[SqlTx], T]) -> T:
        try:
            with conn.transaction(), conn.cursor() as cursor:
                return fn(_PgTx(cursor))
        except psycopg.Error as exc:
            raise UnavailableError(f"postgres store: {exc}") from exc

    def _close_reader(self, conn: psycopg.Connection[Any]) -> None:
        conn.close()

    def _transaction(self, fn: Callable[[SqlTx], T]) -> T:
        try:
            with self._conn.transaction(), self._conn.cursor() as cursor:
                return fn(_PgTx(cursor))
        except psycopg.DataError as exc:
            raise InvalidInputError(f"postgres store refused a value: {exc}") from exc
        except psycopg.Error as exc:
            raise UnavailableError(f"postgres store: {exc}") from exc

    def _begin_batch(self) -> None:
        # Inside an open transaction psycopg turns each `transaction()` block into a savepoint.
        self._execute_plain("BEGIN")

    def _end_batch(self, commit: bool) -> None:
        self._execute_plain("COMMIT" if commit else "ROLLBACK")

    def _execute_plain(self, statement: str) -> None:
        try:
            self._conn.execute(statement)
        except psycopg.Error as exc:
            raise UnavailableError(f"postgres store: {exc}") from exc

    def _close_connection(self) -> None:
        self._conn.close()
