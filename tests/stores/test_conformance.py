"""One behaviour for every backend: each test runs against memory, SQLite and PostgreSQL stores."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from store_support import StoresFactory

from foryou.core import AuthorId, PostId, UserId
from foryou.params import Params
from foryou.stores import (
    EdgeKind,
    InsertResult,
    Media,
    MediaKind,
    PostCoreData,
    SafetyLabel,
    SafetyLevel,
    StoreLimits,
    UserAction,
    UserFeatures,
    Visibility,
    VisibilityAction,
)

HOME = SafetyLevel.TIMELINE_HOME
RECS = SafetyLevel.TIMELINE_HOME_RECOMMENDATIONS
BIG = (1 << 64) - 5  # ids above 2^63 must survive the signed columns of SQL backends


def run(coro: Coroutine[Any, Any, None]) -> None:
    asyncio.run(coro)


def act(event_id: str, user: int, post: int, *, t: int, action: int = 1, author: int = 9) -> UserAction:
    return UserAction(
        event_id=event_id, user_id=UserId(user), post_id=PostId(post), author_id=AuthorId(author), action=action,
        product_surface=1, impression_time_ms=0, engaged_time_ms=t, dwell_ms=0, event_time_ms=t + 1,
    )  # fmt: skip


def post(post_id: int, author: int = 7, **fields: Any) -> PostCoreData:
    return PostCoreData(post_id=PostId(post_id), author_id=AuthorId(author), created_at_ms=1000, **fields)


# UserActionStore ------------------------------------------------------------------------------------


def test_actions_are_chronological_deduplicated_and_capped(make_stores: StoresFactory) -> None:
    async def body() -> None:
        stores = make_stores(limits=StoreLimits(max_actions_per_user=3))
        store = stores.user_actions
        assert await store.add([act("c", 1, 10, t=30), act("a", 1, 11, t=10), act("b", 1, BIG, t=20)]) == 3
        assert await store.add([act("a", 1, 11, t=10)]) == 0
        assert [a.event_id for a in await store.actions(UserId(1))] == ["a", "b", "c"]
        assert (await store.actions(UserId(1)))[1].post_id == BIG
        await store.add([act("d", 1, 12, t=40), act("e", 1, 13, t=25)])
        assert [a.event_id for a in await store.actions(UserId(1))] == ["e", "c", "d"]
        assert await store.actions(UserId(2)) == []

    run(body())


def test_actions_tie_break_on_event_id_and_keep_every_field(make_stores: StoresFactory) -> None:
    async def body() -> None:
        store = make_stores().user_actions
        full = UserAction("x2", UserId(BIG), PostId(5), AuthorId(BIG), 19, 3, 100, 0, 2500, 900, "req-1")
        await store.add([full, act("x1", BIG, 6, t=100)])
        got = await store.actions(UserId(BIG))
        assert [a.event_id for a in got] == ["x1", "x2"]
        assert got[1] == full

    run(body())


# SocialGraphStore -----------------------------------------------------------------------------------


def test_edges_toggle_and_count_followers(make_stores: StoresFactory) -> None:
    async def body() -> None:
        graph = make_stores().social_graph
        assert await graph.set_edge(UserId(1), UserId(3), EdgeKind.FOLLOW, active=True)
        assert not await graph.set_edge(UserId(1), UserId(3), EdgeKind.FOLLOW, active=True)
        await graph.set_edge(UserId(1), UserId(2), EdgeKind.FOLLOW, active=True)
        await graph.set_edge(UserId(4), UserId(3), EdgeKind.FOLLOW, active=True)
        await graph.set_edge(UserId(1), UserId(BIG), EdgeKind.BLOCK, active=True)
        await graph.set_edge(UserId(1), UserId(5), EdgeKind.MUTE, active=True)
        assert await graph.followers_count(UserId(3)) == 2
        assert await graph.following(UserId(1), 10) == [2, 3]
        assert await graph.following(UserId(1), 1) == [2]
        assert await graph.set_edge(UserId(4), UserId(3), EdgeKind.FOLLOW, active=False)
        assert not await graph.set_edge(UserId(4), UserId(3), EdgeKind.FOLLOW, active=False)
        assert await graph.followers_count(UserId(3)) == 1
        assert await graph.followers_count(UserId(99)) == 0
        features = await graph.user_features(UserId(1))
        assert features.followed_user_ids == (2, 3)
        assert features.blocked_user_ids == (BIG,)
        assert features.muted_user_ids == (5,)

    run(body())


def test_keywords_replace_and_subscriptions(make_stores: StoresFactory) -> None:
    async def body() -> None:
        graph = make_stores().social_graph
        await graph.set_muted_keywords(UserId(1), ["widget", " #launch ", "", "widget", "new york"])
        assert (await graph.user_features(UserId(1))).muted_keywords == ("widget", "#launch", "new york")
        await graph.set_muted_keywords(UserId(1), ["café"])
        assert (await graph.user_features(UserId(1))).muted_keywords == ("café",)
        assert await graph.set_subscription(UserId(1), UserId(8), active=True)
        assert not await graph.set_subscription(UserId(1), UserId(8), active=True)
        await graph.set_subscription(UserId(1), UserId(6), active=True)
        await graph.set_subscription(UserId(1), UserId(8), active=False)
        assert (await graph.user_features(UserId(1))).subscribed_user_ids == (6,)
        await graph.set_muted_keywords(UserId(1), [])
        assert await graph.user_features(UserId(1)) == UserFeatures(subscribed_user_ids=(UserId(6),))
        assert await graph.user_features(UserId(77)) == UserFeatures()

    run(body())


# PostEntityStore ------------------------------------------------------------------------------------


def test_core_data_round_trip_and_first_version_wins(make_stores: StoresFactory) -> None:
    async def body() -> None:
        posts = make_stores().posts
        video = post(
            BIG, 3, text="héllo", conversation_id=PostId(BIG), in_reply_to_post_id=PostId(4),
            in_reply_to_user_id=UserId(5), quoted_post_id=PostId(6), quoted_user_id=UserId(7),
            media=(Media(MediaKind.PHOTO), Media(MediaKind.VIDEO, 15_000)), subscriber_only=True,
        )  # fmt: skip
        repost = post(20, 4, repost_of_post_id=PostId(BIG), repost_of_user_id=UserId(3))
        assert await posts.insert(video) == InsertResult.STORED
        assert await posts.insert(repost) == InsertResult.STORED
        assert await posts.insert(post(20, 99, text="other")) == InsertResult.DUPLICATE
        got = await posts.core_data([PostId(BIG), PostId(20), PostId(404)])
        assert got == {BIG: video, 20: repost}
        assert got[PostId(BIG)].video_duration_ms == 15_000 and got[PostId(20)].video_duration_ms is None
        assert await posts.media([PostId(BIG), PostId(404)]) == {BIG: video.media}
        assert await posts.subscription_author([PostId(BIG), PostId(20)]) == {BIG: 3}

    run(body())


def test_delete_cascades_to_quotes_and_blocks_recreation(make_stores: StoresFactory) -> None:
    async def body() -> None:
        posts = make_stores().posts
        for p in (post(1), post(2, quoted_post_id=PostId(1)), post(3, quoted_post_id=PostId(2)), post(4)):
            await posts.insert(p)
        assert await posts.delete(PostId(1), 5000) == [1, 2]
        assert set(await posts.core_data([PostId(i) for i in range(1, 5)])) == {3, 4}
        assert await posts.insert(post(1)) == InsertResult.DELETED
        assert await posts.insert(post(5, quoted_post_id=PostId(1))) == InsertResult.DELETED
        assert await posts.core_data([PostId(5)]) == {}
        assert await posts.delete(PostId(1), 6000) == []
        assert await posts.delete(PostId(404), 6000) == []
        assert await posts.insert(post(404)) == InsertResult.DELETED

    run(body())


def test_purge_forgets_old_posts_and_tombstones(make_stores: StoresFactory) -> None:
    async def body() -> None:
        posts = make_stores().posts
        old_id, new_id = (make_id(1_700_000_000_000), make_id(1_800_000_000_000))
        await posts.insert(PostCoreData(PostId(old_id), AuthorId(1), created_at_ms=1_700_000_000_000))
        await posts.insert(PostCoreData(PostId(new_id), AuthorId(1), created_at_ms=1_800_000_000_000))
        await posts.delete(PostId(old_id + 1), 0)
        assert await posts.purge(1_750_000_000_000) == 2
        assert set(await posts.core_data([PostId(old_id), PostId(new_id)])) == {new_id}

    run(body())


def make_id(ms: int) -> int:
    from foryou.core import make_snowflake

    return make_snowflake(ms)


# UserStore ------------------------------------------------------------------------------------------


def test_users_join_profiles_and_follower_counts(make_stores: StoresFactory) -> None:
    async def body() -> None:
        stores = make_stores()
        await stores.users.set_profile(UserId(1), screen_name="ada", created_at_ms=5, subscription_level=2)
        await stores.users.set_profile(UserId(1), screen_name="ada_l", created_at_ms=5, subscription_level=1)
        await stores.users.set_profile(UserId(BIG), screen_name="big", created_at_ms=0, subscription_level=0)
        await stores.social_graph.set_edge(UserId(2), UserId(1), EdgeKind.FOLLOW, active=True)
        await stores.social_graph.set_edge(UserId(2), UserId(3), EdgeKind.FOLLOW, active=True)
        got = await stores.users.users([UserId(1), UserId(3), UserId(4), UserId(BIG)])
        assert set(got) == {1, 3, BIG}
        assert (got[UserId(1)].screen_name, got[UserId(1)].followers_count, got[UserId(1)].subscription_level) == (
            "ada_l",
            1,
            1,
        )
        assert (got[UserId(3)].screen_name, got[UserId(3)].followers_count) == ("", 1)

    run(body())


def test_users_read_again_see_every_later_profile_and_follower_change(make_stores: StoresFactory) -> None:
    async def body() -> None:
        stores = make_stores()
        users, graph = stores.users, stores.social_graph
        await users.set_profile(UserId(1), screen_name="ada", created_at_ms=5, subscription_level=0)
        await graph.set_edge(UserId(2), UserId(3), EdgeKind.FOLLOW, active=True)
        first = await users.users([UserId(1), UserId(3)])
        assert (first[UserId(1)].followers_count, first[UserId(3)].followers_count) == (0, 1)
        await graph.set_edge(UserId(2), UserId(1), EdgeKind.FOLLOW, active=True)
        await graph.set_edge(UserId(2), UserId(3), EdgeKind.FOLLOW, active=False)
        await users.set_profile(UserId(3), screen_name="cy", created_at_ms=1, subscription_level=0)
        again = await users.users([UserId(1), UserId(3)])
        assert (again[UserId(1)].screen_name, again[UserId(1)].followers_count) == ("ada", 1)
        assert (again[UserId(3)].screen_name, again[UserId(3)].followers_count) == ("cy", 0)
        await users.set_profile(UserId(1), screen_name="ada_l", created_at_ms=5, subscription_level=0)
        await graph.set_edge(UserId(4), UserId(5), EdgeKind.FOLLOW, active=True)
        assert (await users.users([UserId(5)]))[UserId(5)].followers_count == 1
        await graph.set_edge(UserId(4), UserId(5), EdgeKind.FOLLOW, active=False)
        last = await users.users([UserId(1), UserId(5)])
        assert set(last) == {1} and last[UserId(1)].screen_name == "ada_l"

    run(body())


# SafetyLabelStore -----------------------------------------------------------------------------------


def test_visibility_follows_the_rule_table_and_reposts(make_stores: StoresFactory) -> None:
    async def body() -> None:
        labels = make_stores().safety_labels
        await labels.set_label(PostId(1), SafetyLabel.GORE, applied=True)
        await labels.set_label(PostId(2), SafetyLabel.SPAM, applied=True)
        await labels.set_label(PostId(2), SafetyLabel.NSFW, applied=True)
        await labels.set_label(PostId(3), 42, applied=True)  # a label this build does not know
        await labels.record_repost(PostId(BIG), PostId(1))
        ids = [PostId(1), PostId(2), PostId(3), PostId(4), PostId(BIG)]
        home = await labels.visibility(ids, HOME, UserId(9))
        assert home[PostId(1)] == Visibility(VisibilityAction.INTERSTITIAL, (SafetyLabel.GORE,))
        assert home[PostId(2)] == Visibility(VisibilityAction.DROP, (SafetyLabel.SPAM,))
        assert home[PostId(3)] == home[PostId(4)] == Visibility()
        assert home[PostId(BIG)] == Visibility(VisibilityAction.INTERSTITIAL, (SafetyLabel.GORE,))
        recs = await labels.visibility(ids, RECS, UserId(9))
        assert recs[PostId(1)] == Visibility(VisibilityAction.DROP, (SafetyLabel.GORE,))
        assert recs[PostId(2)] == Visibility(VisibilityAction.DROP, (SafetyLabel.SPAM, SafetyLabel.NSFW))
        await labels.set_label(PostId(1), SafetyLabel.GORE, applied=False)
        assert (await labels.visibility([PostId(BIG)], RECS, UserId(9)))[PostId(BIG)] == Visibility()
        assert await labels.visibility([], HOME, UserId(9)) == {}

    run(body())


def test_visibility_rules_come_from_params(make_stores: StoresFactory) -> None:
    async def body() -> None:
        params = Params({"vf.rules.timeline_home.nsfw": "ALLOW", "vf.rules.timeline_home.spam": "INTERSTITIAL"})
        labels = make_stores(params=params).safety_labels
        await labels.set_label(PostId(1), SafetyLabel.NSFW, applied=True)
        await labels.set_label(PostId(1), SafetyLabel.SPAM, applied=True)
        got = await labels.visibility([PostId(1)], HOME, UserId(9))
        assert got[PostId(1)] == Visibility(VisibilityAction.INTERSTITIAL, (SafetyLabel.SPAM,))

    run(body())


# ServedHistoryStore ---------------------------------------------------------------------------------


def test_served_history_newest_first_with_originals(make_stores: StoresFactory) -> None:
    async def body() -> None:
        served = make_stores().served_history
        viewer = UserId(1)
        await served.append(viewer, "r1", 1_000_000, [(PostId(1), PostId(1)), (PostId(2), PostId(3))])
        await served.append(viewer, "r2", 1_100_000, [(PostId(4), PostId(4)), (PostId(3), PostId(3))])
        await served.append(viewer, "r2", 1_100_000, [(PostId(4), PostId(4)), (PostId(3), PostId(3))])
        assert await served.recent(viewer, 1_200_000, 600, 100) == [4, 3, 1, 2]
        assert await served.recent(viewer, 1_200_000, 600, 2) == [4, 3]
        assert await served.recent(viewer, 1_650_000, 600, 100) == [4, 3]
        assert await served.recent(UserId(2), 1_200_000, 600, 100) == []

    run(body())


def test_served_history_is_bounded_per_viewer(make_stores: StoresFactory) -> None:
    async def body() -> None:
        served = make_stores(limits=StoreLimits(max_served_per_viewer=3)).served_history
        for i in range(5):
            await served.append(UserId(BIG), f"r{i}", 1000 * i, [(PostId(10 * i + 1), PostId(BIG))])
        assert await served.recent(UserId(BIG), 5000, 600, 100) == [41, BIG, 31, 21]
        await served.append(UserId(BIG), "r0", 0, [(PostId(1), PostId(1))])
        assert await served.recent(UserId(BIG), 5000, 600, 100) == [41, BIG, 31, 21]

    run(body())


def test_concurrent_calls_see_whole_writes(make_stores: StoresFactory) -> None:
    async def body() -> None:
        stores = make_stores()
        graph = stores.social_graph

        async def follow(source: int) -> None:
            await graph.set_edge(UserId(source), UserId(1), EdgeKind.FOLLOW, active=True)
            assert await graph.followers_count(UserId(1)) >= 1

        await asyncio.gather(*(follow(s) for s in range(2, 42)), *(graph.user_features(UserId(1)) for _ in range(20)))
        assert await graph.followers_count(UserId(1)) == 40
        assert (await stores.users.users([UserId(1)]))[UserId(1)].followers_count == 40

    run(body())
