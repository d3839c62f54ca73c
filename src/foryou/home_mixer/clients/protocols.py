"""The interfaces stages call. Each has an in-process implementation and, for services, a gRPC one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from foryou.events.uas import RawAction
from foryou.home_mixer.candidate import Visibility
from foryou.home_mixer.clients.types import InNetworkPost, RetrievedPost
from foryou.home_mixer.query import UserActionSequence, UserFeatures
from foryou.stores.models import PostCoreData, UserProfile


class ThunderClient(Protocol):
    async def get_in_network_posts(
        self,
        *,
        user_id: int,
        following: Sequence[int],
        max_results: int,
        exclude: Sequence[int],
        algorithm: str = "default",
        is_video_request: bool = False,
    ) -> list[InNetworkPost]: ...


class RetrievalClient(Protocol):
    async def retrieve(
        self, *, user_id: int, sequence: UserActionSequence, max_results: int
    ) -> list[RetrievedPost]: ...


class PredictionClient(Protocol):
    """May also have `remote: bool`: True when the ranker runs in another process (see PhoenixScorer)."""

    async def predict(
        self, *, user_id: int, sequence: UserActionSequence, candidates: Sequence[tuple[int, int]], surface: int
    ) -> Sequence[Mapping[str, float] | None]:
        """Per (original_id, original_author), in order: 18 probabilities + dwell_time, or None."""
        ...


class UserActionReader(Protocol):
    async def actions(self, user_id: int) -> list[RawAction]: ...


class SocialGraphReader(Protocol):
    async def user_features(self, user_id: int) -> UserFeatures: ...


class PostEntityReader(Protocol):
    async def core_data(self, post_ids: Sequence[int]) -> dict[int, PostCoreData]: ...


class UserReader(Protocol):
    async def users(self, user_ids: Sequence[int]) -> dict[int, UserProfile]: ...


class SafetyLabelReader(Protocol):
    async def visibility(self, post_ids: Sequence[int], level: str, viewer_id: int) -> dict[int, Visibility]:
        """level: "timeline_home" (in-network) or "timeline_home_recommendations"."""
        ...


class ServedHistoryStore(Protocol):
    async def append(
        self, *, viewer_id: int, request_id: str, served_at_ms: int, items: Sequence[tuple[int, int]]
    ) -> None: ...

    async def recent(self, viewer_id: int, *, now_ms: int, max_age_s: int, max_ids: int) -> list[int]: ...
