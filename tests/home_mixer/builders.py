"""Hand-made queries and candidates for the Home Mixer component tests."""

from __future__ import annotations

from typing import Any

from foryou.core import make_snowflake
from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery, UserFeatures
from foryou.pipeline import FilterResult, RequestContext

NOW_MS = 1_768_910_400_000  # 2026-01-20T12:00:00Z, the SPEC §3.7 vector
VIEWER = 1


def post_id(age_s: float = 60.0, sequence: int = 0) -> int:
    """A snowflake minted `age_s` seconds before NOW_MS."""
    return make_snowflake(NOW_MS - int(age_s * 1000), sequence=sequence)


def post(tweet_id: int, author_id: int = 100, **fields: Any) -> PostCandidate:
    fields.setdefault("tweet_text", "some words")
    return PostCandidate(tweet_id, author_id=author_id, **fields)


def query(features: UserFeatures | None = None, **fields: Any) -> ScoredPostsQuery:
    fields.setdefault("now_ms", NOW_MS)
    return ScoredPostsQuery(user_id=VIEWER, request_id="req", user_features=features or UserFeatures(), **fields)


def context(*reasons: str) -> RequestContext:
    ctx = RequestContext("req", deadline_ns=2**62)
    for reason in reasons:
        ctx.mark_degraded(reason)
    return ctx


def ids(cands: list[PostCandidate]) -> list[int]:
    return [c.tweet_id for c in cands]


def removed_ids(result: FilterResult[PostCandidate]) -> list[tuple[int, str]]:
    return [(c.tweet_id, reason) for c, reason in result.removed]


def assert_partition(received: list[PostCandidate], result: FilterResult[PostCandidate]) -> None:
    """The framework's filter contract: kept + removed is exactly the received list."""
    back = [*result.kept, *(c for c, _ in result.removed)]
    assert sorted(map(id, back)) == sorted(map(id, received))
