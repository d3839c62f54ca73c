"""Fault injection for the stores: wrappers that pass calls through until their switch says otherwise.

Each `Failing*Store` wraps a real store. While its `FailureSwitch` is `down`, every call raises
`UnavailableError` (what a closed SQL connection also gives); while it `hangs`, calls wait until the
switch is reset, so the caller's timeout fires. The home mixer's fault tests ("each store down") use
`with_failures(stores)` to get a bundle and one switch per store.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from enum import Enum

from foryou.core.errors import UnavailableError
from foryou.core.ids import AuthorId, PostId, UserId
from foryou.stores.bundle import Stores
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
from foryou.stores.protocols import (
    PostEntityStore,
    SafetyLabelStore,
    ServedHistoryStore,
    SocialGraphStore,
    UserActionStore,
    UserStore,
)


class Mode(Enum):
    UP = "up"
    DOWN = "down"
    HANG = "hang"


class FailureSwitch:
    """The state of one wrapped store; flip it from a test."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.mode = Mode.UP
        self.calls_refused = 0
        self._released = asyncio.Event()

    def down(self) -> None:
        self.mode = Mode.DOWN

    def hang(self) -> None:
        self.mode = Mode.HANG
        self._released = asyncio.Event()

    def up(self) -> None:
        self.mode = Mode.UP
        self._released.set()

    async def check(self) -> None:
        if self.mode == Mode.DOWN:
            self.calls_refused += 1
            raise UnavailableError(f"{self.name} store is down (fault injection)")
        if self.mode == Mode.HANG:
            self.calls_refused += 1
            await self._released.wait()


class FailingUserActionStore:
    def __init__(self, inner: UserActionStore, switch: FailureSwitch) -> None:
        self.inner, self.switch = inner, switch

    async def add(self, actions: Sequence[UserAction]) -> int:
        await self.switch.check()
        return await self.inner.add(actions)

    async def actions(self, user: UserId) -> list[UserAction]:
        await self.switch.check()
        return await self.inner.actions(user)


class FailingSocialGraphStore:
    def __init__(self, inner: SocialGraphStore, switch: FailureSwitch) -> None:
        self.inner, self.switch = inner, switch

    async def set_edge(self, source: UserId, target: UserId, kind: EdgeKind, *, active: bool) -> bool:
        await self.switch.check()
        return await self.inner.set_edge(source, target, kind, active=active)

    async def set_muted_keywords(self, user: UserId, keywords: Sequence[str]) -> None:
        await self.switch.check()
        await self.inner.set_muted_keywords(user, keywords)

    async def set_subscription(self, subscriber: UserId, creator: UserId, *, active: bool) -> bool:
        await self.switch.check()
        return await self.inner.set_subscription(subscriber, creator, active=active)

    async def user_features(self, user: UserId) -> UserFeatures:
        await self.switch.check()
        return await self.inner.user_features(user)

    async def following(self, user: UserId, limit: int) -> list[UserId]:
        await self.switch.check()
        return await self.inner.following(user, limit)

    async def followers_count(self, user: UserId) -> int:
        await self.switch.check()
        return await self.inner.followers_count(user)


class FailingPostEntityStore:
    def __init__(self, inner: PostEntityStore, switch: FailureSwitch) -> None:
        self.inner, self.switch = inner, switch

    async def insert(self, post: PostCoreData) -> InsertResult:
        await self.switch.check()
        return await self.inner.insert(post)

    async def delete(self, post_id: PostId, deleted_at_ms: int) -> list[PostId]:
        await self.switch.check()
        return await self.inner.delete(post_id, deleted_at_ms)

    async def core_data(self, ids: Sequence[PostId]) -> dict[PostId, PostCoreData]:
        await self.switch.check()
        return await self.inner.core_data(ids)

    async def media(self, ids: Sequence[PostId]) -> dict[PostId, tuple[Media, ...]]:
        await self.switch.check()
        return await self.inner.media(ids)

    async def subscription_author(self, ids: Sequence[PostId]) -> dict[PostId, AuthorId]:
        await self.switch.check()
        return await self.inner.subscription_author(ids)

    async def purge(self, before_ms: int) -> int:
        await self.switch.check()
        return await self.inner.purge(before_ms)


class FailingUserStore:
    def __init__(self, inner: UserStore, switch: FailureSwitch) -> None:
        self.inner, self.switch = inner, switch

    async def set_profile(self, user: UserId, *, screen_name: str, created_at_ms: int, subscription_level: int) -> None:
        await self.switch.check()
        await self.inner.set_profile(
            user, screen_name=screen_name, created_at_ms=created_at_ms, subscription_level=subscription_level
        )

    async def users(self, ids: Sequence[UserId]) -> dict[UserId, UserProfile]:
        await self.switch.check()
        return await self.inner.users(ids)


class FailingSafetyLabelStore:
    def __init__(self, inner: SafetyLabelStore, switch: FailureSwitch) -> None:
        self.inner, self.switch = inner, switch

    async def set_label(self, post_id: PostId, label: int, *, applied: bool) -> None:
        await self.switch.check()
        await self.inner.set_label(post_id, label, applied=applied)

    async def record_repost(self, post_id: PostId, original_id: PostId) -> None:
        await self.switch.check()
        await self.inner.record_repost(post_id, original_id)

    async def visibility(self, ids: Sequence[PostId], level: SafetyLevel, viewer: UserId) -> dict[PostId, Visibility]:
        await self.switch.check()
        return await self.inner.visibility(ids, level, viewer)


class FailingServedHistoryStore:
    def __init__(self, inner: ServedHistoryStore, switch: FailureSwitch) -> None:
        self.inner, self.switch = inner, switch

    async def append(
        self, viewer: UserId, request_id: str, served_at_ms: int, items: Sequence[tuple[PostId, PostId]]
    ) -> None:
        await self.switch.check()
        await self.inner.append(viewer, request_id, served_at_ms, items)

    async def recent(self, viewer: UserId, now_ms: int, max_age_s: int, max_ids: int) -> list[PostId]:
        await self.switch.check()
        return await self.inner.recent(viewer, now_ms, max_age_s, max_ids)


STORE_NAMES = ("user_actions", "social_graph", "posts", "users", "safety_labels", "served_history")


def with_failures(stores: Stores) -> tuple[Stores, dict[str, FailureSwitch]]:
    """The same stores behind failure switches, keyed by the `Stores` field names."""
    switches = {name: FailureSwitch(name) for name in STORE_NAMES}
    wrapped = dataclasses.replace(
        stores,
        user_actions=FailingUserActionStore(stores.user_actions, switches["user_actions"]),
        social_graph=FailingSocialGraphStore(stores.social_graph, switches["social_graph"]),
        posts=FailingPostEntityStore(stores.posts, switches["posts"]),
        users=FailingUserStore(stores.users, switches["users"]),
        safety_labels=FailingSafetyLabelStore(stores.safety_labels, switches["safety_labels"]),
        served_history=FailingServedHistoryStore(stores.served_history, switches["served_history"]),
    )
    return wrapped, switches
