"""Training losses (SPEC §5.8): the ranker's multi-label BCE + dwell Huber, retrieval's InfoNCE with log-Q.

`FrequencyEstimator` is the streaming item-frequency estimate of Yi et al. (2019, "Sampling-bias-corrected
neural modeling for large corpus item recommendations"): per hashed item h, B[h] is a moving average of the
number of steps between two sightings and q = 1/B[h] the sampling probability used for the log-Q correction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from foryou.core.actions import NUM_DISCRETE_ACTIONS


@dataclass(frozen=True)
class RankerLossParts:
    total: torch.Tensor  # scalar, what is minimised
    bce: torch.Tensor  # scalar, Σ over heads of the per-head mean BCE
    dwell: torch.Tensor  # scalar, mean Huber over candidates with a known dwell


def ranker_loss(
    logits: torch.Tensor,  # [B, C, 19]
    labels: torch.Tensor,  # [B, C, 18] float {0, 1}
    valid: torch.Tensor,  # [B, C] bool, real candidate slots
    dwell_s: torch.Tensor,  # [B, C] float; NaN or < 0 = unknown
    *,
    pos_weight: torch.Tensor,  # [18]
    dwell_loss_weight: float,
    dwell_cap_s: float,
    huber_delta: float,
) -> RankerLossParts:
    """L = Σ_a mean_valid BCE(logit_a, y_a; pos_weight_a) + w · mean_known Huber(logit_18, log1p(min(dwell, cap)))."""
    lf = logits.float()
    mask = valid.float()  # [B, C]
    count = mask.sum().clamp(min=1.0)
    bce = F.binary_cross_entropy_with_logits(
        lf[..., :NUM_DISCRETE_ACTIONS], labels.float(), pos_weight=pos_weight, reduction="none"
    )  # [B, C, 18]
    bce_sum = ((bce * mask.unsqueeze(-1)).sum(dim=(0, 1)) / count).sum()
    known = valid & torch.isfinite(dwell_s) & (dwell_s >= 0)
    target = torch.log1p(torch.clamp(torch.nan_to_num(dwell_s, nan=0.0), 0.0, dwell_cap_s))  # [B, C]
    huber = F.huber_loss(lf[..., NUM_DISCRETE_ACTIONS], target, reduction="none", delta=huber_delta)
    kf = known.float()
    dwell = (huber * kf).sum() / kf.sum().clamp(min=1.0)
    return RankerLossParts(total=bce_sum + dwell_loss_weight * dwell, bce=bce_sum, dwell=dwell)


class FrequencyEstimator:
    """Streaming estimate of how often each hashed item appears (Yi et al. 2019, Algorithm 2).

    On each step t, for every item h in the batch: B[h] ← (1 − α)·B[h] + α·(t − A[h]); A[h] ← t; q = 1/B[h].
    Unseen items start with A = 0, B = 0 and q is clamped to at most 1.
    """

    def __init__(self, num_buckets: int, alpha: float) -> None:
        self.alpha = alpha
        self.last_step = torch.zeros(num_buckets, dtype=torch.float64)  # A
        self.delta = torch.zeros(num_buckets, dtype=torch.float64)  # B
        self.step = 0

    def update(self, items: torch.Tensor) -> None:
        """Record one training step's items (a 1-D tensor of bucket ids; duplicates count once)."""
        self.step += 1
        h = torch.unique(items.reshape(-1).cpu())
        t = float(self.step)
        self.delta[h] = (1.0 - self.alpha) * self.delta[h] + self.alpha * (t - self.last_step[h])
        self.last_step[h] = t

    def log_q(self, items: torch.Tensor) -> torch.Tensor:
        """log q of each item (float32, same shape as `items`)."""
        b = self.delta[items.reshape(-1).cpu()].clamp(min=1.0)
        return (-torch.log(b)).to(torch.float32).reshape(items.shape).to(items.device)

    def state(self) -> dict[str, torch.Tensor]:
        return {"last_step": self.last_step, "delta": self.delta, "step": torch.tensor([self.step])}

    def load_state(self, state: dict[str, torch.Tensor]) -> None:
        self.last_step = state["last_step"].to(torch.float64).clone()
        self.delta = state["delta"].to(torch.float64).clone()
        self.step = int(state["step"][0])


