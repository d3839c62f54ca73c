"""The training loop on tiny data: losses fall, checkpoints resume, a checkpoint scores the same in another
process, and the prefix trick equals the plain user encoder."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from tiny_training_data import TINY_INPUTS, ranker_config, retrieval_config
from torch import nn

from foryou.core.errors import ConfigError
from foryou.phoenix import PhoenixRanker, RetrievalModel, load_checkpoint, redraw_embeddings
from foryou.training import (
    FitConfig,
    Ml100kData,
    Ml100kRankerTask,
    Ml100kRetrievalTask,
    MlInputs,
    cumulative_user_vectors,
    fit,
    retrieval_scores,
    train_windows,
)
from foryou.training.loop import lr_factor
from foryou.training.ml100k_tasks import Ml100kPrefixRankerTask, Teacher, next_items, warm_start


def _loss_validator(task_ref: list[object]) -> object:
    def validate(model: nn.Module) -> dict[str, float]:
        task = task_ref[0]
        batches = list(task.batches(0, 0, 1))  # type: ignore[attr-defined]
        loss = float(np.mean([float(task.loss(model, b)[0]) for b in batches]))  # type: ignore[attr-defined]
        return {"score": -loss, "loss": loss}

    return validate


def _retrieval_task(data: Ml100kData, seed: int = 0) -> Ml100kRetrievalTask:
    torch.manual_seed(seed)
    model = RetrievalModel(retrieval_config())
    ref: list[object] = []
    task = Ml100kRetrievalTask(
        model,
        MlInputs(data, model.config.inputs, use_user_token=True),
        batch_size=4,
        temperature=0.1,
        exclude_seen=True,
        seed=seed,
        validator=_loss_validator(ref),  # type: ignore[arg-type]
    )
    ref.append(task)
    return task


def test_retrieval_loss_decreases(data: Ml100kData, tmp_path: Path) -> None:
    task = _retrieval_task(data)
    result = fit(task, FitConfig(out=tmp_path, epochs=12, lr=1e-2, patience=0, progress=False))
    losses = [row["val_loss"] for row in result.history]
    assert losses[-1] < 0.8 * losses[0]
    assert (tmp_path / "best" / "model.safetensors").exists()
    assert (tmp_path / "curves.png").stat().st_size > 0
    assert json.loads((tmp_path / "metrics.json").read_text())["step"] == result.step
    assert torch.all(task.model.tables.post.weight[0] == 0)  # padding row never moves


def _ranker_task(data: Ml100kData, **options: Any) -> tuple[PhoenixRanker, Ml100kRankerTask, list[object]]:
    """A small ML-100K ranker task validated by its own loss; `options` override the task's defaults."""
    torch.manual_seed(0)
    model = PhoenixRanker(ranker_config())
    ref: list[object] = []
    settings: dict[str, Any] = {
        "batch_size": 4,
        "pos_weight": torch.ones(18),
        "dwell_loss_weight": 0.1,
        "huber_delta": 1.0,
        "cuts_per_window": 3,
        "popularity_power": 0.0,
        "seed": 0,
        "validator": _loss_validator(ref),
        **options,
    }
    task = Ml100kRankerTask(model, MlInputs(data, model.config.inputs, use_user_token=True), **settings)
    ref.append(task)
    return model, task, ref


def test_ranker_loss_decreases(data: Ml100kData, tmp_path: Path) -> None:
    _, task, _ = _ranker_task(data)
    result = fit(task, FitConfig(out=tmp_path, epochs=10, lr=1e-2, patience=0, progress=False))
    losses = [row["val_loss"] for row in result.history]
    assert losses[-1] < 0.7 * losses[0]


def test_listwise_ranker_loss_decreases(data: Ml100kData, tmp_path: Path) -> None:
    model, task, ref = _ranker_task(data, cuts_per_window=2, listwise=True)
    with torch.no_grad():
        before = _loss_validator(ref)(model)["loss"]  # type: ignore[operator]
    cfg = FitConfig(out=tmp_path, epochs=4, lr=2e-2, patience=0, progress=False, lr_schedule="cosine", warmup_steps=2)
    result = fit(task, cfg)
    assert result.history[-1]["val_loss"] < before
    assert "train_slate" in result.history[-1]


