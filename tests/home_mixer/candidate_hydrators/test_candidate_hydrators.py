"""The concurrent candidate hydrators (SPEC §3.6) and the post-selection VF hydrator (§3.10)."""

from __future__ import annotations

import asyncio

from foryou.home_mixer.candidate import PostCandidate, Visibility, VisibilityAction
from foryou.home_mixer.candidate_hydrators.core_data_candidate_hydrator import CoreDataCandidateHydrator
from foryou.home_mixer.candidate_hydrators.gizmoduck_candidate_hydrator import GizmoduckCandidateHydrator
from foryou.home_mixer.candidate_hydrators.in_network_candidate_hydrator import InNetworkCandidateHydrator
from foryou.home_mixer.candidate_hydrators.original_post_lookup import PostLookup
from foryou.home_mixer.candidate_hydrators.subscription_candidate_hydrator import SubscriptionCandidateHydrator
from foryou.home_mixer.candidate_hydrators.vf_candidate_hydrator import VFCandidateHydrator
from foryou.home_mixer.candidate_hydrators.video_duration_candidate_hydrator import (
    VideoDurationCandidateHydrator,
)
from foryou.stores.models import Media, MediaKind, PostCoreData, UserProfile

from ..helpers import query, run
from ..memory import Labels, Posts, Users

POSTS = Posts().add(
    PostCoreData(
        1, 10, 0, "root post", conversation_id=1, media=(Media(MediaKind.VIDEO, 15_000),), subscriber_only=True
    ),
    PostCoreData(2, 20, 0, "reply", in_reply_to_post_id=5, in_reply_to_user_id=50, conversation_id=1),
    PostCoreData(3, 30, 0, "", repost_of_post_id=1, repost_of_user_id=10),
    PostCoreData(4, 40, 0, "  ", media=(Media(MediaKind.PHOTO),)),
)


def test_in_network_is_viewer_or_followed() -> None:
    cands = [PostCandidate(1, author_id=1), PostCandidate(2, author_id=2), PostCandidate(3, author_id=3)]
    out = run(InNetworkCandidateHydrator().hydrate(query(1, follows=(2,)), cands))
    assert [c.in_network for c in out] == [True, True, False]


def test_core_data_fills_reply_fields_and_reposts_take_only_text_from_the_original() -> None:
    cands = [PostCandidate(2), PostCandidate(3, author_id=30), PostCandidate(99, author_id=7), PostCandidate(4)]
    out = run(CoreDataCandidateHydrator(POSTS).hydrate(query(), cands))
    reply, repost, unknown, media = out
    assert (reply.author_id, reply.tweet_text, reply.in_reply_to_tweet_id, reply.ancestors) == (20, "reply", 5, [5, 1])
    assert (repost.tweet_text, repost.retweeted_tweet_id, repost.retweeted_user_id) == ("root post", 1, 10)
    assert (repost.in_reply_to_tweet_id, repost.conversation_id, repost.ancestors, repost.has_media) == (
        None,
        None,
        [],
        True,
    )
    assert (unknown.tweet_text, unknown.author_id, unknown.retweeted_tweet_id) == ("", 7, None)
    assert media.has_media and media.tweet_text == "  "


def test_core_data_keeps_existing_ancestors_and_author() -> None:
    cands = [PostCandidate(2, author_id=77, ancestors=[8])]
    (out,) = run(CoreDataCandidateHydrator(POSTS).hydrate(query(), cands))
    assert out.author_id == 77 and out.ancestors == [8]


def test_video_and_subscription_come_from_the_original() -> None:
    cands = [PostCandidate(3, retweeted_tweet_id=1), PostCandidate(2), PostCandidate(3)]  # last: OON repost
    videos = run(VideoDurationCandidateHydrator(POSTS).hydrate(query(), cands))
    subs = run(SubscriptionCandidateHydrator(POSTS).hydrate(query(), cands))
    assert [c.video_duration_ms for c in videos] == [15_000, None, 15_000]
    assert [c.subscription_author_id for c in subs] == [10, None, 10]


