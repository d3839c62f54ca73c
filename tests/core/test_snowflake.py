"""Snowflake ids: the SPEC §3.7 vector and the round trip."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foryou.core import InvalidInputError, creation_ms, make_snowflake


def test_spec_vector() -> None:
    assert make_snowflake(1_768_910_400_000) == 2_013_582_276_817_846_272
    assert creation_ms(2_013_582_276_817_846_272) == 1_768_910_400_000


@given(
    st.integers(min_value=1_288_834_974_657, max_value=1_288_834_974_657 + (1 << 41) - 1),
    st.integers(0, 1023),
    st.integers(0, 4095),
)
def test_round_trip(ms: int, worker: int, seq: int) -> None:
    assert creation_ms(make_snowflake(ms, worker=worker, sequence=seq)) == ms


def test_rejects_bad_fields() -> None:
    with pytest.raises(InvalidInputError):
        make_snowflake(0)
    with pytest.raises(InvalidInputError):
        make_snowflake(1_768_910_400_000, worker=1024)
