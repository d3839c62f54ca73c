"""The training loop shared by both models: AdamW, periodic validation, early stopping, resumable
checkpoints, metrics.json and a PNG of the curves; runs alone or under torchrun with DDP.

A `Task` knows its model, its (sharded) batches, its loss and its validation metric; `fit` does the rest.
Checkpoints: `<out>/last/` (model via `foryou.phoenix.save_checkpoint`, plus `optimizer.safetensors` and
`state.json`, rewritten every validation, what `--resume` reads) and `<out>/best/` (model only, the best
validation score so far).
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from tqdm import tqdm  # type: ignore[import-untyped]

from foryou.core.errors import ConfigError, CorruptDataError
from foryou.phoenix import PhoenixRanker, RetrievalModel, save_checkpoint
from foryou.training.distributed import DistContext, all_reduce_mean

PhoenixModel = PhoenixRanker | RetrievalModel


class Task(Protocol):
    """What `fit` trains: one model, its sharded batches, its loss and a validation score (higher = better)."""

    @property
    def model(self) -> PhoenixModel: ...

    def batches(self, epoch: int, rank: int, world_size: int) -> Iterator[Any]: ...

    def loss(self, model: nn.Module, batch: Any) -> tuple[torch.Tensor, dict[str, float]]: ...

    def after_step(self, batch: Any) -> None: ...

    def validate(self, model: PhoenixModel) -> dict[str, float]: ...

    def extra_state(self) -> dict[str, torch.Tensor]: ...

    def load_extra_state(self, state: dict[str, torch.Tensor]) -> None: ...


class StatelessTask:
    """The `Task` methods of a task with nothing to do after a step and no state beyond the model."""

    def after_step(self, batch: Any) -> None:
        return None

    def extra_state(self) -> dict[str, torch.Tensor]:
        return {}

    def load_extra_state(self, state: dict[str, torch.Tensor]) -> None:
        return None


@dataclass(frozen=True)
class FitConfig:
    out: Path
    epochs: int = 10
    max_steps: int = 0  # 0 = no limit
    lr: float = 1e-3
    weight_decay: float = 0.01
    eval_every: int = 0  # steps between validations; 0 = once per epoch
    patience: int = 3  # validations without improvement before stopping; 0 = never stop early
    seconds_budget: float = 0.0  # 0 = no limit; checked between steps
    resume: bool = False
    progress: bool = True
    grad_clip: float = 1.0
    select_metric: str = "score"
    lr_schedule: str = "constant"  # or "cosine": linear warm-up, then cosine decay to 0 at the last step
    warmup_steps: int = 0


@dataclass
class FitResult:
    best_score: float = -math.inf
    best_step: int = 0
    step: int = 0
    epoch: int = 0
    seconds: float = 0.0
    stopped: str = "epochs"
    history: list[dict[str, float]] = field(default_factory=list)  # one row per validation


class _LossModule(nn.Module):
    """Wraps task.loss in a module so DistributedDataParallel sees a forward and syncs the gradients."""

    def __init__(self, task: Task) -> None:
        super().__init__()
        self.model = task.model
        self._task = task

    def forward(self, batch: Any) -> tuple[torch.Tensor, dict[str, float]]:
        return self._task.loss(self.model, batch)


def fit(task: Task, cfg: FitConfig, dist: DistContext | None = None) -> FitResult:
    """Train `task.model` in place; returns the run summary (rank 0 writes every file)."""
    dist = dist or DistContext()
    model = task.model
    wrapped: nn.Module = _LossModule(task)
    if dist.world_size > 1:
        wrapped = torch.nn.parallel.DistributedDataParallel(wrapped)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    result = FitResult()
    if cfg.resume and (cfg.out / "last" / "state.json").exists():
        result = _load_last(cfg.out / "last", model, opt, task)
    if cfg.lr_schedule not in ("constant", "cosine"):
        raise ConfigError(f"unknown lr schedule {cfg.lr_schedule!r} (constant or cosine)")
    total_steps = _planned_steps(task, cfg, dist) if cfg.lr_schedule == "cosine" else 0
    start, since_best = time.monotonic() - result.seconds, 0
    bar = tqdm(desc="train", unit="step", file=sys.stderr, disable=not (cfg.progress and dist.is_main))
    bar.update(result.step)
    running: dict[str, float] = {}
    while result.epoch < cfg.epochs and result.stopped == "epochs":
        for batch in task.batches(result.epoch, dist.rank, dist.world_size):
            model.train()
            for group in opt.param_groups:  # a function of the step alone, so --resume needs no scheduler state
                group["lr"] = cfg.lr * lr_factor(result.step, cfg.warmup_steps, total_steps)
            loss, parts = wrapped(batch)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if cfg.grad_clip > 0:
                nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
            opt.step()
            task.after_step(batch)
            result.step += 1
            parts = {"loss": float(loss.detach()), **parts}
            running = {k: 0.9 * running.get(k, v) + 0.1 * v for k, v in parts.items()}
            bar.update(1)
            bar.set_postfix(loss=f"{running['loss']:.4f}")
            if cfg.eval_every and result.step % cfg.eval_every == 0:
                since_best = _evaluate(task, cfg, dist, opt, result, running, since_best, start)
            if _should_stop(cfg, result, since_best, start):
                break
        result.epoch += 1
        if result.stopped == "epochs" and not cfg.eval_every:
            since_best = _evaluate(task, cfg, dist, opt, result, running, since_best, start)
        _should_stop(cfg, result, since_best, start)
    if not result.history or result.history[-1]["step"] != result.step:
        _evaluate(task, cfg, dist, opt, result, running, since_best, start)
    bar.close()
    result.seconds = time.monotonic() - start
    if dist.is_main:
        _write_metrics(cfg, result)
    return result


def lr_factor(step: int, warmup_steps: int, total_steps: int) -> float:
    """Multiplier of the base learning rate before step `step` (0-based); total_steps 0 = constant."""
    if warmup_steps and step < warmup_steps:
        return (step + 1) / warmup_steps
    if not total_steps:
        return 1.0
    progress = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
    return 0.5 * (1.0 + math.cos(math.pi * progress))


def _planned_steps(task: Task, cfg: FitConfig, dist: DistContext) -> int:
    """Steps of the whole run: --steps if set, else epochs × the batches of one epoch (counted once)."""
    if cfg.max_steps:
        return cfg.max_steps
    return cfg.epochs * sum(1 for _ in task.batches(0, dist.rank, dist.world_size))


def _should_stop(cfg: FitConfig, result: FitResult, since_best: int, start: float) -> bool:
    if result.stopped != "epochs":
        return True
    if cfg.max_steps and result.step >= cfg.max_steps:
        result.stopped = "max_steps"
    elif cfg.patience and since_best >= cfg.patience:
        result.stopped = "early_stopping"
    elif cfg.seconds_budget and time.monotonic() - start >= cfg.seconds_budget:
        result.stopped = "time_budget"
    return result.stopped != "epochs"


def _evaluate(
    task: Task,
    cfg: FitConfig,
    dist: DistContext,
    opt: torch.optim.Optimizer,
    result: FitResult,
    running: dict[str, float],
    since_best: int,
    start: float,
) -> int:
    """Validate (every rank computes the same numbers on the same data), checkpoint, return patience count."""
    task.model.eval()
    with torch.no_grad():
        metrics = task.validate(task.model)
    train_parts = {f"train_{k}": all_reduce_mean(v, dist) for k, v in running.items()}
    result.seconds = time.monotonic() - start
    row = {"step": float(result.step), "epoch": float(result.epoch), "seconds": result.seconds}
    row |= train_parts | {f"val_{k}": v for k, v in metrics.items()}
    result.history.append(row)
    score = metrics[cfg.select_metric]
    improved = score > result.best_score
    if improved:
        result.best_score, result.best_step = score, result.step
    if dist.is_main:
        if improved:
            save_checkpoint(task.model, cfg.out / "best", step=result.step)
        _save_last(cfg.out / "last", task, opt, result)
        _write_metrics(cfg, result)
        tqdm.write(json.dumps({k: round(v, 5) for k, v in row.items()}), file=sys.stderr)
    return 0 if improved else since_best + 1


def _save_last(directory: Path, task: Task, opt: torch.optim.Optimizer, result: FitResult) -> None:
    save_checkpoint(task.model, directory, step=result.step)
    tensors: dict[str, torch.Tensor] = {}
    for index, state in opt.state_dict()["state"].items():
        for key, value in state.items():
            tensors[f"opt.{index}.{key}"] = torch.as_tensor(value).detach().clone().cpu().contiguous()
    for key, value in task.extra_state().items():
        tensors[f"task.{key}"] = value.detach().clone().cpu().contiguous()
    save_file(tensors, str(directory / "optimizer.safetensors"))
    (directory / "state.json").write_text(json.dumps(asdict(result), indent=1))


def _load_last(directory: Path, model: nn.Module, opt: torch.optim.Optimizer, task: Task) -> FitResult:
    try:
        model.load_state_dict(load_file(str(directory / "model.safetensors")), strict=True)
        tensors = load_file(str(directory / "optimizer.safetensors"))
        doc = json.loads((directory / "state.json").read_text())
    except (OSError, ValueError, RuntimeError) as exc:
        raise CorruptDataError(f"{directory}: cannot resume: {exc}") from exc
    state: dict[int, dict[str, torch.Tensor]] = {}
    for name, value in tensors.items():
        if name.startswith("opt."):
            _, index, key = name.split(".", 2)
            state.setdefault(int(index), {})[key] = value
    opt_state = opt.state_dict()
    opt_state["state"] = state
    opt.load_state_dict(opt_state)
    task.load_extra_state({k[5:]: v for k, v in tensors.items() if k.startswith("task.")})
    return FitResult(**doc)


def _write_metrics(cfg: FitConfig, result: FitResult) -> None:
    cfg.out.mkdir(parents=True, exist_ok=True)
    doc = {**asdict(result), "config": {k: str(v) for k, v in asdict(cfg).items()}}
    (cfg.out / "metrics.json").write_text(json.dumps(doc, indent=1))
    plot_curves(result.history, cfg.out / "curves.png")


def plot_curves(history: list[dict[str, float]], path: Path) -> None:
    """Training losses (left) and validation metrics (right) against the step."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    steps = [row["step"] for row in history]
    for key in sorted({k for row in history for k in row}):
        axis = left if key.startswith("train_") else right if key.startswith("val_") else None
        if axis is not None:
            axis.plot(steps, [row.get(key, math.nan) for row in history], marker=".", label=key)
    for axis, title in ((left, "training loss"), (right, "validation")):
        axis.set_xlabel("step")
        axis.set_title(title)
        if axis.lines:
            axis.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
