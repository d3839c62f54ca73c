"""User action sequence → the model's history input (SPEC §5.7: last S aggregated actions)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from foryou.core.actions import NUM_ACTIONS, Action
from foryou.events.uas import AggregatedAction
from foryou.phoenix import HistoryEntry

_ACTIONS = tuple(Action)


def history_entries(actions: Sequence[AggregatedAction], max_len: int) -> list[HistoryEntry]:
    out = []
    for a in list(actions)[-max_len:]:
        bits = a.bits
        acts = frozenset(_ACTIONS[i] for i in range(NUM_ACTIONS - 1) if bits >> i & 1)
        out.append(HistoryEntry(a.post_id, a.author_id, acts, a.product_surface))
    return out


def sequence_key(user_id: int, actions: Sequence[AggregatedAction], max_len: int) -> bytes:
    """Cache key of a user's model prefix: the user and the last S aggregated actions."""
    h = hashlib.blake2b(digest_size=16)
    h.update(user_id.to_bytes(8, "little"))
    for a in list(actions)[-max_len:]:
        h.update(f"{a.post_id}:{a.author_id}:{a.bits}:{a.product_surface};".encode())
    return h.digest()
