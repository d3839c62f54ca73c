"""Ordering and expansion rules of served history, shared by every ServedHistoryStore backend."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from foryou.core.ids import PostId


class ServedItem(NamedTuple):
    served_at_ms: int
    request_id: str
    position: int
    post_id: PostId
    original_id: PostId


def sort_newest_first(items: Iterable[ServedItem]) -> list[ServedItem]:
    """Newest response first (ties: larger request id first), then position order within a response."""
    by_position = sorted(items, key=lambda it: it.position)
    return sorted(by_position, key=lambda it: (it.served_at_ms, it.request_id), reverse=True)


def recent_ids(items: Iterable[ServedItem], now_ms: int, max_age_s: int, max_ids: int) -> list[PostId]:
    """Expand newest-first items into ids: post id then a different original id, each once, capped."""
    oldest = now_ms - 1000 * max_age_s
    seen: set[PostId] = set()
    out: list[PostId] = []
    for item in sort_newest_first(items):
        if item.served_at_ms < oldest:
            continue
        for post_id in (item.post_id, item.original_id):
            if post_id and post_id not in seen and len(out) < max_ids:
                seen.add(post_id)
                out.append(post_id)
    return out
