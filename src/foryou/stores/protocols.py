"""The six store interfaces of SPEC §6.1, one `Protocol` each, all methods async.

Reads are what the home mixer's hydrators call; writes are what `StoreIngestor` calls when it applies
an event. Every backend (memory, SQLite, PostgreSQL, and the `Failing*` fault wrappers) implements
these, and `tests/stores/test_conformance.py` holds them to the same behaviour. A backend that cannot
answer raises `foryou.core.UnavailableError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from foryou.core.ids import AuthorId, PostId, UserId
from foryou.stores.models import (
    EdgeKind,
    InsertResult,
    Media,
    PostCoreData,
    SafetyLevel,
    UserAction,
    UserFeatures,
    UserProfile,
    Visibility,
)


class UserActionStore(Protocol):
    """Raw actions per user (engagements and the user's own replies, reposts and quotes)."""

    async def add(self, actions: Sequence[UserAction]) -> int:
        """Store actions not already stored under (user_id, event_id); returns how many were new."""
        ...

    async def actions(self, user: UserId) -> list[UserAction]:
        """The user's last `max_actions_per_user` actions, oldest first, by `UserAction.sort_key`."""
        ...


class SocialGraphStore(Protocol):
    """Follows, blocks, mutes, muted keywords and subscriptions."""

    async def set_edge(self, source: UserId, target: UserId, kind: EdgeKind, *, active: bool) -> bool:
        """Add (active) or remove an edge; True iff the stored state changed."""
        ...

    async def set_muted_keywords(self, user: UserId, keywords: Sequence[str]) -> None:
        """Replace the user's muted keywords (blank ones dropped, duplicates kept once, order kept)."""
        ...

    async def set_subscription(self, subscriber: UserId, creator: UserId, *, active: bool) -> bool:
        """Start (active) or end a subscription; True iff the stored state changed."""
        ...

    async def user_features(self, user: UserId) -> UserFeatures:
        """The five lists of the user; an unknown user has empty lists."""
        ...

    async def following(self, user: UserId, limit: int) -> list[UserId]:
        """Up to `limit` accounts the user follows, ascending by id."""
        ...

    async def followers_count(self, user: UserId) -> int: ...


class PostEntityStore(Protocol):
    """Core data of posts (text, references, media, subscriber-only), with deletes and retention."""

    async def insert(self, post: PostCoreData) -> InsertResult:
        """Store a post unless it is stored already or deleted.

        A quote of a deleted post counts as deleted too (the quote cascade of SPEC §4.3 applied in
        whatever order the create and the delete arrive).
        """
        ...

    async def delete(self, post_id: PostId, deleted_at_ms: int) -> list[PostId]:
        """Delete a post and every stored post quoting it (SPEC §4.3); returns the ids removed.

        A tombstone is kept for each id so that a later or replayed create does not resurrect it.
        """
        ...

    async def core_data(self, ids: Sequence[PostId]) -> dict[PostId, PostCoreData]:
        """Core data of the stored ids; unknown and deleted ids are absent."""
        ...

    async def media(self, ids: Sequence[PostId]) -> dict[PostId, tuple[Media, ...]]: ...

    async def subscription_author(self, ids: Sequence[PostId]) -> dict[PostId, AuthorId]:
        """Author of each stored subscriber-only post among `ids`."""
        ...

    async def purge(self, before_ms: int) -> int:
        """Forget posts and tombstones created before `before_ms`; returns how many rows went."""
        ...


class UserStore(Protocol):
    """Profiles (screen name, subscription level) and follower counts."""

    async def set_profile(
        self, user: UserId, *, screen_name: str, created_at_ms: int, subscription_level: int
    ) -> None: ...

    async def users(self, ids: Sequence[UserId]) -> dict[UserId, UserProfile]:
        """Profiles of ids with a profile or at least one follower; others are absent."""
        ...


class SafetyLabelStore(Protocol):
    """Safety labels per post and the visibility rules of SPEC §3.10."""

    async def set_label(self, post_id: PostId, label: int, *, applied: bool) -> None: ...

    async def record_repost(self, post_id: PostId, original_id: PostId) -> None:
        """Remember that `post_id` reposts `original_id`, whose labels then count for it too."""
        ...

    async def visibility(self, ids: Sequence[PostId], level: SafetyLevel, viewer: UserId) -> dict[PostId, Visibility]:
        """Visibility of every id in `ids` at `level`; unlabelled posts are ALLOW with no labels."""
        ...


class ServedHistoryStore(Protocol):
    """Posts recently served to each viewer (SPEC §3.4 ServedHistory, §3.10 side effect)."""

    async def append(
        self, viewer: UserId, request_id: str, served_at_ms: int, items: Sequence[tuple[PostId, PostId]]
    ) -> None:
        """Record one response's (post_id, original_id) pairs in position order; replays change nothing."""
        ...

    async def recent(self, viewer: UserId, now_ms: int, max_age_s: int, max_ids: int) -> list[PostId]:
        """Ids served within `max_age_s` of `now_ms`, newest response first, each item's post id then
        its original id (if a different non-zero id), duplicates once, at most `max_ids`."""
        ...
