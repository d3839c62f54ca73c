"""PhoenixScorer: scores by original id and records every degraded reason of SPEC §3.9."""

from __future__ import annotations

from typing import Any

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.scorers.phoenix_scorer import PhoenixScorer

from ..helpers import context, query, run
from ..memory import Ranker


def test_scores_by_original_and_dedupes_the_request() -> None:
    ranker = Ranker()
    scorer = PhoenixScorer(ranker, enabled=True, timeout_ms=1000)
    cands = [PostCandidate(5, author_id=1), PostCandidate(6, author_id=2, retweeted_tweet_id=5, retweeted_user_id=1)]
    ctx = context()
    out = run(scorer.score(query(), cands, ctx))
    assert ranker.seen == [[(5, 1)]]
    assert out[0].phoenix_scores == out[1].phoenix_scores == {"favorite": 0.005, "dwell_time": 1.0}
    assert out[0].prediction_request_id == out[1].prediction_request_id
    assert not ctx.degraded


def test_each_candidate_gets_its_own_original_s_scores_in_order() -> None:
    cands = [PostCandidate(i, author_id=1) for i in (9, 3, 7)]
    cands.append(PostCandidate(8, author_id=2, retweeted_tweet_id=4, retweeted_user_id=1))  # original not a candidate
    out = run(PhoenixScorer(Ranker(), enabled=True, timeout_ms=1000).score(query(), cands, context()))
    assert [c.phoenix_scores["favorite"] if c.phoenix_scores else None for c in out] == [0.009, 0.003, 0.007, 0.004]


def test_a_short_or_partial_answer_scores_only_the_candidates_it_covers() -> None:
    class Partial(Ranker):
        async def predict(self, **kwargs: Any) -> list[dict[str, float] | None]:
            answer = await super().predict(**kwargs)
            return [
                None if post_id == 3 else row
                for row, (post_id, _) in zip(answer[:-1], kwargs["candidates"][:-1], strict=True)
            ]

    for cands in (
        [PostCandidate(i, author_id=1) for i in (9, 3, 7, 2)],  # every candidate its own original
        [PostCandidate(i, author_id=1) for i in (9, 3, 7, 2)]
        + [PostCandidate(6, author_id=2, retweeted_tweet_id=9, retweeted_user_id=1)],
    ):
        ctx = context()
        out = run(PhoenixScorer(Partial(), enabled=True, timeout_ms=1000).score(query(), cands, ctx))
        got = [c.phoenix_scores["favorite"] if c.phoenix_scores else None for c in out]
        assert got == [0.009, None, 0.007, None, 0.009][: len(cands)]
        assert not ctx.degraded


def test_degraded_reasons() -> None:
    cands = [PostCandidate(5, author_id=1)]
    cases = [
        (PhoenixScorer(Ranker(), enabled=False, timeout_ms=1000), query(), "ranker_disabled"),
        (PhoenixScorer(None, enabled=True, timeout_ms=1000), query(), "ranker_unavailable"),
        (PhoenixScorer(Ranker(), enabled=True, timeout_ms=1000), query(user_action_sequence=None), "uas_unavailable"),
        (PhoenixScorer(Ranker(fail=True), enabled=True, timeout_ms=1000), query(), "ranker_error"),
        (PhoenixScorer(Ranker(empty=True), enabled=True, timeout_ms=1000), query(), "ranker_empty"),
    ]
    for scorer, q, reason in cases:
        ctx = context()
        out = run(scorer.score(q, cands, ctx))
        assert ctx.degraded_reasons == [reason]
        assert out[0].phoenix_scores is None


def test_slow_ranker_is_recorded_as_timeout() -> None:
    import asyncio

    class Slow(Ranker):
        async def predict(self, **kwargs: object) -> list[dict[str, float] | None]:  # type: ignore[override]
            await asyncio.Event().wait()
            return []

    ctx = context()
    run(PhoenixScorer(Slow(), enabled=True, timeout_ms=20).score(query(), [PostCandidate(1)], ctx))
    assert ctx.degraded_reasons == ["ranker_timeout"]


async def _prefetched_then_scored(
    scorer: PhoenixScorer, fetched: list[PostCandidate], scored: list[PostCandidate]
) -> tuple[list[PostCandidate], list[str]]:
    """What the executor does: the prefetch as a task right after the sources, `score` after filters."""
    import asyncio

    ctx = context()
    ctx.prefetched[scorer.name] = asyncio.ensure_future(scorer.prefetch(query(), fetched))
    out = await scorer.score(query(), scored, ctx)
    return out, ctx.degraded_reasons


def test_prefetch_asks_once_for_every_fetched_candidate_and_scores_the_survivors() -> None:
    ranker = Ranker(remote=True)
    scorer = PhoenixScorer(ranker, enabled=True, timeout_ms=1000, prefetch="remote")
    fetched = [PostCandidate(i, author_id=1) for i in (9, 3, 7)]
    out, reasons = run(_prefetched_then_scored(scorer, fetched, [fetched[2], fetched[0]]))  # 3 filtered out
    assert ranker.seen == [[(9, 1), (3, 1), (7, 1)]]
    assert [c.phoenix_scores["favorite"] if c.phoenix_scores else None for c in out] == [0.007, 0.009]
    assert reasons == []


def test_a_repost_found_by_hydration_is_asked_about_as_its_original() -> None:
    ranker = Ranker()
    scorer = PhoenixScorer(ranker, enabled=True, timeout_ms=1000, prefetch="always")
    fetched = [PostCandidate(5, author_id=1), PostCandidate(8, author_id=2)]
    hydrated = [PostCandidate(5, author_id=1), PostCandidate(8, author_id=2, retweeted_tweet_id=4, retweeted_user_id=3)]
    out, _ = run(_prefetched_then_scored(scorer, fetched, hydrated))
    assert ranker.seen == [[(5, 1), (8, 2)], [(4, 3)]]  # the second call asks only for what is new
    assert [c.phoenix_scores["favorite"] if c.phoenix_scores else None for c in out] == [0.005, 0.004]


def test_prefetch_follows_the_setting_and_where_the_ranker_runs() -> None:
    cands = [PostCandidate(5, author_id=1)]
    for remote, setting, prefetches in [
        (False, "remote", False),
        (True, "remote", True),
        (False, "always", True),
        (True, "never", False),
    ]:
        ranker = Ranker(remote=remote)
        scorer = PhoenixScorer(ranker, enabled=True, timeout_ms=1000, prefetch=setting)
        out, _ = run(_prefetched_then_scored(scorer, cands, cands))
        assert out[0].phoenix_scores == {"favorite": 0.005, "dwell_time": 1.0}
        assert len(ranker.seen) == 1  # asked once either way: by the prefetch or by `score`
        assert (run(scorer.prefetch(query(), cands)) is not None) == prefetches


def test_a_failed_prefetch_degrades_like_a_failed_call() -> None:
    scorer = PhoenixScorer(Ranker(fail=True), enabled=True, timeout_ms=1000, prefetch="always")
    out, reasons = run(
        _prefetched_then_scored(scorer, [PostCandidate(5, author_id=1)], [PostCandidate(5, author_id=1)])
    )
    assert reasons == ["ranker_error"] and out[0].phoenix_scores is None
