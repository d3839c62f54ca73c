"""Building blocks shared by every Phoenix module: a bias-free linear layer and RMSNorm.

Parameters stay float32 and are cast to the activation dtype at use (SPEC §5.3); RMSNorm always
computes in float32. Init follows SPEC §5.3 (ours): truncated normal std 1/sqrt(fan_in), scales 1.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

# Truncation of the init normal, in standard deviations (the usual ±2σ).
TRUNCATE_STDS = 2.0
# Std of embedding-table rows (SPEC §5.3 init).
EMBEDDING_INIT_STD = 0.02


def truncated_normal_(weight: torch.Tensor, *, fan_in: int) -> None:
    std = 1.0 / math.sqrt(fan_in)
    nn.init.trunc_normal_(weight, std=std, a=-TRUNCATE_STDS * std, b=TRUNCATE_STDS * std)


class Linear(nn.Module):
    """y = x @ Wᵀ without bias; `weight` is [out, in] (upstream stores its transpose, [in, out])."""

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        truncated_normal_(self.weight.data, fan_in=in_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight.to(x.dtype))


class RMSNorm(nn.Module):
    """scale ⊙ x / sqrt(mean(x²) + eps), in float32, returned in the input dtype (no `1 + scale`)."""

    def __init__(self, dim: int, eps: float) -> None:
        super().__init__()
        self.eps = eps
        self.scale = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x32 = x.float()
        if torch.is_grad_enabled():
            y = x32 * torch.rsqrt(x32.square().mean(dim=-1, keepdim=True) + self.eps) * self.scale
            return y.to(x.dtype)
        return torch.mul(x32, self._inv_rms(x32)).mul_(self.scale).to(x.dtype)

    def add_to(self, residual: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """residual + N(x); without gradients the scale and the add are one pass (addcmul)."""
        if torch.is_grad_enabled():
            out: torch.Tensor = residual + self(x)
            return out
        x32 = x.float()
        return torch.addcmul(residual, torch.mul(x32, self._inv_rms(x32)), self.scale).to(residual.dtype)

    def _inv_rms(self, x32: torch.Tensor) -> torch.Tensor:
        """1/sqrt(mean(x²) + eps) [.., 1] from one reduction pass (‖x‖₂) — the inference arithmetic, where
        every full-size pass and temporary counts."""
        norm: torch.Tensor = torch.linalg.vector_norm(x32, dim=-1, keepdim=True)
        return norm.square_().div_(x32.shape[-1]).add_(self.eps).rsqrt_()