def test_window_seen_negatives_come_from_the_visible_history(data: Ml100kData) -> None:
    model = PhoenixRanker(ranker_config())  # slate of 6: the next movie + 5 negatives
    task = Ml100kRankerTask(
        model,
        MlInputs(data, model.config.inputs, use_user_token=True),
        batch_size=64,
        pos_weight=torch.ones(18),
        dwell_loss_weight=0.1,
        huber_delta=1.0,
        cuts_per_window=4,
        popularity_power=0.0,
        seen_fraction=1.0,
        seen_in_window=True,
        seed=0,
        validator=_loss_validator([]),  # type: ignore[arg-type]
    )
    checked = 0
    for _, hist, _, cands, dwell in task.batches(0, 0, 1):
        for row in range(len(hist)):
            visible = set(hist[row][hist[row] >= 0].tolist())
            if len(visible) >= 5:  # 5 seen slots, one of them maybe overwritten by the next movie
                negatives = cands[row][~np.isfinite(dwell[row])].tolist()
                assert sum(c in visible for c in negatives) >= 4
                checked += 1
    assert checked > 0


def test_teacher_targets_are_distributions_without_mass_on_seen_movies(data: Ml100kData) -> None:
    torch.manual_seed(0)
    retr = RetrievalModel(retrieval_config())
    inputs = MlInputs(data, retr.config.inputs, use_user_token=True)
    hist = np.array([[3, 4, 5, -1, -1, -1, -1, -1], [7, -1, -1, -1, -1, -1, -1, -1]])
    rates = np.where(hist >= 0, 4.0, 0.0).astype(np.float32)
    cands = np.array([[6, 4, 9, 3, 11, -1], [8, 7, 2, 1, 0, 5]])
    one_hot = torch.zeros(2, 6)
    one_hot[0, 0] = one_hot[1, 2] = 1.0
    users = np.array([0, 1])
    target = Teacher(retr, inputs, weight=0.5, temperature=0.1).mix(one_hot, users, hist, rates, cands)
    assert torch.allclose(target.sum(dim=1), torch.ones(2), atol=1e-6)
    assert target[0, 1] == target[0, 3] == target[0, 5] == 0.0  # seen 4 and 3, padding
    assert target[1, 1] == 0.0  # seen 7
    assert bool((target[0, [0, 2, 4]] > 0).all()) and target[0, 0] > 0.5
    plain = Teacher(retr, inputs, weight=0.0, temperature=0.1).mix(one_hot, users, hist, rates, cands)
    assert torch.equal(plain, one_hot)


@given(warmup=st.integers(0, 50), total=st.integers(0, 500))
def test_lr_factor_warms_up_then_decays_to_zero(warmup: int, total: int) -> None:
    factors = [lr_factor(step, warmup, total) for step in range(max(total, warmup) + 3)]
    assert all(0.0 <= f <= 1.0 for f in factors)
    assert factors[:warmup] == sorted(factors[:warmup])  # rising during warm-up
    after = factors[warmup:]
    assert after == sorted(after, reverse=True)  # never rising afterwards
    if total > warmup:
        assert factors[warmup] == 1.0 and factors[total] == pytest.approx(0.0, abs=1e-12)
    if not total:
        assert all(f == 1.0 for f in after)


def test_unknown_lr_schedule_is_refused(data: Ml100kData, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="lr schedule"):
        fit(_retrieval_task(data), FitConfig(out=tmp_path, epochs=1, progress=False, lr_schedule="linear"))


def test_warm_start_copies_the_shared_weights_of_the_retrieval_model() -> None:
    torch.manual_seed(0)
    retr, ranker = RetrievalModel(retrieval_config()), PhoenixRanker(ranker_config())
    before = {k: v.clone() for k, v in ranker.state_dict().items()}
    copied = set(warm_start(ranker, retr))
    theirs, mine = retr.state_dict(), ranker.state_dict()
    assert {"tables.post.weight", "reduce.history_proj.weight"} <= copied
    assert any(k.startswith("transformer.") for k in copied)
    for k in mine:
        assert torch.equal(mine[k], theirs[k] if k in copied else before[k]), k
    assert "reduce.candidate_proj.weight" not in copied and "unembed.weight" not in copied


