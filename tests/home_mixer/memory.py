"""Small in-memory implementations of the Home Mixer client protocols, for component tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from foryou.core import UnavailableError
from foryou.home_mixer.candidate import Visibility
from foryou.home_mixer.clients.types import InNetworkPost, RetrievedPost
from foryou.home_mixer.query import UserActionSequence, UserFeatures
from foryou.stores.models import PostCoreData, UserProfile


@dataclass
class Posts:
    data: dict[int, PostCoreData] = field(default_factory=dict)
    calls: list[list[int]] = field(default_factory=list)
    down: bool = False

    def add(self, *posts: PostCoreData) -> Posts:
        for p in posts:
            self.data[p.post_id] = p
        return self

    async def core_data(self, post_ids: Sequence[int]) -> dict[int, PostCoreData]:
        if self.down:
            raise UnavailableError("post store down")
        self.calls.append(list(post_ids))
        return {i: self.data[i] for i in post_ids if i in self.data}


@dataclass
class Users:
    data: dict[int, UserProfile] = field(default_factory=dict)
    calls: list[list[int]] = field(default_factory=list)

    async def users(self, user_ids: Sequence[int]) -> dict[int, UserProfile]:
        self.calls.append(list(user_ids))
        return {i: self.data[i] for i in user_ids if i in self.data}


@dataclass
class Graph:
    features: dict[int, UserFeatures] = field(default_factory=dict)
    down: bool = False

    async def user_features(self, user_id: int) -> UserFeatures:
        if self.down:
            raise UnavailableError("graph store down")
        return self.features.get(user_id, UserFeatures())


@dataclass
class Labels:
    verdicts: dict[tuple[int, str], Visibility] = field(default_factory=dict)
    down_levels: set[str] = field(default_factory=set)
    calls: list[tuple[str, list[int]]] = field(default_factory=list)

    async def visibility(self, post_ids: Sequence[int], level: str, viewer_id: int) -> dict[int, Visibility]:
        self.calls.append((level, list(post_ids)))
        if level in self.down_levels:
            raise UnavailableError(f"labels down for {level}")
        return {i: self.verdicts[(i, level)] for i in post_ids if (i, level) in self.verdicts}


@dataclass
class Served:
    entries: list[tuple[int, str, int, list[tuple[int, int]]]] = field(default_factory=list)

    async def append(
        self, *, viewer_id: int, request_id: str, served_at_ms: int, items: Sequence[tuple[int, int]]
    ) -> None:
        self.entries.append((viewer_id, request_id, served_at_ms, list(items)))

    async def recent(self, viewer_id: int, *, now_ms: int, max_age_s: int, max_ids: int) -> list[int]:
        out: list[int] = []
        for viewer, _, at, items in reversed(self.entries):
            if viewer == viewer_id and now_ms - at <= max_age_s * 1000:
                for post_id, original in items:
                    out.extend([post_id] if post_id == original else [post_id, original])
        return out[:max_ids]


@dataclass
class Thunder:
    posts: list[InNetworkPost] = field(default_factory=list)
    requests: list[dict[str, object]] = field(default_factory=list)

    async def get_in_network_posts(
        self,
        *,
        user_id: int,
        following: Sequence[int],
        max_results: int,
        exclude: Sequence[int],
        algorithm: str = "default",
        is_video_request: bool = False,
    ) -> list[InNetworkPost]:
        self.requests.append({"user_id": user_id, "following": list(following), "exclude": list(exclude)})
        return [p for p in self.posts if p.author_id in following and p.post_id not in exclude][:max_results]


@dataclass
class Retrieval:
    posts: list[RetrievedPost] = field(default_factory=list)

    async def retrieve(self, *, user_id: int, sequence: UserActionSequence, max_results: int) -> list[RetrievedPost]:
        return self.posts[:max_results]


@dataclass
class Ranker:
    """Scores favorite = post_id / 1000 and every other head 0; `fail` raises, `empty` answers None."""

    fail: bool = False
    empty: bool = False
    seen: list[list[tuple[int, int]]] = field(default_factory=list)
    remote: bool = False

    async def predict(
        self, *, user_id: int, sequence: UserActionSequence, candidates: Sequence[tuple[int, int]], surface: int
    ) -> list[dict[str, float] | None]:
        self.seen.append(list(candidates))
        if self.fail:
            raise UnavailableError("ranker down")
        if self.empty:
            return [None for _ in candidates]
        return [{"favorite": post_id / 1000, "dwell_time": 1.0} for post_id, _ in candidates]
