"""Records the stores hold and answer with (SPEC §6.1): actions, features, core data, profiles, visibility.

Plain frozen dataclasses and enums; every backend (memory, SQLite, PostgreSQL) returns exactly these, so
the home mixer's hydrators never see a backend type.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

from foryou.core.ids import AuthorId, PostId, UserId

NO_POST = PostId(0)
NO_USER = UserId(0)


class EdgeKind(IntEnum):
    """Social-graph edge kinds; values mirror `foryou.events.v1.EdgeKind`."""

    FOLLOW = 1
    BLOCK = 2
    MUTE = 3


class MediaKind(IntEnum):
    """Media kinds; values mirror `foryou.events.v1.MediaKind`."""

    UNSPECIFIED = 0
    PHOTO = 1
    VIDEO = 2
    GIF = 3


class SafetyLabel(IntEnum):
    """Safety labels; values mirror `foryou.events.v1.SafetyLabel`. Unknown values are stored raw."""

    DELETED = 1
    SPAM = 2
    VIOLENCE = 3
    GORE = 4
    NSFW = 5

    @property
    def param_name(self) -> str:
        """The `<label>` part of the `vf.rules.<level>.<label>` parameters."""
        return self.name.lower()


class SafetyLevel(StrEnum):
    """Rule context of a visibility lookup (SPEC §3.10); values are the `vf.rules.<level>` names."""

    TIMELINE_HOME = "timeline_home"
    TIMELINE_HOME_RECOMMENDATIONS = "timeline_home_recommendations"


class InsertResult(IntEnum):
    """Outcome of `PostEntityStore.insert`."""

    STORED = 0
    DUPLICATE = 1  # already stored: the first version wins
    DELETED = 2  # the post, or the post it quotes, was deleted: it is (now) tombstoned


class VisibilityAction(IntEnum):
    """Outcome of a visibility lookup, ordered by severity (DROP > INTERSTITIAL > ALLOW)."""

    ALLOW = 0
    INTERSTITIAL = 1
    DROP = 2


@dataclass(slots=True)
class UserAction:
    """One raw action of a user, as stored; aggregation into the UAS happens in the query hydrator.

    Read-only by convention, not frozen: reads build up to 10 000 of these per call, and a frozen
    dataclass takes about ten times longer to construct (the same holds for `PostCoreData`).

    `action` is the event action value (SPEC §5.1: head index + 1, 19 = impression), kept raw so that
    the hydrator, not the store, drops unknown types. `post_id` / `author_id` are already re-attributed
    to the original when the action was on a repost known at ingestion time.
    """

    event_id: str
    user_id: UserId
    post_id: PostId
    author_id: AuthorId
    action: int
    product_surface: int
    impression_time_ms: int
    engaged_time_ms: int
    dwell_ms: int
    event_time_ms: int
    request_id: str = ""

    @property
    def time_ms(self) -> int:
        """Event time of SPEC §3.4: engaged time, else impression time, else the envelope time."""
        return self.engaged_time_ms or self.impression_time_ms or self.event_time_ms

    @property
    def sort_key(self) -> tuple[int, str]:
        """Chronological order of `actions(user)`: (time_ms, event_id)."""
        return (self.time_ms, self.event_id)


@dataclass(frozen=True, slots=True)
class UserFeatures:
    """The five lists of the UserFeatures query hydrator (SPEC §3.2); sorted ascending by id."""

    muted_keywords: tuple[str, ...] = ()
    blocked_user_ids: tuple[UserId, ...] = ()
    muted_user_ids: tuple[UserId, ...] = ()
    followed_user_ids: tuple[UserId, ...] = ()
    subscribed_user_ids: tuple[UserId, ...] = ()


@dataclass(frozen=True, slots=True)
class Media:
    kind: MediaKind
    duration_ms: int = 0


@dataclass(slots=True)
class PostCoreData:
    """Core data of one post (SPEC §3.6, §4.8). Absent references are 0. Read-only by convention."""

    post_id: PostId
    author_id: AuthorId
    created_at_ms: int
    text: str = ""
    conversation_id: PostId = NO_POST
    in_reply_to_post_id: PostId = NO_POST
    in_reply_to_user_id: UserId = NO_USER
    repost_of_post_id: PostId = NO_POST
    repost_of_user_id: UserId = NO_USER
    quoted_post_id: PostId = NO_POST
    quoted_user_id: UserId = NO_USER
    media: tuple[Media, ...] = ()
    subscriber_only: bool = False

    @property
    def is_repost(self) -> bool:
        return self.repost_of_post_id != 0

    @property
    def video_duration_ms(self) -> int | None:
        """Duration of the first VIDEO media item, or None when the post has no video."""
        for item in self.media:
            if item.kind == MediaKind.VIDEO:
                return item.duration_ms
        return None


@dataclass(frozen=True, slots=True)
class UserProfile:
    """What Gizmoduck answered upstream: screen name, follower count, subscription level."""

    user_id: UserId
    screen_name: str = ""
    followers_count: int = 0
    subscription_level: int = 0
    created_at_ms: int = 0


@dataclass(frozen=True, slots=True)
class Visibility:
    """Result of a visibility lookup: the most severe action and the labels that triggered it."""

    action: VisibilityAction = VisibilityAction.ALLOW
    labels: tuple[SafetyLabel, ...] = ()


ALLOW = Visibility()
