"""Building model inputs from raw ids (hashing, history window, padding)."""

from __future__ import annotations

import torch

from foryou.core.actions import Action
from foryou.phoenix import HistoryEntry, InputConfig, build_batch, hash_posts, hash_users

CFG = InputConfig(history_seq_len=3, num_user_hashes=2, num_item_hashes=2, num_author_hashes=1)


def entry(i: int, *actions: Action) -> HistoryEntry:
    return HistoryEntry(post_id=100 + i, author_id=7, actions=frozenset(actions), surface=2)


def test_history_keeps_last_s_and_right_pads() -> None:
    batch = build_batch(
        user_ids=[12345, 0],
        histories=[[entry(i, Action.FAVORITE) for i in range(5)], [entry(9, Action.REPLY, Action.DWELL_TIME)]],
        candidates=[[(2013582276817846272, 12345)], [(5, 6), (7, 8)]],
        surfaces=[1, 4],
        config=CFG,
    )
    p, c = batch.prefix, batch.candidates
    assert p.user_hashes.shape == (2, 2) and p.user_hashes.dtype == torch.int64
    assert p.user_hashes[0].tolist() == hash_users([12345], num_hashes=2, vocab_size=100_000)[0].tolist()
    assert p.user_valid.tolist() == [[True], [False]]
    want = hash_posts([102, 103, 104], num_hashes=2, vocab_size=100_000).tolist()
    assert p.history_post_hashes[0].tolist() == want  # the last 3 of 5, oldest first
    assert p.history_valid.tolist() == [[True, True, True], [True, False, False]]
    assert p.history_actions[1, 0].nonzero().flatten().tolist() == [int(Action.REPLY)]  # dwell_time never a bit
    assert p.history_surfaces[0].tolist() == [2, 2, 2]
    assert c.post_hashes.shape == (2, 2, 2) and c.author_hashes.shape == (2, 2, 1)
    assert c.post_hashes[0, 0].tolist() == [79071, 5789]
    assert c.valid.tolist() == [[True, False], [True, True]]
    assert c.surfaces.tolist() == [[1, 1], [4, 4]]
