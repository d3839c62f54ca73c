"""In-memory UserActionStore: per-user action lists kept sorted, deduplicated on event id.

Bounded by `max_actions_per_user` per user (oldest dropped) and `memory_max_action_users` users (the
least recently written user's log is dropped).
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Sequence

from foryou.core.ids import UserId
from foryou.stores.limits import StoreLimits
from foryou.stores.models import UserAction


class _UserLog:
    __slots__ = ("actions", "event_ids", "keys")

    def __init__(self) -> None:
        self.keys: list[tuple[int, str]] = []
        self.actions: list[UserAction] = []
        self.event_ids: set[str] = set()


class MemoryUserActionStore:
    def __init__(self, limits: StoreLimits | None = None) -> None:
        self._limits = limits or StoreLimits()
        self._logs: OrderedDict[UserId, _UserLog] = OrderedDict()

    async def add(self, actions: Sequence[UserAction]) -> int:
        added = 0
        for action in actions:
            added += self._add_one(action)
        return added

    def _add_one(self, action: UserAction) -> int:
        log = self._logs.get(action.user_id)
        if log is None:
            log = self._logs[action.user_id] = _UserLog()
            if len(self._logs) > self._limits.memory_max_action_users:
                self._logs.popitem(last=False)
        self._logs.move_to_end(action.user_id)
        if action.event_id in log.event_ids:
            return 0
        key = action.sort_key
        cap = self._limits.max_actions_per_user
        if len(log.keys) >= cap and key < log.keys[0]:
            return 0  # older than everything kept: it would be trimmed at once
        at = bisect.bisect_right(log.keys, key)
        log.keys.insert(at, key)
        log.actions.insert(at, action)
        log.event_ids.add(action.event_id)
        while len(log.keys) > cap:
            log.keys.pop(0)
            log.event_ids.discard(log.actions.pop(0).event_id)
        return 1

    async def actions(self, user: UserId) -> list[UserAction]:
        log = self._logs.get(user)
        return list(log.actions) if log is not None else []
