"""A small For You world for the explorer tests: foryou's in-memory stores and the real For You pipeline.

The pipeline is `home_mixer.for_you`'s own assembly over real in-memory stores; Thunder, retrieval and
the ranker are small real implementations (a fixed list of followed accounts' posts, a fixed
retrieval answer, a deterministic ranker whose likes and replies pull in different orders), so that a
weight change visibly reorders the feed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from home_mixer.memory import Served, Thunder

from foryou.core import make_snowflake
from foryou.core.clock import FixedClock
from foryou.core.ids import PostId, UserId
from foryou.home_mixer.candidate import HEAD_NAMES
from foryou.home_mixer.clients.store_clients import (
    StorePosts,
    StoreSafetyLabels,
    StoreSocialGraph,
    StoreUserActions,
    StoreUsers,
)
from foryou.home_mixer.clients.types import InNetworkPost, RetrievedPost
from foryou.home_mixer.for_you import ForYouClients, pipeline_factory
from foryou.home_mixer.query import UserActionSequence
from foryou.home_mixer.service import ForYouService
from foryou.params import Params
from foryou.pipeline import TraceBuffer
from foryou.stores import EdgeKind, Media, MediaKind, PostCoreData, memory_stores

NOW_MS = 1_768_910_400_000
VIEWER = 1
FOLLOWED = (10, 11, 12)
BLOCKED = 30
SCREEN_NAMES = {
    VIEWER: "alice",
    10: "bob",
    11: "carol",
    12: "dave",
    20: "erin",
    21: "frank",
    22: "grace",
    23: "heidi",
    BLOCKED: "mallory",
}
# (post id, author, text, video ms): in-network posts come from Thunder, the others from retrieval.
IN_NETWORK = [
    (101, 10, "Morning run along the river, 10 km done", 0),
    (102, 10, "New blog post on stable sorting", 0),
    (103, 11, "Sourdough attempt number four", 15_000),
    (104, 11, "Anyone going to the meetup tonight?", 0),
    (105, 12, "Thread: what I learned shipping a recommender", 0),
    (106, 12, "Cat picture, as promised", 0),
    (107, 10, "Replying to myself about sorting again", 0),
    (108, 11, "Short clip from the concert", 30_000),
]
OUT_OF_NETWORK = [
    (201, 20, "Ten tips for better sleep", 0),
    (202, 21, "The history of the paperclip", 0),
    (203, 22, "Watch: a robot folding laundry", 45_000),
    (204, 23, "Hot take: tabs over spaces", 0),
    (205, 20, "Photo essay from the mountains", 0),
    (206, 21, "A gentle introduction to Bloom filters", 0),
    (207, 22, "Live now: chess commentary", 0),
    (208, 23, "Recipe: ten-minute noodles", 0),
    (209, BLOCKED, "Buy followers cheap!!!", 0),
    (210, 20, "Why the sky is blue, explained", 0),
]
DUPLICATE_OF_IN_NETWORK = 105  # retrieval returns it too, so DropDuplicates removes Thunder's copy


def sid(n: int) -> int:
    """The snowflake id of the world's post number `n` (created n minutes before NOW_MS)."""
    return make_snowflake(NOW_MS - n * 60_000, sequence=n)


NUMBER = {sid(n): n for n, *_ in IN_NETWORK + OUT_OF_NETWORK}


def predictions(n: int) -> dict[str, float]:
    """Deterministic ranker output for post number n: likes and replies pull in different orders."""
    k = n % 100
    scores = dict.fromkeys(HEAD_NAMES, 0.0)
    scores.update(
        favorite=0.04 + 0.03 * ((k * 7) % 11),
        reply=0.01 + 0.02 * ((k * 5) % 9),
        retweet=0.01 * (k % 4),
        click=0.05 + 0.01 * (k % 6),
        vqv=0.3 if n in (103, 108, 203) else 0.0,
        not_interested=0.002 * (k % 3),
        dwell=0.2,
        dwell_time=2.0 + k % 5,
    )
    return scores


class Ranker:
    async def predict(
        self, *, user_id: int, sequence: UserActionSequence, candidates: Sequence[tuple[int, int]], surface: int
    ) -> list[dict[str, float] | None]:
        return [predictions(NUMBER[post_id]) if post_id in NUMBER else None for post_id, _ in candidates]


class ViewerRetrieval:
    """Retrieval that knows only the main viewer: anyone else gets no out-of-network posts."""

    def __init__(self, posts: list[RetrievedPost]) -> None:
        self.posts = posts

    async def retrieve(self, *, user_id: int, sequence: UserActionSequence, max_results: int) -> list[RetrievedPost]:
        return self.posts[:max_results] if user_id == VIEWER else []


async def _fill(stores: object) -> None:
    from foryou.stores import Stores

    assert isinstance(stores, Stores)
    for post_id, author, text, video_ms in IN_NETWORK + OUT_OF_NETWORK:
        media = (Media(MediaKind.VIDEO, video_ms),) if video_ms else ()
        created = NOW_MS - post_id * 60_000
        await stores.posts.insert(PostCoreData(PostId(sid(post_id)), author, created, text, media=media))  # type: ignore[arg-type]
    for uid, name in SCREEN_NAMES.items():
        await stores.users.set_profile(UserId(uid), screen_name=name, created_at_ms=NOW_MS, subscription_level=0)
    for followed in FOLLOWED:
        await stores.social_graph.set_edge(UserId(VIEWER), UserId(followed), EdgeKind.FOLLOW, active=True)
    await stores.social_graph.set_edge(UserId(VIEWER), UserId(BLOCKED), EdgeKind.BLOCK, active=True)


def build_service(traces: TraceBuffer, served: Served | None = None) -> ForYouService:
    """A ForYouService running the real For You pipeline over this world.

    Served posts are remembered in `served` and filtered from the viewer's next (non-dry-run) request.
    """
    stores = memory_stores()
    asyncio.run(_fill(stores))
    thunder = Thunder([InNetworkPost(sid(p), a, created_at_ms=NOW_MS) for p, a, _, _ in IN_NETWORK])
    retrieved = [RetrievedPost(sid(p), a, score=1.0) for p, a, _, _ in OUT_OF_NETWORK]
    dup_author = next(a for p, a, _, _ in IN_NETWORK if p == DUPLICATE_OF_IN_NETWORK)
    retrieval = ViewerRetrieval([*retrieved, RetrievedPost(sid(DUPLICATE_OF_IN_NETWORK), dup_author, score=0.5)])
    clock = FixedClock(NOW_MS)
    clients = ForYouClients(
        user_actions=StoreUserActions(stores),
        social_graph=StoreSocialGraph(stores),
        served_history=served if served is not None else Served(),
        thunder=thunder,
        retrieval=retrieval,
        ranker=Ranker(),
        posts=StorePosts(stores),
        users=StoreUsers(stores),
        safety_labels=StoreSafetyLabels(stores),
        clock=clock,
        traces=traces,
    )
    params = Params()
    return ForYouService(pipeline_factory(clients, params), params=params, clock=clock)


def search_users(q: str, limit: int) -> list[tuple[int, str]]:
    """Users whose id equals `q` or whose screen name contains it (case-insensitive)."""
    needle = q.lower().lstrip("@")
    hits = [(uid, name) for uid, name in SCREEN_NAMES.items() if str(uid) == needle or needle in name]
    return hits[:limit]
