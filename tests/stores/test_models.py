"""Store records: the event time of an action and the video duration of a post."""

from __future__ import annotations

from foryou.core import AuthorId, PostId, UserId
from foryou.stores import Media, MediaKind, PostCoreData, UserAction


def _action(engaged: int, impression: int, envelope: int) -> UserAction:
    return UserAction("e", UserId(1), PostId(2), AuthorId(3), 1, 0, impression, engaged, 0, envelope)


def test_action_time_falls_back_from_engaged_to_impression_to_envelope() -> None:
    assert _action(30, 20, 10).time_ms == 30
    assert _action(0, 20, 10).time_ms == 20
    assert _action(0, 0, 10).sort_key == (10, "e")


def test_video_duration_is_the_first_video() -> None:
    media = (Media(MediaKind.PHOTO), Media(MediaKind.VIDEO, 9_000), Media(MediaKind.VIDEO, 20_000))
    assert PostCoreData(PostId(1), AuthorId(2), 0, media=media).video_duration_ms == 9_000
    assert PostCoreData(PostId(1), AuthorId(2), 0, media=(Media(MediaKind.GIF, 5),)).video_duration_ms is None
    assert not PostCoreData(PostId(1), AuthorId(2), 0).is_repost