@pytest.mark.parametrize("schedule", ["constant", "cosine"])
def test_resume_continues_from_the_last_checkpoint(data: Ml100kData, tmp_path: Path, schedule: str) -> None:
    base = FitConfig(out=tmp_path / "a", epochs=4, lr=1e-2, patience=0, progress=False, lr_schedule=schedule)
    straight = _retrieval_task(data)
    fit(straight, base)
    first = _retrieval_task(data)
    per_epoch = sum(1 for _ in first.batches(0, 0, 1))
    steps = [0]

    def interrupt(batch: object) -> None:  # killed one step after epoch 2's checkpoint, same --epochs
        steps[0] += 1
        if steps[0] == 2 * per_epoch + 1:
            raise KeyboardInterrupt

    first.after_step = interrupt  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        fit(first, dataclasses.replace(base, out=tmp_path / "b"))
    resumed = _retrieval_task(data)
    result = fit(resumed, dataclasses.replace(base, out=tmp_path / "b", resume=True))
    assert result.epoch == 4
    for (name, a), (_, b) in zip(straight.model.state_dict().items(), resumed.model.state_dict().items(), strict=True):
        assert torch.allclose(a, b, atol=1e-5), name


def test_cumulative_user_vectors_equal_encode_user_of_each_prefix(data: Ml100kData) -> None:
    torch.manual_seed(1)
    model = RetrievalModel(retrieval_config()).eval()
    inputs = MlInputs(data, model.config.inputs, use_user_token=True)
    users, hist, rates = MlInputs.histories_of(data, drop_last=1, length=8, users=np.arange(3))
    with torch.no_grad():
        every = cumulative_user_vectors(model, inputs.prefix(users, hist, rates))  # [3, 8, D]
        for t in range(1, 9):
            h = np.where(np.arange(8)[None, :] < t, hist, -1)
            direct = model.encode_user(inputs.prefix(users, h, rates))
            assert torch.allclose(every[:, t - 1], direct, atol=1e-5)


_SCORE_SCRIPT = """
import sys, numpy as np
from pathlib import Path
from typing import Any
from foryou.phoenix import load_checkpoint
from foryou.training import MlInputs, retrieval_scores
from tiny_training_data import tiny_data
data = tiny_data()
model = load_checkpoint(Path(sys.argv[1]))
inputs = MlInputs(data, model.config.inputs, use_user_token=True)
np.save(sys.argv[2], retrieval_scores(model, inputs, *MlInputs.histories_of(data, drop_last=1, length=8,
        users=np.arange(len(data.users)))))
"""


def test_checkpoint_scores_identically_in_another_process(data: Ml100kData, tmp_path: Path) -> None:
    task = _retrieval_task(data)
    fit(task, FitConfig(out=tmp_path, epochs=2, lr=1e-2, patience=0, progress=False))
    model = load_checkpoint(tmp_path / "best")
    assert isinstance(model, RetrievalModel)
    inputs = MlInputs(data, model.config.inputs, use_user_token=True)
    here = retrieval_scores(model, inputs, *MlInputs.histories_of(data, drop_last=1, length=8, users=np.arange(12)))
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "-c", _SCORE_SCRIPT, str(tmp_path / "best"), str(tmp_path / "there.npy")],
        check=True,
        cwd=root,
        env={"PYTHONPATH": f"{root / 'src'}:{root / 'tests' / 'training'}", "OMP_NUM_THREADS": "1"},
    )
    assert np.array_equal(here, np.load(tmp_path / "there.npy"))


@pytest.mark.parametrize("future", [1, 2, 5])
def test_next_items_are_later_training_items_only(data: Ml100kData, future: int) -> None:
    inputs = MlInputs(data, TINY_INPUTS, use_user_token=True)
    for w in train_windows(inputs, TINY_INPUTS.history_seq_len):
        seq = data.sequences[w.user]
        got = next_items(seq, w, future)
        assert got.shape == (len(w.items) - 1, future)
        assert np.array_equal(got[:, 0], w.items[1:])  # column 0: the window's own next item
        for t in range(len(got)):
            pos = w.start + t  # the prefix ends at sequence position pos
            expect = seq[pos + 1 : min(pos + 1 + future, len(seq) - 2)]
            row = got[t]
            assert np.array_equal(row[row >= 0], expect)
            assert np.all(row[len(expect) :] == -1)


