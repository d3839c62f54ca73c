"""In-memory ServedHistoryStore: per viewer, the newest `max_served_per_viewer` served items.

Bounded per viewer and by `memory_max_viewers` viewers (the least recently served viewer goes first).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from foryou.core.ids import PostId, UserId
from foryou.stores.limits import StoreLimits
from foryou.stores.served_order import ServedItem, recent_ids, sort_newest_first


class MemoryServedHistoryStore:
    def __init__(self, limits: StoreLimits | None = None) -> None:
        self._limits = limits or StoreLimits()
        self._items: OrderedDict[UserId, list[ServedItem]] = OrderedDict()

    async def append(
        self, viewer: UserId, request_id: str, served_at_ms: int, items: Sequence[tuple[PostId, PostId]]
    ) -> None:
        current = self._items.get(viewer, [])
        keys = {(it.request_id, it.position) for it in current}
        fresh = [
            ServedItem(served_at_ms, request_id, pos, post, original)
            for pos, (post, original) in enumerate(items)
            if (request_id, pos) not in keys
        ]
        merged = sort_newest_first(current + fresh)[: self._limits.max_served_per_viewer]
        self._items[viewer] = merged
        self._items.move_to_end(viewer)
        if len(self._items) > self._limits.memory_max_viewers:
            self._items.popitem(last=False)

    async def recent(self, viewer: UserId, now_ms: int, max_age_s: int, max_ids: int) -> list[PostId]:
        return recent_ids(self._items.get(viewer, []), now_ms, max_age_s, max_ids)
