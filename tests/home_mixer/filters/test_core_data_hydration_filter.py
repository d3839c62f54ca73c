"""CoreDataHydrationFilter: unknown author, or blank text without media; a store outage keeps posts."""

from foryou.home_mixer.filters import CoreDataHydrationFilter

from ..builders import ids, post, query, removed_ids


def test_missing_author_or_blank_text_without_media_is_removed() -> None:
    cands = [
        post(1, author_id=0, core_data_found=False),
        post(2, tweet_text=" \t\n", core_data_found=True),
        post(3, tweet_text="", has_media=True, core_data_found=True),
        post(4, tweet_text="", video_duration_ms=12_000, core_data_found=True),
        post(5, tweet_text=" hi ", core_data_found=True),
        post(6, author_id=0, tweet_text="", has_media=True, core_data_found=True),
        post(7, tweet_text="", core_data_found=False),
    ]
    result = CoreDataHydrationFilter().filter(query(), cands)
    assert ids(result.kept) == [3, 4, 5]
    assert removed_ids(result) == [
        (1, "missing_core_data"),
        (2, "missing_core_data"),
        (6, "missing_core_data"),
        (7, "missing_core_data"),
    ]


def test_when_core_data_could_not_be_read_only_the_author_rule_applies() -> None:
    cands = [post(1, tweet_text="", core_data_found=None), post(2, author_id=0, core_data_found=None)]
    result = CoreDataHydrationFilter().filter(query(), cands)
    assert ids(result.kept) == [1]
    assert removed_ids(result) == [(2, "missing_core_data")]
