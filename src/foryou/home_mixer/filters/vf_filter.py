"""VFFilter (post-selection): applies the visibility verdicts of the VFCandidateHydrator.

DROP is always removed (`vf_drop:<labels>`, the triggering labels joined by ","). With
`vf.fail_closed` (default) an out-of-network candidate whose lookup failed (`vf_unavailable`) or never
completed (`vf_unchecked`) is removed too; in-network ones are removed only with
`vf.fail_closed_in_network`, so that a safety-label outage leaves the viewer's own network in the feed
(see docs/decisions.md). Without `vf.fail_closed` they are all kept, as in v1's fail-open. INTERSTITIAL is kept:
the post stays in the feed behind a warning, and its visibility travels with it to the response.
"""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate, VisibilityAction
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.params import Params
from foryou.pipeline import Filter, FilterResult, partition

VF_DROP_PREFIX = "vf_drop:"
VF_UNAVAILABLE = "vf_unavailable"
VF_UNCHECKED = "vf_unchecked"


class VFFilter(Filter[ScoredPostsQuery, PostCandidate]):
    def __init__(self, *, fail_closed: bool, fail_closed_in_network: bool = False) -> None:
        self.fail_closed = fail_closed
        self.fail_closed_in_network = fail_closed_in_network

    @classmethod
    def from_params(cls, params: Params) -> VFFilter:
        return cls(
            fail_closed=params.get_bool("vf.fail_closed"),
            fail_closed_in_network=params.get_bool("vf.fail_closed_in_network"),
        )

    def filter(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> FilterResult[PostCandidate]:
        return partition(candidates, self._reason)

    def _reason(self, cand: PostCandidate) -> str | None:
        vis = cand.visibility
        if vis is not None and vis.action == VisibilityAction.DROP:
            return VF_DROP_PREFIX + ",".join(vis.labels)
        if not self.fail_closed or (cand.in_network and not self.fail_closed_in_network):
            return None
        if vis is not None and vis.action == VisibilityAction.UNAVAILABLE:
            return VF_UNAVAILABLE
        if not cand.visibility_checked or vis is None:
            return VF_UNCHECKED
        return None
