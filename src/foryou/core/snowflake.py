"""Snowflake post ids (SPEC §3.7): the creation time in milliseconds lives in the bits above 22."""

from __future__ import annotations

from foryou.core.errors import InvalidInputError

TWITTER_EPOCH_MS = 1288834974657
_WORKER_BITS = 10
_SEQUENCE_BITS = 12
TIMESTAMP_SHIFT = _WORKER_BITS + _SEQUENCE_BITS  # 22


def creation_ms(post_id: int) -> int:
    """Creation time (Unix ms) encoded in a snowflake id."""
    return (post_id >> TIMESTAMP_SHIFT) + TWITTER_EPOCH_MS


def make_snowflake(created_ms: int, *, worker: int = 0, sequence: int = 0) -> int:
    """Mint the id a producer would assign to a post created at `created_ms`."""
    if created_ms < TWITTER_EPOCH_MS:
        raise InvalidInputError(f"created_ms={created_ms} is before the snowflake epoch")
    if not 0 <= worker < (1 << _WORKER_BITS):
        raise InvalidInputError(f"worker={worker} outside 0..{(1 << _WORKER_BITS) - 1}")
    if not 0 <= sequence < (1 << _SEQUENCE_BITS):
        raise InvalidInputError(f"sequence={sequence} outside 0..{(1 << _SEQUENCE_BITS) - 1}")
    return ((created_ms - TWITTER_EPOCH_MS) << TIMESTAMP_SHIFT) | (worker << _SEQUENCE_BITS) | sequence
