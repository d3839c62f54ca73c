"""In-process clients over foryou's own stores (`foryou.stores`), converting to the Home Mixer's types."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from foryou.core.ids import PostId, UserId
from foryou.events.uas import RawAction
from foryou.home_mixer.candidate import Visibility, VisibilityAction
from foryou.home_mixer.clients.cached_posts import CachedPosts
from foryou.home_mixer.query import UserFeatures
from foryou.stores import Stores
from foryou.stores.models import PostCoreData, SafetyLevel, UserProfile


class StoreUserActions:
    def __init__(self, stores: Stores) -> None:
        self.store = stores.user_actions

    async def actions(self, user_id: int) -> list[RawAction]:
        return [
            RawAction(
                post_id=a.post_id,
                author_id=a.author_id,
                action=a.action,
                product_surface=a.product_surface,
                engaged_time_ms=a.engaged_time_ms,
                impression_time_ms=a.impression_time_ms,
                envelope_time_ms=a.event_time_ms,
                dwell_ms=a.dwell_ms,
                event_id=a.event_id,
            )
            for a in await self.store.actions(UserId(user_id))
        ]


class StoreSocialGraph:
    def __init__(self, stores: Stores) -> None:
        self.store = stores.social_graph

    async def user_features(self, user_id: int) -> UserFeatures:
        f = await self.store.user_features(UserId(user_id))
        return UserFeatures(
            muted_keywords=tuple(f.muted_keywords),
            blocked_user_ids=frozenset(f.blocked_user_ids),
            muted_user_ids=frozenset(f.muted_user_ids),
            followed_user_ids=tuple(f.followed_user_ids),
            subscribed_user_ids=frozenset(f.subscribed_user_ids),
        )


class StorePosts:
    def __init__(self, stores: Stores) -> None:
        self.store = stores.posts

    async def core_data(self, post_ids: Sequence[int]) -> dict[int, PostCoreData]:
        # PostId is a NewType of int: no per-id conversion either way
        return cast(dict[int, PostCoreData], await self.store.core_data(cast(Sequence[PostId], post_ids)))


class StoreUsers:
    def __init__(self, stores: Stores) -> None:
        self.store = stores.users

    async def users(self, user_ids: Sequence[int]) -> dict[int, UserProfile]:
        return cast(dict[int, UserProfile], await self.store.users(cast(Sequence[UserId], user_ids)))


class StoreSafetyLabels:
    def __init__(self, stores: Stores) -> None:
        self.store = stores.safety_labels

    async def visibility(self, post_ids: Sequence[int], level: str, viewer_id: int) -> dict[int, Visibility]:
        found = await self.store.visibility([PostId(i) for i in post_ids], SafetyLevel(level), UserId(viewer_id))
        return {
            post_id: Visibility(VisibilityAction(int(v.action)), tuple(label.name for label in v.labels))
            for post_id, v in found.items()
        }


class StoreServedHistory:
    def __init__(self, stores: Stores) -> None:
        self.store = stores.served_history

    async def append(
        self, *, viewer_id: int, request_id: str, served_at_ms: int, items: Sequence[tuple[int, int]]
    ) -> None:
        pairs = [(PostId(p), PostId(o)) for p, o in items]
        await self.store.append(UserId(viewer_id), request_id, served_at_ms, pairs)

    async def recent(self, viewer_id: int, *, now_ms: int, max_age_s: int, max_ids: int) -> list[int]:
        return list(await self.store.recent(UserId(viewer_id), now_ms, max_age_s, max_ids))


def store_readers(stores: Stores, *, cache_posts: bool | None = None) -> dict[str, Any]:
    """The six store-backed fields of `ForYouClients` over one `Stores` bundle. Post reads go through
    `CachedPosts` when the stores are a database (`cache_posts=None`); in memory the cache would only
    add a second dictionary lookup to the first."""
    posts = StorePosts(stores)
    cache = stores.engine is not None if cache_posts is None else cache_posts
    return {
        "user_actions": StoreUserActions(stores),
        "social_graph": StoreSocialGraph(stores),
        "served_history": StoreServedHistory(stores),
        "posts": CachedPosts(posts) if cache else posts,
        "users": StoreUsers(stores),
        "safety_labels": StoreSafetyLabels(stores),
    }
