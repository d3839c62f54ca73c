"""The generic candidate-pipeline framework (SPEC §2): stage contracts, executor, trace, result."""

from foryou.pipeline.candidate_pipeline import CandidatePipeline
from foryou.pipeline.component import Component
from foryou.pipeline.context import RequestContext
from foryou.pipeline.filter import Filter, FilterResult, partition
from foryou.pipeline.hydrator import Columns, Hydrator
from foryou.pipeline.query_hydrator import QueryHydrator
from foryou.pipeline.result import PipelineResult, Removed
from foryou.pipeline.scorer import Scorer
from foryou.pipeline.selector import Selector
from foryou.pipeline.side_effect import SideEffect
from foryou.pipeline.source import Source
from foryou.pipeline.timeouts import Timeouts
from foryou.pipeline.trace import CandidateTrace, ComponentRun, Removal, RequestTrace, Selection, TraceBuffer

__all__ = [
    "CandidatePipeline",
    "CandidateTrace",
    "Columns",
    "Component",
    "ComponentRun",
    "Filter",
    "FilterResult",
    "Hydrator",
    "PipelineResult",
    "QueryHydrator",
    "Removal",
    "Removed",
    "RequestContext",
    "RequestTrace",
    "Scorer",
    "Selection",
    "Selector",
    "SideEffect",
    "Source",
    "Timeouts",
    "TraceBuffer",
    "partition",
]
