"""CoreDataHydrationFilter: unknown author, or blank text without media."""

from foryou.home_mixer.filters import CoreDataHydrationFilter

from ..builders import ids, post, query, removed_ids


def test_missing_author_or_blank_text_without_media_is_removed() -> None:
    cands = [
        post(1, author_id=0),
        post(2, tweet_text=" \t\n"),
        post(3, tweet_text="", has_media=True),
        post(4, tweet_text="", video_duration_ms=12_000),
        post(5, tweet_text=" hi "),
        post(6, author_id=0, tweet_text="", has_media=True),
    ]
    result = CoreDataHydrationFilter().filter(query(), cands)
    assert ids(result.kept) == [3, 4, 5]
    assert removed_ids(result) == [(1, "missing_core_data"), (2, "missing_core_data"), (6, "missing_core_data")]