def infonce_loss(
    users: torch.Tensor,  # [B, D] unit vectors
    items: torch.Tensor,  # [B, D] unit vectors of each row's positive
    item_keys: torch.Tensor,  # [B] int64, identity of each positive (same key = same post)
    item_log_q: torch.Tensor,  # [B]
    *,
    temperature: float,
    negatives: torch.Tensor | None = None,  # [N, D] extra uniform corpus negatives
    negative_keys: torch.Tensor | None = None,  # [N]
    negative_log_q: torch.Tensor | None = None,  # [N]
) -> torch.Tensor:
    """In-batch sampled softmax with log-Q correction; other rows holding the same post are masked."""
    logits = users.float() @ items.float().T / temperature - item_log_q[None, :]  # [B, B]
    same = item_keys[None, :] == item_keys[:, None]
    eye = torch.eye(len(item_keys), dtype=torch.bool, device=users.device)
    logits = logits.masked_fill(same & ~eye, -math.inf)
    if negatives is not None and negative_keys is not None and negative_log_q is not None:
        neg = users.float() @ negatives.float().T / temperature - negative_log_q[None, :]  # [B, N]
        neg = neg.masked_fill(negative_keys[None, :] == item_keys[:, None], -math.inf)
        logits = torch.cat([logits, neg], dim=1)
    target = torch.arange(len(item_keys), device=users.device)
    return F.cross_entropy(logits, target)


def catalogue_softmax_loss(
    users: torch.Tensor,  # [N, D] unit user vectors (one per prefix)
    catalogue: torch.Tensor,  # [I, D] unit vectors of every item
    targets: torch.Tensor,  # [N] int64 index of the next item
    *,
    temperature: float,
    exclude: torch.Tensor | None = None,  # [N, I] bool, items removed from the softmax (never the target)
) -> torch.Tensor:
    """Full softmax over a small catalogue (MovieLens-100K), optionally without already-seen items."""
    logits = users.float() @ catalogue.float().T / temperature  # [N, I]
    if exclude is not None:
        keep_target = F.one_hot(targets, logits.shape[1]).bool()
        logits = logits.masked_fill(exclude & ~keep_target, -math.inf)
    return F.cross_entropy(logits, targets)


def future_softmax_loss(
    users: torch.Tensor,  # [N, D] unit user vectors (one per prefix)
    catalogue: torch.Tensor,  # [I, D] unit vectors of every item
    targets: torch.Tensor,  # [N, H] int64 the next H items (−1 = none); column 0 is always set
    *,
    temperature: float,
    exclude: torch.Tensor | None = None,  # [N, I] bool, items removed from the softmax
) -> torch.Tensor:
    """Full softmax with several positives per prefix: each of the next H items against every item that is
    neither excluded nor one of those H (the others are not negatives). H = 1 is `catalogue_softmax_loss`.

    loss = mean over set targets j of −log(exp(s_j) / (exp(s_j) + Σ_negatives exp(s_n))).
    """
    if targets.dim() != 2 or bool((targets[:, 0] < 0).any()):
        raise ValueError("future_softmax_loss needs targets [N, H] with column 0 set")
    logits = users.float() @ catalogue.float().T / temperature  # [N, I]
    valid = targets >= 0  # [N, H]
    safe = targets.clamp(min=0)
    positive = torch.zeros_like(logits, dtype=torch.bool).scatter_(1, safe, valid)  # [N, I]
    blocked = positive if exclude is None else positive | exclude
    negatives = torch.logsumexp(logits.masked_fill(blocked, -math.inf), dim=1, keepdim=True)  # [N, 1]
    pos = logits.gather(1, safe)  # [N, H]
    per = torch.logaddexp(pos, negatives) - pos  # [N, H]
    return per[valid].mean()


def slate_softmax_loss(
    logits: torch.Tensor,  # [B, C] one score per slate slot
    target: torch.Tensor,  # [B, C] target distribution over the slots (one-hot, or mixed with a teacher's)
    valid: torch.Tensor,  # [B, C] bool, real slots
) -> torch.Tensor:
    """Listwise loss of a slate (ML-100K ranker): cross-entropy of softmax(logits) over the valid slots."""
    t = target.float()
    if not torch.allclose(t.sum(dim=1), torch.ones(len(t)), atol=1e-4) or bool((t < 0).any()):
        raise ValueError("slate_softmax_loss needs a probability distribution per row")
    if bool((t[~valid] > 0).any()):
        raise ValueError("slate_softmax_loss: target mass on a padded slot")
    log_p = torch.log_softmax(logits.float().masked_fill(~valid, -math.inf), dim=1)
    return -(t * log_p.masked_fill(~valid, 0.0)).sum(dim=1).mean()
