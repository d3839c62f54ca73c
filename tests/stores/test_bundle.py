"""Opening the stores by location, and the limits derived from parameters."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from store_support import StoresFactory

from foryou.core import AuthorId, ConfigError, PostId, UserId, make_snowflake
from foryou.params import Params
from foryou.stores import EdgeKind, PostCoreData, StoreLimits, open_stores
from foryou.stores.memory import MemorySocialGraphStore
from foryou.stores.sql import SqlSocialGraphStore

DAY_MS = 86_400_000


def test_memory_and_sqlite_locations(tmp_path: Path) -> None:
    assert isinstance(open_stores("memory").social_graph, MemorySocialGraphStore)
    stores = open_stores(f"sqlite:{tmp_path / 'db'}")
    try:
        assert isinstance(stores.social_graph, SqlSocialGraphStore)
        asyncio.run(stores.social_graph.set_edge(UserId(1), UserId(2), EdgeKind.FOLLOW, active=True))
    finally:
        stores.close()
    reopened = open_stores(f"sqlite:{tmp_path / 'db'}")
    try:
        assert asyncio.run(reopened.social_graph.following(UserId(1), 5)) == [2]
    finally:
        reopened.close()


@pytest.mark.postgres
def test_postgres_location(postgres_dsn: str) -> None:
    stores = open_stores(f"postgres:{postgres_dsn}")
    try:
        assert asyncio.run(stores.social_graph.followers_count(UserId(1))) == 0
    finally:
        stores.close()


@pytest.mark.parametrize("url", ["", "memory:x", "sqlite:", "postgres:", "redis:localhost"])
def test_bad_locations_name_the_accepted_forms(url: str) -> None:
    with pytest.raises(ConfigError, match="sqlite:DIR"):
        open_stores(url)


def test_limits_from_params_keep_posts_long_enough() -> None:
    assert StoreLimits.from_params(Params()).post_retention_ms == 7 * DAY_MS
    longer = Params({"mixer.max_post_age_s": 10 * 86_400, "thunder.retention_s": 9 * 86_400})
    assert StoreLimits.from_params(longer).post_retention_ms == 10 * DAY_MS
    assert StoreLimits.from_params(Params({"served.history_max_ids": 7})).max_served_per_viewer == 7


def test_purge_expired_uses_the_retention(make_stores: StoresFactory) -> None:
    async def body() -> None:
        stores = make_stores()
        now = 1_800_000_000_000
        for age_days in (8, 6):
            created = now - age_days * DAY_MS
            await stores.posts.insert(PostCoreData(PostId(make_snowflake(created)), AuthorId(1), created))
        assert await stores.purge_expired(now) == 1
        assert set(await stores.posts.core_data([PostId(make_snowflake(now - 6 * DAY_MS))])) != set()

    asyncio.run(body())
