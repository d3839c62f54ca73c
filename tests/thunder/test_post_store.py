"""Every PostStore rule of SPEC §4.2–4.5, one example each, including the SPEC's worked examples."""

from __future__ import annotations

import itertools

from foryou.thunder.recent_posts import RecentPosts
from thunder.helpers import NOW, Harness, post, snowflake_post


def test_spec_cap_examples() -> None:
    h = Harness(max_original_per_author=5)
    h.insert(*(post(i, 7) for i in range(1, 11)))
    assert h.all_ids([7]) == [10, 9, 8, 7, 6]
    assert h.all_ids([7], exclude=[8, 9, 10]) == [7, 6, 5, 4, 3]


def test_spec_reply_rule_scenario() -> None:
    h = Harness()
    conv = 1000
    h.insert(
        post(1000, 10, conversation_id=conv),
        post(1001, 2, in_reply_to_post_id=1000, in_reply_to_user_id=10, conversation_id=conv),
        post(1002, 3, in_reply_to_post_id=1001, in_reply_to_user_id=2, conversation_id=conv),
        post(1007, 99, in_reply_to_post_id=1000, in_reply_to_user_id=10, conversation_id=conv),
        post(1003, 4, in_reply_to_post_id=1007, in_reply_to_user_id=99, conversation_id=conv),
        post(1004, 5, in_reply_to_post_id=1000, in_reply_to_user_id=10, conversation_id=conv),
        post(1005, 2, source_post_id=900, source_user_id=1),
        post(1006, 4, in_reply_to_post_id=1002, in_reply_to_user_id=3, conversation_id=conv),
    )
    assert h.all_ids([2, 3, 4, 5], viewer=1) == [1001, 1002, 1004]


def test_reply_flagged_by_user_only_passes_and_orphan_reply_is_dropped() -> None:
    h = Harness()
    h.insert(post(1, 2, in_reply_to_user_id=9), post(2, 2, in_reply_to_post_id=555, in_reply_to_user_id=9))
    assert h.all_ids([2]) == [1]


def test_originals_come_before_secondaries_and_authors_keep_request_order() -> None:
    h = Harness()
    h.insert(post(1, 2), post(2, 3), post(3, 2, source_post_id=1, source_user_id=2), post(4, 3))
    assert h.all_ids([3, 2]) == [4, 2, 1, 3]


def test_secondary_cap_and_scan_limit_with_exclusions_not_counted() -> None:
    h = Harness(max_secondary_per_author=2, max_scan_per_author=3)
    h.insert(post(1, 2), *(post(i, 2, source_post_id=1, source_user_id=2) for i in range(2, 8)))
    assert h.all_ids([2]) == [1, 7, 6]
    # 7 and 6 excluded (free); 5, 4, 3 are the three examined entries; the cap keeps two.
    assert h.all_ids([2], exclude=[7, 6]) == [1, 5, 4]
    h2 = Harness(max_original_per_author=5, max_scan_per_author=2)
    h2.insert(*(post(i, 2) for i in range(1, 6)))
    assert h2.all_ids([2]) == [5, 4]


def test_reposts_of_viewers_own_posts_are_skipped() -> None:
    h = Harness()
    h.insert(post(1, 5, source_post_id=50, source_user_id=9), post(2, 5, source_post_id=51, source_user_id=8))
    assert h.all_ids([5], viewer=9) == [2]
    assert h.all_ids([5], viewer=8) == [1]


def test_future_and_expired_posts_are_not_stored() -> None:
    h = Harness(retention_s=3600)
    assert h.insert(post(1, 2, created=NOW + 1), post(2, 2, created=NOW - 3601), post(3, 2, created=NOW - 3600)) == 1
    assert h.all_ids([2]) == [3]


def test_duplicates_change_nothing() -> None:
    h = Harness()
    original = post(1, 2)
    assert h.insert(original, original) == 1
    assert h.insert(post(1, 2, created=NOW - 5, in_reply_to_user_id=4)) == 0
    assert h.store.get(1) == original


def test_out_of_order_posts_take_their_sorted_position() -> None:
    h = Harness()
    h.insert(post(5, 2, created=NOW - 10), post(6, 2, created=NOW - 5))
    h.insert(post(9, 2, created=NOW - 7), post(3, 2, created=NOW - 7))
    assert h.all_ids([2]) == [6, 9, 3, 5]


def test_video_eligibility() -> None:
    h = Harness()
    h.insert(
        post(1, 2, has_video=True),
        post(2, 2, has_video=True, in_reply_to_post_id=1, in_reply_to_user_id=2),  # a reply: never
        post(3, 3, source_post_id=1, source_user_id=2),  # repost of a stored video: eligible
        post(4, 3, source_post_id=2, source_user_id=2),  # repost of a video reply: not eligible
        post(5, 3, source_post_id=777, source_user_id=2),  # original not stored
        post(6, 3),
    )
    assert h.video_ids([2, 3]) == [1, 3]
    assert h.video_ids([3], viewer=2) == []  # the own-repost rule holds for videos too


