"""Loss functions of SPEC §5.8 against hand computations, and the streaming frequency estimator."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from foryou.training import FrequencyEstimator, catalogue_softmax_loss, infonce_loss, ranker_loss
from foryou.training.losses import future_softmax_loss, slate_softmax_loss


def test_ranker_loss_masks_padding_and_unknown_dwell() -> None:
    torch.manual_seed(0)
    logits = torch.randn(2, 3, 19)
    labels = (torch.rand(2, 3, 18) > 0.5).float()
    valid = torch.tensor([[True, True, False], [True, False, False]])
    dwell = torch.tensor([[5.0, float("nan"), 1.0], [1000.0, 2.0, 3.0]])
    pw = torch.full((18,), 2.0)
    parts = ranker_loss(
        logits, labels, valid, dwell, pos_weight=pw, dwell_loss_weight=0.5, dwell_cap_s=600.0, huber_delta=1.0
    )
    v = valid.reshape(-1)
    expect_bce = sum(
        F.binary_cross_entropy_with_logits(logits.reshape(-1, 19)[v, a], labels.reshape(-1, 18)[v, a], pos_weight=pw[a])
        for a in range(18)
    )
    assert torch.allclose(parts.bce, torch.as_tensor(expect_bce), atol=1e-5)
    known_logits = torch.stack([logits[0, 0, 18], logits[1, 0, 18]])
    known_targets = torch.tensor([math.log1p(5.0), math.log1p(600.0)])
    expect_dwell = F.huber_loss(known_logits, known_targets, delta=1.0)
    assert torch.allclose(parts.dwell, expect_dwell, atol=1e-6)
    assert torch.allclose(parts.total, parts.bce + 0.5 * parts.dwell)


def test_infonce_masks_same_post_collisions_and_applies_log_q() -> None:
    users = F.normalize(torch.randn(3, 4), dim=1)
    items = F.normalize(torch.randn(3, 4), dim=1)
    keys = torch.tensor([7, 7, 9])
    log_q = torch.tensor([-1.0, -1.0, -3.0])
    got = infonce_loss(users, items, keys, log_q, temperature=0.5)
    logits = users @ items.T / 0.5 - log_q[None, :]
    rows = []
    for i in range(3):
        allowed = [j for j in range(3) if j == i or keys[j] != keys[i]]
        rows.append(-(logits[i, i] - torch.logsumexp(logits[i, allowed], dim=0)))
    assert torch.allclose(got, torch.stack(rows).mean(), atol=1e-5)


def test_catalogue_softmax_excludes_seen_items_but_not_the_target() -> None:
    users = F.normalize(torch.randn(2, 4), dim=1)
    cat = F.normalize(torch.randn(5, 4), dim=1)
    targets = torch.tensor([1, 3])
    exclude = torch.tensor([[True, True, False, False, False], [False, False, False, False, True]])
    got = catalogue_softmax_loss(users, cat, targets, temperature=1.0, exclude=exclude)
    logits = users @ cat.T
    expect = torch.stack(
        [-(logits[0, 1] - torch.logsumexp(logits[0, 1:], 0)), -(logits[1, 3] - torch.logsumexp(logits[1, :4], 0))]
    ).mean()
    assert torch.allclose(got, expect, atol=1e-5)


def test_frequency_estimator_learns_the_gap_between_sightings() -> None:
    est = FrequencyEstimator(num_buckets=4, alpha=0.5)
    for step in range(1, 41):
        est.update(torch.tensor([1] if step % 2 == 0 else [1, 2] if step % 4 == 1 else [1, 3]))
    q = est.log_q(torch.tensor([1, 2])).exp()
    assert abs(float(q[0]) - 1.0) < 0.05  # item 1 is seen every step
    assert abs(float(q[1]) - 0.25) < 0.05  # item 2 every fourth step
    clone = FrequencyEstimator(4, 0.5)
    clone.load_state(est.state())
    assert torch.equal(clone.log_q(torch.tensor([0, 1, 2, 3])), est.log_q(torch.tensor([0, 1, 2, 3])))


def test_slate_softmax_ignores_padded_slots() -> None:
    logits = torch.tensor([[2.0, 0.5, -1.0, 9.0], [0.0, 1.0, 3.0, 2.0]])
    positive = torch.tensor([[False, True, False, False], [False, False, False, True]])
    valid = torch.tensor([[True, True, True, False], [True, True, True, True]])
    got = slate_softmax_loss(logits, positive.float(), valid)
    expect = torch.stack(
        [-(logits[0, 1] - torch.logsumexp(logits[0, :3], 0)), -(logits[1, 3] - torch.logsumexp(logits[1], 0))]
    ).mean()
    assert torch.allclose(got, expect, atol=1e-6)


def test_slate_softmax_with_soft_targets_is_the_cross_entropy() -> None:
    logits = torch.tensor([[1.0, 0.0, 2.0]])
    target = torch.tensor([[0.5, 0.25, 0.25]])
    got = slate_softmax_loss(logits, target, torch.ones(1, 3, dtype=torch.bool))
    assert torch.allclose(got, -(target * torch.log_softmax(logits, 1)).sum(), atol=1e-6)


def test_slate_softmax_refuses_a_target_that_is_not_a_distribution() -> None:
    ones = torch.ones(1, 3, dtype=torch.bool)
    with pytest.raises(ValueError, match="distribution"):
        slate_softmax_loss(torch.zeros(1, 3), torch.tensor([[1.0, 1.0, 0.0]]), ones)
    with pytest.raises(ValueError, match="padded"):
        slate_softmax_loss(torch.zeros(1, 3), torch.tensor([[0.0, 0.0, 1.0]]), torch.tensor([[True, True, False]]))


def test_future_softmax_with_one_target_is_the_catalogue_softmax() -> None:
    torch.manual_seed(0)
    users = F.normalize(torch.randn(3, 4), dim=1)
    cat = F.normalize(torch.randn(6, 4), dim=1)
    targets = torch.tensor([1, 3, 5])
    exclude = torch.rand(3, 6) < 0.4
    exclude[torch.arange(3), targets] = False
    got = future_softmax_loss(users, cat, targets[:, None], temperature=0.5, exclude=exclude)
    expect = catalogue_softmax_loss(users, cat, targets, temperature=0.5, exclude=exclude)
    assert torch.allclose(got, expect, atol=1e-5)


def test_future_softmax_keeps_the_other_positives_out_of_each_denominator() -> None:
    users = F.normalize(torch.randn(1, 4), dim=1)
    cat = F.normalize(torch.randn(5, 4), dim=1)
    targets = torch.tensor([[2, 4, -1]])  # two positives, one unset slot
    exclude = torch.tensor([[True, False, False, False, False]])
    got = future_softmax_loss(users, cat, targets, temperature=1.0, exclude=exclude)
    logits = (users @ cat.T)[0]
    negatives = torch.logsumexp(logits[[1, 3]], 0)  # item 0 excluded, items 2 and 4 are positives
    expect = torch.stack([torch.logaddexp(logits[j], negatives) - logits[j] for j in (2, 4)]).mean()
    assert torch.allclose(got, expect, atol=1e-5)


def test_future_softmax_refuses_a_prefix_without_its_next_item() -> None:
    with pytest.raises(ValueError, match="column 0"):
        future_softmax_loss(torch.ones(1, 2), torch.ones(3, 2), torch.tensor([[-1, 1]]), temperature=1.0)
