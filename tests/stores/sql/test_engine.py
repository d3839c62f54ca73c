"""SqlEngine: unsigned id encoding, transactions that roll back, and the SQLite file layout."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foryou.core import MAX_ID, UnavailableError
from foryou.stores.sql import SqlTx, dec, enc
from foryou.stores.sql.sqlite import DB_FILE, SqliteEngine


@given(st.integers(0, MAX_ID))
def test_ids_round_trip_through_signed_columns(value: int) -> None:
    assert -(1 << 63) <= enc(value) < (1 << 63)
    assert dec(enc(value)) == value


def test_small_ids_are_stored_as_themselves() -> None:
    assert enc(42) == 42 and enc(MAX_ID) == -1


def test_sqlite_is_one_wal_file_per_directory_and_rolls_back(tmp_path: Path) -> None:
    engine = SqliteEngine(tmp_path / "stores")
    try:
        engine.create_schema(["CREATE TABLE t (x BIGINT PRIMARY KEY)"])

        def insert_then_fail(tx: SqlTx) -> None:
            tx.execute("INSERT INTO t VALUES (?)", (1,))
            tx.execute("INSERT INTO t VALUES (?)", (1,))  # primary key violation

        with pytest.raises(UnavailableError):
            asyncio.run(engine.run(insert_then_fail))
        assert asyncio.run(engine.run(lambda tx: tx.query("SELECT count(*) FROM t"))) == [(0,)]
        assert engine.run_sync(lambda tx: tx.query("PRAGMA journal_mode")) == [("wal",)]
        assert (tmp_path / "stores" / DB_FILE).exists()
    finally:
        engine.close()
    with pytest.raises(UnavailableError, match="closed"):
        engine.run_sync(lambda tx: tx.query("SELECT 1"))


def test_a_batch_commits_once_and_rolls_back_on_error(tmp_path: Path) -> None:
    engine = SqliteEngine(tmp_path)
    engine.create_schema(["CREATE TABLE t (x BIGINT PRIMARY KEY)"])

    def insert(x: int) -> Callable[[SqlTx], int]:
        return lambda tx: tx.execute("INSERT INTO t VALUES (?)", (x,))

    async def body() -> None:
        async with engine.batch():
            await engine.run(insert(1))
            with pytest.raises(UnavailableError):
                await engine.run(insert(1))  # only this call's savepoint is undone
            await engine.run(insert(2))
        with pytest.raises(RuntimeError):
            async with engine.batch():
                await engine.run(insert(3))
                raise RuntimeError("the ingest loop failed")
        assert await engine.run(lambda tx: tx.query("SELECT x FROM t ORDER BY x")) == [(1,), (2,)]

    try:
        asyncio.run(body())
    finally:
        engine.close()


def test_readers_see_committed_data_and_the_batch_task_its_own(tmp_path: Path) -> None:
    engine = SqliteEngine(tmp_path)
    engine.create_schema(["CREATE TABLE t (x BIGINT PRIMARY KEY)"])

    def count(tx: SqlTx) -> int:
        return int(tx.query("SELECT count(*) FROM t")[0][0])

    async def other_task() -> int:
        return await engine.read(count)

    async def body() -> None:
        async with engine.batch():
            await engine.run(lambda tx: tx.execute("INSERT INTO t VALUES (1)"))
            assert await engine.read(count) == 1  # the batch's own task reads on the writer
            # another task (started outside the batch, as requests are) reads committed data only
            assert await asyncio.create_task(other_task(), context=contextvars.Context()) == 0
        assert await asyncio.create_task(other_task()) == 1
        assert max(await asyncio.gather(*(other_task() for _ in range(12)))) == 1
        assert engine._readers_open <= engine.max_readers
        with pytest.raises(UnavailableError):
            await engine.read(lambda tx: tx.query("SELECT * FROM missing"))
        assert len(engine._idle) == engine._readers_open  # the failed reader was closed, not kept

    try:
        asyncio.run(body())
    finally:
        engine.close()
    assert engine._readers_open == 0
    with pytest.raises(UnavailableError, match="closed"):
        asyncio.run(engine.read(count))
