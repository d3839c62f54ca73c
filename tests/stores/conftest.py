"""Fixtures of the store tests: a throw-away PostgreSQL server and a factory of fresh store bundles.

The server is started once per session on 127.0.0.1 with a free port in a temporary directory and
stopped at the end; tests that need it are marked `postgres` and skip only if the binaries are absent.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from store_support import StoresFactory

from foryou.params import Params
from foryou.stores import StoreLimits, Stores, memory_stores, sql_stores
from foryou.stores.sql import SqliteEngine

PG_BIN_DIRS = (Path("/usr/lib/postgresql/15/bin"), Path("/usr/lib/postgresql/16/bin"))


def _pg_bin() -> Path | None:
    for directory in PG_BIN_DIRS:
        if (directory / "pg_ctl").exists():
            return directory
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _as_postgres(args: list[str]) -> None:
    """Run a server command; as root it must run as the `postgres` user (initdb refuses root)."""
    command = ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args
    subprocess.run(command, check=True, capture_output=True)


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (pg_ctl, initdb) are not installed")
    base = Path(tempfile.mkdtemp(prefix="foryou-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, user="postgres", group="postgres")
    data, port = base / "data", _free_port()
    _as_postgres([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--locale=C", "-E", "UTF8"])
    options = f"-p {port} -h 127.0.0.1 -k {base} -c fsync=off -c max_connections=200"
    _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start"])
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(base, ignore_errors=True)


def _factory(kind: str, request: pytest.FixtureRequest, tmp_path: Path, created: list[Stores]) -> StoresFactory:
    def make(params: Params | None = None, limits: StoreLimits | None = None) -> Stores:
        if kind == "memory":
            stores = memory_stores(params, limits)
        elif kind == "sqlite":
            stores = sql_stores(SqliteEngine(tmp_path / f"db{len(created)}"), params, limits)
        else:
            from foryou.stores.sql.postgres import PostgresEngine

            dsn = request.getfixturevalue("postgres_dsn")
            stores = sql_stores(PostgresEngine(dsn, schema=f"t_{uuid.uuid4().hex}"), params, limits)
        created.append(stores)
        return stores

    return make


PG = pytest.param("postgres", marks=pytest.mark.postgres)


@pytest.fixture(params=["memory", "sqlite", PG])
def make_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoresFactory]:
    """A factory of fresh, empty store bundles of one backend; all are closed after the test."""
    created: list[Stores] = []
    yield _factory(request.param, request, tmp_path, created)
    for stores in created:
        stores.close()


@pytest.fixture(params=["sqlite", PG])
def make_sql_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoresFactory]:
    """As `make_stores`, for the SQL backends only."""
    created: list[Stores] = []
    yield _factory(request.param, request, tmp_path, created)
    for stores in created:
        stores.close()