def test_video_cap_is_its_own() -> None:
    h = Harness(max_video_per_author=2, max_original_per_author=1)
    h.insert(*(post(i, 2, has_video=True) for i in range(1, 5)))
    assert h.video_ids([2]) == [4, 3]
    assert h.all_ids([2]) == [4]


def test_timeline_cap_evicts_oldest_and_primary_eviction_removes_the_post() -> None:
    h = Harness(max_timeline_size=2, max_original_per_author=10, max_video_per_author=10)
    h.insert(post(1, 2, has_video=True), post(2, 2, has_video=True))
    h.insert(post(3, 2))
    assert h.all_ids([2]) == [3, 2]
    assert h.store.get(1) is None
    assert h.video_ids([2]) == [2]  # 1 no longer resolves
    h.insert(post(4, 2, has_video=True), post(5, 2, source_post_id=4, source_user_id=2))
    assert h.video_ids([2]) == [5, 4]  # video timeline evicted 2's entry only
    assert h.store.get(2) is None  # (2 went with the original timeline's eviction of it)
    assert h.all_ids([2]) == [4, 3, 5]


def test_delete_removes_blocks_later_insert_and_records_tombstone() -> None:
    h = Harness()
    p = snowflake_post(1, 2, age_s=10)
    q = snowflake_post(2, 2, age_s=5)
    h.store.delete([(q.post_id, NOW)], NOW)
    h.insert(p, q)
    assert h.all_ids([2]) == [p.post_id]
    h.store.delete([(p.post_id, NOW)], NOW)
    assert h.all_ids([2]) == []
    assert h.store.deleted == {p.post_id, q.post_id}
    assert len(h.store.tombstones) == 2


def test_delete_of_a_post_older_than_retention_is_ignored() -> None:
    h = Harness(retention_s=3600)
    h.store.delete([(snowflake_post(1, 2, age_s=3601).post_id, NOW)], NOW)
    assert h.store.deleted == set()


def test_quote_cascade_deletes_quoting_posts() -> None:
    h = Harness()
    quoted = snowflake_post(1, 2, age_s=30)
    quoting = snowflake_post(2, 3, age_s=20, quoted_post_id=quoted.post_id)
    other = snowflake_post(3, 3, age_s=10)
    h.insert(quoted, quoting, other)
    h.store.delete([(quoted.post_id, NOW)], NOW)
    assert h.all_ids([2, 3]) == [other.post_id]
    assert quoting.post_id in h.store.deleted


def test_trim_partitions_authors_and_expires_tombstones() -> None:
    h = Harness(retention_s=3600, trim_fraction=2)
    h.insert(post(1, 2, created=NOW - 3000), post(2, 3, created=NOW - 3000), post(3, 3, created=NOW - 10))
    gone = snowflake_post(9, 3, age_s=100)
    h.store.delete([(gone.post_id, NOW - 50)], NOW)
    later = NOW + 1000
    h.store.trim(later, run=0)  # authors with id % 2 == 0 only
    assert h.store.get(1) is None and h.store.get(2) is not None
    assert gone.post_id in h.store.deleted
    h.store.trim(later + 3000, run=1)
    assert h.store.get(2) is None and h.store.get(3) is None
    assert h.store.deleted == set()
    assert h.store.stats().authors == 0


def test_entries_past_retention_are_not_returned_before_trimming() -> None:
    h = Harness(retention_s=3600)
    h.insert(post(1, 2, created=NOW - 3500), post(2, 2, created=NOW - 10))
    h.now += 200
    assert h.all_ids([2]) == [2]


def test_time_budget_stops_the_scan_between_passes() -> None:
    h = Harness()
    h.config = h.store.config = type(h.config)(request_timeout_ms=5)
    ticks = itertools.count(0.0, 1.0)  # every reading of the timer is a second later
    reads = RecentPosts(h.store, timer=lambda: next(ticks))
    h.insert(post(1, 2), post(2, 2, source_post_id=1, source_user_id=2))
    result = reads.all_posts_slots([2], [], 0, now_s=NOW)
    assert result.timed_out
    assert h.store.posts_at(result.slots) == []


def test_recency_selection_orders_by_time_then_id() -> None:
    h = Harness()
    h.insert(post(1, 2, created=NOW - 5), post(7, 3, created=NOW - 5), post(3, 4, created=NOW - 1))
    slots = h.reads.all_posts_slots([2, 3, 4], [], 0, now_s=NOW).slots
    assert [p.post_id for p in h.store.posts_at(h.reads.select_recent(slots, 2))] == [3, 7]


def test_compaction_keeps_every_answer() -> None:
    h = Harness(max_timeline_size=3)
    h.insert(*(post(i, 1 + i % 4, has_video=i % 2 == 0) for i in range(1, 40)))
    before = (h.all_ids([1, 2, 3, 4]), h.video_ids([1, 2, 3, 4]))
    h.store.compact()
    assert (h.all_ids([1, 2, 3, 4]), h.video_ids([1, 2, 3, 4])) == before
    assert h.store.used == h.store.live == len(h.store)
