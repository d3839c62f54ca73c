"""What the Home Mixer gets back from Thunder and Phoenix, as plain typed records.

Store records are the stores' own (`foryou.stores.models`); raw actions are `foryou.events.uas.RawAction`.
Only `home_mixer/clients/` knows where those services run; stages see these records and the
Protocols in `protocols.py`.
"""

from __future__ import annotations

from typing import NamedTuple


class InNetworkPost(NamedTuple):
    """One post returned by Thunder's GetInNetworkPosts (a named tuple: a request builds ~1 200)."""

    post_id: int
    author_id: int
    created_at_ms: int = 0
    in_reply_to_post_id: int = 0
    in_reply_to_user_id: int = 0
    repost_of_post_id: int = 0
    repost_of_user_id: int = 0
    conversation_id: int = 0


class RetrievedPost(NamedTuple):
    """One out-of-network post returned by Phoenix retrieval (a named tuple: a request builds ~1 000)."""

    post_id: int
    author_id: int
    in_reply_to_post_id: int = 0
    score: float = 0.0