def test_gizmoduck_batches_distinct_ids() -> None:
    users = Users({10: UserProfile(10, "alice", 500), 20: UserProfile(20, "bob", 7)})
    cands = [PostCandidate(1, author_id=10), PostCandidate(3, author_id=20, retweeted_user_id=10), PostCandidate(9)]
    out = run(GizmoduckCandidateHydrator(users).hydrate(query(), cands))
    assert users.calls == [[10, 20]]
    assert [(c.author_screen_name, c.author_followers_count, c.retweeted_screen_name) for c in out] == [
        ("alice", 500, None),
        ("bob", 7, "alice"),
        (None, None, None),
    ]


def test_vf_uses_the_safety_level_of_each_candidate_and_marks_failures_unavailable() -> None:
    drop = Visibility(VisibilityAction.DROP, ("SPAM",))
    labels = Labels({(1, "timeline_home"): drop, (2, "timeline_home_recommendations"): drop})
    cands = [PostCandidate(1, in_network=True), PostCandidate(2, in_network=False), PostCandidate(3, in_network=True)]
    out = run(VFCandidateHydrator(labels).hydrate(query(), cands))
    assert [c.visibility.action for c in out if c.visibility] == [
        VisibilityAction.DROP,
        VisibilityAction.DROP,
        VisibilityAction.ALLOW,
    ]
    assert all(c.visibility_checked for c in out)
    labels.down_levels.add("timeline_home_recommendations")
    out = run(VFCandidateHydrator(labels).hydrate(query(), cands))
    assert [c.visibility.action for c in out if c.visibility] == [
        VisibilityAction.DROP,
        VisibilityAction.UNAVAILABLE,
        VisibilityAction.ALLOW,
    ]


def test_vf_makes_no_call_for_an_empty_level() -> None:
    labels = Labels()
    run(VFCandidateHydrator(labels).hydrate(query(), [PostCandidate(1, in_network=True)]))
    assert [level for level, _ in labels.calls] == ["timeline_home"]


def test_post_hydrators_on_one_list_share_one_lookup_and_agree_with_separate_ones() -> None:
    posts = Posts(data=dict(POSTS.data))
    shared = PostLookup(posts)
    hydrators = [
        CoreDataCandidateHydrator(posts, shared),
        VideoDurationCandidateHydrator(posts, shared),
        SubscriptionCandidateHydrator(posts, shared),
    ]
    cands = [PostCandidate(3, retweeted_tweet_id=1), PostCandidate(2), PostCandidate(99), PostCandidate(3)]

    async def together() -> list[list[PostCandidate]]:
        return [list(r) for r in await asyncio.gather(*(h.hydrate(query(), cands) for h in hydrators))]

    shared_out = run(together())
    assert posts.calls == [[1, 2, 3, 99]]  # one lookup: every candidate and original at once
    alone = [list(run(type(h)(POSTS).hydrate(query(), cands))) for h in hydrators]
    for owned, a, b in zip([h.owned_fields for h in hydrators], shared_out, alone, strict=True):
        assert [[getattr(c, f) for f in owned] for c in a] == [[getattr(c, f) for f in owned] for c in b]
    run(together())
    assert len(posts.calls) == 2  # nothing kept once the lookup finished


def test_failed_shared_lookup_fails_every_hydrator_that_waited_for_it() -> None:
    posts = Posts(down=True)
    shared = PostLookup(posts)
    hydrators = [VideoDurationCandidateHydrator(posts, shared), SubscriptionCandidateHydrator(posts, shared)]

    async def together() -> list[object]:
        return await asyncio.gather(
            *(h.hydrate(query(), [PostCandidate(1)]) for h in hydrators), return_exceptions=True
        )

    assert [type(r).__name__ for r in run(together())] == ["UnavailableError", "UnavailableError"]
    assert shared._inflight is None
