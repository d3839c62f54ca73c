"""When the ranker is degraded (SPEC §3.9), and so whether recency replaces the model-based scorers.

The PhoenixScorer records one of `RANKER_DEGRADED_REASONS` in the request context instead of raising.
Should it fail anyway (raise, overrun its timeout, return the wrong length), the executor records
`scorer_<outcome>:PhoenixScorer`; that counts as the same degradation.
"""

from __future__ import annotations

from foryou.pipeline import RequestContext

RANKER_DISABLED = "ranker_disabled"
RANKER_UNAVAILABLE = "ranker_unavailable"
UAS_UNAVAILABLE = "uas_unavailable"
RANKER_ERROR = "ranker_error"
RANKER_TIMEOUT = "ranker_timeout"
RANKER_EMPTY = "ranker_empty"
RANKER_DEGRADED_REASONS = frozenset(
    {RANKER_DISABLED, RANKER_UNAVAILABLE, UAS_UNAVAILABLE, RANKER_ERROR, RANKER_TIMEOUT, RANKER_EMPTY}
)
RANKER_COMPONENT = "PhoenixScorer"


def is_ranker_reason(reason: str) -> bool:
    head, _, component = reason.partition(":")
    return head in RANKER_DEGRADED_REASONS or (head.startswith("scorer_") and component == RANKER_COMPONENT)


def ranker_degraded(context: RequestContext) -> bool:
    return any(map(is_ranker_reason, context.degraded_reasons))


def recency_fallback_active(context: RequestContext, *, fallback_enabled: bool) -> bool:
    """True when RecencyFallbackScorer runs and the Weighted, AuthorDiversity and OON scorers stand
    down. With the fallback switched off the request follows v1: every scorer runs on empty scores."""
    return fallback_enabled and ranker_degraded(context)
