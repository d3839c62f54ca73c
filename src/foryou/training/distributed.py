"""Distributed setup for `torchrun --nproc_per_node=N`: gloo on CPU, nccl on GPU; one process = one rank.

Without the torchrun environment (`WORLD_SIZE` unset or 1) everything runs in a single process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import torch
import torch.distributed as torch_dist


@dataclass(frozen=True)
class DistContext:
    rank: int = 0
    world_size: int = 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def init_distributed(environ: Mapping[str, str]) -> DistContext:
    """Join the process group described by torchrun's environment (RANK, WORLD_SIZE, MASTER_*)."""
    world = int(environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return DistContext()
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(backend="nccl" if torch.cuda.is_available() else "gloo")
    return DistContext(rank=torch_dist.get_rank(), world_size=torch_dist.get_world_size())


def shutdown_distributed(ctx: DistContext) -> None:
    if ctx.world_size > 1 and torch_dist.is_initialized():
        torch_dist.destroy_process_group()


def all_reduce_mean(value: float, ctx: DistContext) -> float:
    """Mean of a scalar over the ranks (the value itself in a single process)."""
    if ctx.world_size <= 1:
        return value
    t = torch.tensor([value], dtype=torch.float64)
    torch_dist.all_reduce(t)
    return float(t[0]) / ctx.world_size


def shard(indices: list[int], rank: int, world_size: int, batch_size: int) -> list[list[int]]:
    """This rank's batches of `indices`: every rank gets the same number of full-size batches (DDP needs it)."""
    per_rank = len(indices) // world_size
    mine = indices[rank * per_rank : (rank + 1) * per_rank]
    count = max(per_rank // batch_size, 1 if per_rank else 0)
    return [mine[i * batch_size : (i + 1) * batch_size] for i in range(count)]


def barrier(ctx: DistContext) -> None:
    """Wait for every rank (no-op in a single process)."""
    if ctx.world_size > 1:
        torch_dist.barrier()
