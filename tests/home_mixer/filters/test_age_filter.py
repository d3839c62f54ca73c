"""AgeFilter: `too_old` past max_post_age_s, `future_id` more than a minute ahead of now."""

from hypothesis import given
from hypothesis import strategies as st

from foryou.core import make_snowflake
from foryou.home_mixer.filters import AgeFilter
from foryou.params import Params

from ..builders import NOW_MS, ids, post, post_id, query, removed_ids

MAX_AGE_S = 172_800


def test_boundaries() -> None:
    at_limit = make_snowflake(NOW_MS - MAX_AGE_S * 1000)
    past_limit = make_snowflake(NOW_MS - MAX_AGE_S * 1000 - 1)
    skew_ok = make_snowflake(NOW_MS + 60_000)
    future = make_snowflake(NOW_MS + 60_001)
    fresh = post_id(1)
    cands = [post(i) for i in (at_limit, past_limit, skew_ok, future, fresh)]
    result = AgeFilter.from_params(Params()).filter(query(), cands)
    assert ids(result.kept) == [at_limit, skew_ok, fresh]
    assert removed_ids(result) == [(past_limit, "too_old"), (future, "future_id")]


def test_now_comes_from_the_query() -> None:
    cand = post(post_id(age_s=120))
    flt = AgeFilter(max_age_s=60)
    assert flt.filter(query(), [cand]).removed == [(cand, "too_old")]
    assert flt.filter(query(now_ms=NOW_MS - 100_000), [cand]).kept == [cand]


@given(st.integers(0, 2 * MAX_AGE_S * 1000), st.integers(60, 1_209_600))
def test_kept_iff_age_within_limit(age_ms: int, max_age_s: int) -> None:
    cand = post(make_snowflake(NOW_MS - age_ms))
    kept = AgeFilter(max_age_s=max_age_s).filter(query(), [cand]).kept
    assert (kept == [cand]) == (age_ms <= max_age_s * 1000)
