"""DedupConversationFilter (post-selection): at most one post per conversation (`conversation_duplicate`).

Key = the smallest ancestor id (the oldest post of the thread), else the post's own id. The first
candidate of a key takes a slot; a later one with a strictly higher score (missing = 0) takes over
that slot and the earlier one is removed; otherwise the later one is removed. Because a replacement
sits in its predecessor's slot, `kept` may differ from input order; kept + removed is still the input.
"""

from __future__ import annotations

import math

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Filter, FilterResult

CONVERSATION_DUPLICATE = "conversation_duplicate"


def conversation_key(cand: PostCandidate) -> int:
    return min(cand.ancestors) if cand.ancestors else cand.tweet_id


def _score(cand: PostCandidate) -> float:
    s = cand.score
    return 0.0 if s is None or math.isnan(s) else s


class DedupConversationFilter(Filter[ScoredPostsQuery, PostCandidate]):
    def filter(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> FilterResult[PostCandidate]:
        slots: list[PostCandidate] = []
        slot_of: dict[int, int] = {}
        removed: list[tuple[PostCandidate, str]] = []
        for cand in candidates:
            key = conversation_key(cand)
            slot = slot_of.get(key)
            if slot is None:
                slot_of[key] = len(slots)
                slots.append(cand)
            elif _score(cand) > _score(slots[slot]):
                removed.append((slots[slot], CONVERSATION_DUPLICATE))
                slots[slot] = cand
            else:
                removed.append((cand, CONVERSATION_DUPLICATE))
        if not removed:
            return FilterResult(candidates)
        return FilterResult(slots, removed)
