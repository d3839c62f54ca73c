"""Typed ids shared by every layer. Ids are unsigned 64-bit; 0 means "none"."""

from __future__ import annotations

from typing import NewType

UserId = NewType("UserId", int)
PostId = NewType("PostId", int)
AuthorId = NewType("AuthorId", int)

MAX_ID = (1 << 64) - 1


def is_valid_id(value: int) -> bool:
    """True for a non-zero unsigned 64-bit integer."""
    return 0 < value <= MAX_ID
