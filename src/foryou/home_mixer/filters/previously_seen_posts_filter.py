"""PreviouslySeenPostsFilter (pre-scoring #7): posts the client already showed are removed.

A candidate goes when any related id (itself, its original, its parent) is in the request's seen_ids
(`seen_id`) or may be in one of the client's impression Bloom filters (`seen_bloom`).
"""

from __future__ import annotations

from foryou.home_mixer.bloom import BloomFilter, murmur_halves
from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Filter, FilterResult, partition

SEEN_ID = "seen_id"
SEEN_BLOOM = "seen_bloom"


class PreviouslySeenPostsFilter(Filter[ScoredPostsQuery, PostCandidate]):
    def filter(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> FilterResult[PostCandidate]:
        seen, blooms = query.seen_ids, query.bloom_filters
        if not seen and not blooms:
            return FilterResult(candidates)

        def reason(cand: PostCandidate) -> str | None:
            related = cand.related_ids
            if not seen.isdisjoint(related):
                return SEEN_ID
            if blooms and any(_in_any(blooms, i) for i in related):
                return SEEN_BLOOM
            return None

        return partition(candidates, reason)


_MASK63 = (1 << 63) - 1


def _in_any(blooms: tuple[BloomFilter, ...], post_id: int) -> bool:
    """`any_may_contain` with the id hashed once for all entries (same bits as `BloomFilter.may_contain`)."""
    h1, h2 = murmur_halves(post_id)
    for bloom in blooms:
        words, m = bloom.words, bloom.num_bits
        for j in range(bloom.num_hashes):
            bit = ((h1 + j * h2) & _MASK63) % m
            if not (words[bit >> 6] >> (bit & 63)) & 1:
                break
        else:
            return True
    return False
