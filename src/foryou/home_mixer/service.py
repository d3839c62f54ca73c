"""ForYouService: the one entry point behind the gRPC and HTTP edges (SPEC §3.1).

validate → build the query → run the For You pipeline (built per effective configuration) → return
the ranked posts with request id, degraded flag and, if asked, the trace.
"""

from __future__ import annotations

import math
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from foryou.core.clock import Clock
from foryou.core.errors import InvalidInputError
from foryou.home_mixer.bloom import BloomFilter
from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.params import Params
from foryou.pipeline import CandidatePipeline, RequestTrace

PipelineFactory = Callable[[Params], CandidatePipeline[ScoredPostsQuery, PostCandidate]]
_OVERRIDABLE_PREFIX = "scoring."
_PIPELINE_CACHE = 16


@dataclass(frozen=True)
class FeedRequest:
    viewer_id: int
    client_app_id: int = 0
    country_code: str = ""
    language_code: str = ""
    seen_ids: tuple[int, ...] = ()
    served_ids: tuple[int, ...] = ()
    in_network_only: bool = False
    is_bottom_request: bool = False
    bloom_filters: tuple[BloomFilter, ...] = ()
    include_trace: bool = False
    scoring_overrides: Mapping[str, float] = field(default_factory=dict)
    dry_run: bool = False


@dataclass
class FeedResponse:
    request_id: str
    posts: list[PostCandidate]
    degraded_reasons: list[str]
    trace: RequestTrace
    include_trace: bool = False

    @property
    def degraded(self) -> bool:
        return bool(self.degraded_reasons)


class ForYouService:
    def __init__(self, factory: PipelineFactory, *, params: Params, clock: Clock) -> None:
        self.factory, self.params, self.clock = factory, params, clock
        self._pipelines: OrderedDict[str, CandidatePipeline[ScoredPostsQuery, PostCandidate]] = OrderedDict()

    async def get_scored_posts(self, request: FeedRequest) -> FeedResponse:
        self._validate(request)
        params = self._effective_params(request.scoring_overrides)
        pipeline = self._pipeline(params)
        request_id = f"{uuid.uuid4().hex}-{request.viewer_id}"
        query = ScoredPostsQuery(
            user_id=request.viewer_id,
            request_id=request_id,
            client_app_id=request.client_app_id,
            country_code=request.country_code,
            language_code=request.language_code,
            seen_ids=frozenset(request.seen_ids),
            served_ids=frozenset(request.served_ids),
            in_network_only=request.in_network_only,
            is_bottom_request=request.is_bottom_request,
            bloom_filters=request.bloom_filters,
            include_trace=request.include_trace,
            now_ms=self.clock.now_ms(),
        )
        result = await pipeline.run(
            query,
            request_id=request_id,
            deadline_ms=params.get_int("mixer.request_deadline_ms"),
            dry_run=request.dry_run,
        )
        return FeedResponse(request_id, result.selected, result.degraded_reasons, result.trace, request.include_trace)

    async def drain(self) -> None:
        """Wait for side effects of finished requests (tests, shutdown)."""
        for pipeline in list(self._pipelines.values()):
            await pipeline.drain_side_effects()

    def close(self) -> None:
        for pipeline in self._pipelines.values():
            pipeline.close()

    def _validate(self, request: FeedRequest) -> None:
        if request.viewer_id == 0:
            raise InvalidInputError("viewer_id must be specified")
        max_ids = self.params.get_int("mixer.max_request_id_list")
        for name in ("seen_ids", "served_ids"):
            if len(getattr(request, name)) > max_ids:
                raise InvalidInputError(f"{name} has more than {max_ids} ids")
        max_bloom = self.params.get_int("mixer.max_bloom_entries")
        if len(request.bloom_filters) > max_bloom:
            raise InvalidInputError(f"more than {max_bloom} bloom_filter_entries")

    def _effective_params(self, overrides: Mapping[str, float]) -> Params:
        if not overrides:
            return self.params
        for name, value in overrides.items():
            if not name.startswith(_OVERRIDABLE_PREFIX):
                raise InvalidInputError(f"only scoring.* parameters may be overridden per request, not {name!r}")
            if not math.isfinite(value):
                raise InvalidInputError(f"override {name} must be finite")
        try:
            return self.params.with_overrides(_typed_overrides(self.params, overrides))
        except Exception as exc:  # ConfigError: unknown name or out of bounds
            raise InvalidInputError(str(exc)) from exc

    def _pipeline(self, params: Params) -> CandidatePipeline[ScoredPostsQuery, PostCandidate]:
        key = params.config_hash
        pipeline = self._pipelines.get(key)
        if pipeline is None:
            pipeline = self._pipelines[key] = self.factory(params)
            while len(self._pipelines) > _PIPELINE_CACHE:
                _, old = self._pipelines.popitem(last=False)
                old.close()
        self._pipelines.move_to_end(key)
        return pipeline


def _typed_overrides(params: Params, overrides: Mapping[str, float]) -> dict[str, object]:
    """JSON and protobuf carry numbers as doubles; give each parameter its registered type."""
    out: dict[str, object] = {}
    for name, value in overrides.items():
        current = params.get(name)
        if isinstance(current, bool):
            out[name] = bool(value)
        elif isinstance(current, int):
            if value != int(value):
                raise InvalidInputError(f"override {name} must be an integer")
            out[name] = int(value)
        else:
            out[name] = float(value)
    return out
