"""In-memory SafetyLabelStore: label sets per post and repost → original links.

Bounded by `memory_max_labelled_posts` labelled posts and as many repost links (oldest first out).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from foryou.core.ids import PostId, UserId
from foryou.stores.limits import StoreLimits
from foryou.stores.models import SafetyLevel, Visibility
from foryou.stores.visibility import VisibilityRules


class MemorySafetyLabelStore:
    def __init__(self, rules: VisibilityRules, limits: StoreLimits | None = None) -> None:
        self._rules = rules
        self._limits = limits or StoreLimits()
        self._labels: OrderedDict[PostId, set[int]] = OrderedDict()
        self._originals: OrderedDict[PostId, PostId] = OrderedDict()

    async def set_label(self, post_id: PostId, label: int, *, applied: bool) -> None:
        if applied:
            self._labels.setdefault(post_id, set()).add(label)
            if len(self._labels) > self._limits.memory_max_labelled_posts:
                self._labels.popitem(last=False)
            return
        labels = self._labels.get(post_id)
        if labels is not None:
            labels.discard(label)
            if not labels:
                del self._labels[post_id]

    async def record_repost(self, post_id: PostId, original_id: PostId) -> None:
        if post_id == original_id or not original_id:
            return
        self._originals.setdefault(post_id, original_id)
        if len(self._originals) > self._limits.memory_max_labelled_posts:
            self._originals.popitem(last=False)

    async def visibility(self, ids: Sequence[PostId], level: SafetyLevel, viewer: UserId) -> dict[PostId, Visibility]:
        out: dict[PostId, Visibility] = {}
        for post_id in ids:
            labels = set(self._labels.get(post_id, ()))
            original = self._originals.get(post_id)
            if original is not None:
                labels |= self._labels.get(original, set())
            out[post_id] = self._rules.evaluate(level, labels)
        return out
