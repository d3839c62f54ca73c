"""A short-lived, coalescing cache in front of the PostEntityStore.

Three hydrators of one request (core data, video duration, subscription) ask for the same posts at
the same moment; this turns their three lookups into one. Entries live `ttl_ms` (2 s): deletes still
take effect at once because VF drops DELETED posts after selection.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque
from collections.abc import Sequence
from itertools import repeat

from foryou.home_mixer.clients.protocols import PostEntityReader
from foryou.stores.models import PostCoreData


class CachedPosts:
    def __init__(self, reader: PostEntityReader, *, ttl_ms: int = 2000, max_entries: int = 200_000) -> None:
        self.reader, self.ttl_ns, self.max_entries = reader, ttl_ms * 1_000_000, max_entries
        self._cache: OrderedDict[int, tuple[int, PostCoreData | None]] = OrderedDict()
        self._inflight: dict[int, asyncio.Future[dict[int, PostCoreData]]] = {}

    async def core_data(self, post_ids: Sequence[int]) -> dict[int, PostCoreData]:
        now = time.monotonic_ns()
        found: dict[int, PostCoreData] = {}
        missing: list[int] = []
        waits: dict[asyncio.Future[dict[int, PostCoreData]], list[int]] = {}
        for post_id in post_ids:
            entry = self._cache.get(post_id)
            if entry is not None and now - entry[0] < self.ttl_ns:
                if entry[1] is not None:
                    found[post_id] = entry[1]
                continue
            future = self._inflight.get(post_id)
            if future is not None:
                waits.setdefault(future, []).append(post_id)
            else:
                missing.append(post_id)
        if missing:
            found.update(await self._fetch(missing, now))
        for future, ids in waits.items():
            answer = await asyncio.shield(future)
            found.update((i, answer[i]) for i in ids if i in answer)
        return found

    async def _fetch(self, ids: list[int], now: int) -> dict[int, PostCoreData]:
        future: asyncio.Future[dict[int, PostCoreData]] = asyncio.get_running_loop().create_future()
        self._inflight.update(dict.fromkeys(ids, future))
        try:
            answer = await self.reader.core_data(ids)
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody else must be warned
            raise
        finally:
            deque(map(self._inflight.pop, ids, repeat(None)), maxlen=0)  # pop each, looped in C
        future.set_result(answer)
        get = answer.get
        self._cache.update([(post_id, (now, get(post_id))) for post_id in ids])
        while len(self._cache) > self.max_entries:
            self._cache.popitem(last=False)
        return answer
