"""RankingService: equals the direct model, batches across requests invariantly, survives hot reload."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import torch

from foryou.core import InvalidInputError, ResourceExhaustedError, UnavailableError
from foryou.events.uas import AggregatedAction
from foryou.phoenix import PhoenixRanker, build_batch, save_checkpoint, serving_outputs
from foryou.phoenix_service.history import history_entries
from foryou.phoenix_service.model_host import ModelHost
from foryou.phoenix_service.ranking import RankingService

SEQ = [AggregatedAction(100 + i, 7 + i, 1 << (i % 5), 1, i * 10, i * 10, 0) for i in range(5)]
CANDS = [(500 + i, 30 + i % 3) for i in range(11)]


def direct(ranker: PhoenixRanker, user: int, seq: list[AggregatedAction], cands: list[tuple[int, int]]) -> torch.Tensor:
    batch = build_batch(
        user_ids=[user],
        histories=[history_entries(seq, 8)],
        candidates=[cands],
        surfaces=1,
        config=ranker.config.inputs,
    )
    with torch.inference_mode():
        return serving_outputs(ranker(batch), dwell_time_cap_s=600.0).probabilities[0]


def test_service_scores_equal_the_full_forward(ranker: PhoenixRanker) -> None:
    service = RankingService(ModelHost(ranker))
    got = asyncio.run(service.predict(user_id=3, sequence=SEQ, candidates=CANDS, surface=1))
    want = direct(ranker, 3, SEQ, CANDS)
    for slot, values in enumerate(got):
        assert values is not None
        assert torch.allclose(torch.tensor([values[k] for k in list(values)[:18]]), want[slot], atol=1e-5)
    service.close()


def test_the_scoring_thread_runs_on_the_threads_it_was_given(ranker: PhoenixRanker) -> None:
    caller = torch.get_num_threads()
    wide, narrow = (
        RankingService(ModelHost(ranker), torch_threads=2),
        RankingService(ModelHost(ranker), torch_threads=1),
    )
    try:
        assert (wide.torch_threads, narrow.torch_threads) == (2, 1)
        assert torch.get_num_threads() == caller
        a, b = (asyncio.run(s.predict(user_id=3, sequence=SEQ, candidates=CANDS, surface=1)) for s in (wide, narrow))
        for x, y in zip(a, b, strict=True):
            assert x is not None and y is not None
            assert all(abs(x[k] - y[k]) <= 1e-6 * max(1.0, abs(y[k])) for k in y)
    finally:
        wide.close()
        narrow.close()


def test_concurrent_requests_are_batched_and_unchanged(ranker: PhoenixRanker) -> None:
    service = RankingService(ModelHost(ranker))
    requests = [(u, SEQ[: u % 5 + 1], CANDS[: 3 + u]) for u in range(1, 7)]

    async def go() -> list[list[dict[str, float] | None]]:
        return await asyncio.gather(
            *[service.predict(user_id=u, sequence=s, candidates=c, surface=1) for u, s, c in requests]
        )

    results = asyncio.run(go())
    assert service.stats.batches < len(requests)  # something was batched
    for (u, s, c), got in zip(requests, results, strict=True):
        want = direct(ranker, u, s, c)
        probs = torch.tensor([[row[k] for k in list(row)[:18]] for row in got if row is not None])
        assert torch.allclose(probs, want, atol=1e-5)
    service.close()


def test_prefix_cache_hits_for_the_same_sequence(ranker: PhoenixRanker) -> None:
    service = RankingService(ModelHost(ranker))

    async def twice() -> None:
        await service.predict(user_id=3, sequence=SEQ, candidates=CANDS, surface=1)
        await service.predict(user_id=3, sequence=SEQ, candidates=CANDS[:2], surface=1)

    asyncio.run(twice())
    assert service.stats.prefix_cache_hits == 1
    service.close()


def test_a_request_cancelled_while_queued_is_not_scored(ranker: PhoenixRanker) -> None:
    service = RankingService(ModelHost(ranker))

    async def go() -> None:
        given_up = asyncio.ensure_future(service.predict(user_id=1, sequence=SEQ, candidates=CANDS, surface=1))
        kept = asyncio.ensure_future(service.predict(user_id=2, sequence=SEQ, candidates=CANDS[:4], surface=1))
        await asyncio.sleep(0)  # both are queued; the worker has not taken them yet
        given_up.cancel()
        assert len(await kept) == 4

    asyncio.run(go())
    assert service.stats.candidates == 4 and service.stats.requests == 1
    assert service._queued_candidates == 0
    service.close()


def test_bad_input_and_no_model() -> None:
    async def go(service: RankingService, **kw: object) -> object:
        return await service.predict(user_id=1, sequence=[], surface=1, **kw)  # type: ignore[arg-type]

    empty = RankingService(ModelHost())
    with pytest.raises(UnavailableError):
        asyncio.run(go(empty, candidates=[(1, 1)]))
    assert asyncio.run(go(empty, candidates=[])) == []
    limited = RankingService(ModelHost(), max_candidates=2)
    with pytest.raises(InvalidInputError):
        asyncio.run(go(limited, candidates=[(1, 1)] * 3))


def test_deadline_admission_rejects_what_cannot_finish(ranker: PhoenixRanker) -> None:
    service = RankingService(ModelHost(ranker))
    service.stats.seconds_per_candidate = 1.0  # pretend scoring is very slow
    with pytest.raises(ResourceExhaustedError):
        asyncio.run(service.predict(user_id=1, sequence=SEQ, candidates=CANDS, surface=1, deadline_s=0.5))
    assert service.stats.rejected == 1
    service.close()


def test_hot_reload_while_requests_are_in_flight_drops_none(ranker: PhoenixRanker, tmp_path: Path) -> None:
    torch.manual_seed(5)
    other = PhoenixRanker(ranker.config).eval()
    save_checkpoint(other, tmp_path / "ranker")
    host = ModelHost(ranker)
    service = RankingService(host, max_batch_requests=2)

    async def go() -> list[list[dict[str, float] | None]]:
        tasks = [
            asyncio.create_task(service.predict(user_id=u, sequence=SEQ, candidates=CANDS, surface=1))
            for u in range(20)
        ]
        await asyncio.sleep(0)
        await asyncio.get_running_loop().run_in_executor(None, lambda: host.reload(ranker_dir=tmp_path / "ranker"))
        return await asyncio.gather(*tasks)

    results = asyncio.run(go())
    assert len(results) == 20 and all(len(r) == len(CANDS) for r in results)
    assert host.current.version == 2
    after = asyncio.run(service.predict(user_id=1, sequence=SEQ, candidates=CANDS, surface=1))
    want = direct(other, 1, SEQ, CANDS)
    assert after[0] is not None
    assert torch.allclose(torch.tensor([after[0][k] for k in list(after[0])[:18]]), want[0], atol=1e-5)
    service.close()
