"""The shared shape of the per-candidate filters: ask each candidate for a reason code, keep it if none.

Kept candidates stay in input order; removed ones follow in input order with their reason.
"""

from __future__ import annotations

from collections.abc import Callable

from foryou.home_mixer.candidate import PostCandidate
from foryou.pipeline import FilterResult


def partition(
    candidates: list[PostCandidate], reason: Callable[[PostCandidate], str | None]
) -> FilterResult[PostCandidate]:
    kept: list[PostCandidate] = []
    removed: list[tuple[PostCandidate, str]] = []
    for cand in candidates:
        code = reason(cand)
        if code is None:
            kept.append(cand)
        else:
            removed.append((cand, code))
    if not removed:
        return FilterResult(candidates)  # the executor skips its partition check for an untouched list
    return FilterResult(kept, removed)