def test_later_training_movies_are_never_negatives(data: Ml100kData) -> None:
    _, task, _ = _ranker_task(data, batch_size=64, cuts_per_window=4, skip_later=True)
    later_sets = {u: [set(seq[i:-2].tolist()) for i in range(len(seq))] for u, seq in enumerate(data.sequences)}
    checked = 0
    for batch in task.batches(0, 0, 1):
        users, hist, _, cands, dwell = batch
        for row, user in enumerate(users.tolist()):
            t = int((hist[row] >= 0).sum())  # the prefix length; windows here start at position 0
            seq = data.sequences[user]
            if len(seq) - 2 > 8 + 1:  # a longer sequence has windows that start later: skip it
                continue
            negatives = set(cands[row][~np.isfinite(dwell[row])].tolist())
            assert not negatives & later_sets[user][t]
            checked += 1
    assert checked > 0


def _prefix_task(data: Ml100kData, **options: Any) -> Ml100kPrefixRankerTask:
    torch.manual_seed(0)
    model = PhoenixRanker(ranker_config())
    ref: list[object] = []
    settings: dict[str, Any] = {
        "batch_size": 4,
        "negatives": 5,
        "pos_weight": torch.ones(18),
        "dwell_loss_weight": 0.1,
        "huber_delta": 1.0,
        "popularity_power": 0.0,
        "seed": 0,
        "validator": _loss_validator(ref),
        **options,
    }
    task = Ml100kPrefixRankerTask(model, MlInputs(data, model.config.inputs, use_user_token=True), **settings)
    ref.append(task)
    return task


def test_every_prefix_batches_hold_one_next_item_per_cut_and_no_later_negatives(data: Ml100kData) -> None:
    task = _prefix_task(data, batch_size=64, seen_fraction=0.4)
    m, s = task.slots, TINY_INPUTS.history_seq_len
    users, hist, _, cands, sees, dwell = next(iter(task.batches(0, 0, 1)))
    for row, user in enumerate(users.tolist()):
        w = task.windows[task_order_row(task, row)]
        seq = data.sequences[user]
        n = len(w.items) - 1
        assert np.array_equal(hist[row, :n], w.items[:-1]) and np.all(hist[row, n:] == -1)
        slots = cands[row].reshape(s, m)
        for t in range(1, n + 1):
            cut = slots[t - 1]
            is_next = np.isfinite(dwell[row].reshape(s, m)[t - 1])
            assert is_next.sum() == 1 and cut[is_next][0] == w.items[t]
            assert np.all(sees[row].reshape(s, m)[t - 1] == 1 + t)  # the user token and t history slots
            later = set(seq[w.start + t : len(seq) - 2].tolist())
            assert not later & set(cut[~is_next].tolist())
        assert np.all(slots[n:] == -1)


def task_order_row(task: Ml100kPrefixRankerTask, row: int) -> int:
    """The window index of batch row `row` in epoch 0 (the task's own seeded permutation)."""
    return int(np.random.default_rng((task.seed, 0)).permutation(len(task.windows))[row])


@pytest.mark.parametrize("listwise", [False, True])
def test_every_prefix_ranker_loss_decreases(data: Ml100kData, tmp_path: Path, listwise: bool) -> None:
    task = _prefix_task(data, listwise=listwise)
    redraw_embeddings(task.model, 1.0)  # tables at unit scale: learning starts at once (decision 90)
    with torch.no_grad():
        before = _loss_validator([task])(task.model)["loss"]  # type: ignore[operator]
    result = fit(task, FitConfig(out=tmp_path, epochs=8, lr=1e-2, patience=0, progress=False))
    assert result.history[-1]["val_loss"] < 0.7 * before


def test_ranker_validation_selects_on_masked_plus_unmasked_ndcg(data: Ml100kData) -> None:
    from foryou.evaluation import Ml100kEvaluator

    torch.manual_seed(0)
    validate = Ml100kEvaluator(data).validator_for_ranker(RetrievalModel(retrieval_config()), k=5)
    got = validate(PhoenixRanker(ranker_config()))
    assert got["score"] == got["masked_ndcg@10"] + got["unmasked_ndcg@10"]
    assert got["score"] > 0.0
