"""`foryou train retrieval|ranker`: train a Phoenix model on MovieLens-100K or a synthetic world.

Model sizes and loss weights come from the parameter registry (`phoenix.*`, `train.*`; `--config FILE`);
run knobs are flags. Under `torchrun --nproc_per_node=N` each process trains a shard with DDP. Writes
`<out>/best/` and `<out>/last/` checkpoints, `metrics.json`, `curves.png` and `params.json`.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import numpy as np
import torch
import typer

from foryou.core.actions import NUM_DISCRETE_ACTIONS
from foryou.core.errors import ForYouError
from foryou.params import Params, load_params
from foryou.training.distributed import DistContext
from foryou.training.loop import Task

app = typer.Typer(help="Train the Phoenix retrieval and ranking models.", no_args_is_help=True)

DataOpt = typer.Option(..., "--data", help="'ml100k' or 'world:DIR' (a world directory).")
OutOpt = typer.Option(..., "--out", help="Output directory (checkpoints, metrics.json, curves.png).")
ConfigOpt = typer.Option([], "--config", help="Parameter files (phoenix.*, train.*).")
ScheduleOpt = typer.Option("constant", "--lr-schedule", help="'constant' or 'cosine' (decays to 0 at the last epoch).")
WarmupOpt = typer.Option(0, "--warmup", min=0, help="Steps of linear learning-rate warm-up.")


def _seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def pos_weights(params: Params) -> torch.Tensor:
    from foryou.core.actions import ACTION_NAMES

    return torch.tensor([params.get_float(f"train.pos_weight.{h}") for h in ACTION_NAMES[:NUM_DISCRETE_ACTIONS]])


@app.command("retrieval")
def retrieval(
    data: str = DataOpt,
    out: Path = OutOpt,
    config: list[Path] = ConfigOpt,
    seed: int = typer.Option(0, "--seed"),
    epochs: int = typer.Option(50, "--epochs", min=1),
    steps: int = typer.Option(0, "--steps", min=0, help="Stop after this many steps (0 = no limit)."),
    patience: int = typer.Option(5, "--patience", min=0),
    eval_every: int = typer.Option(0, "--eval-every", min=0, help="Steps between validations (0 = each epoch)."),
    exclude_seen: bool = typer.Option(
        True, "--exclude-seen/--keep-seen", help="ML-100K: drop seen items from the softmax."
    ),
    future: int = typer.Option(
        1, "--future", min=1, max=64, help="ML-100K: each prefix's next N training items are its positives."
    ),
    seconds: float = typer.Option(0.0, "--seconds", min=0.0, help="Time budget (0 = none)."),
    lr_schedule: str = ScheduleOpt,
    warmup: int = WarmupOpt,
    threads: int = typer.Option(0, "--threads", min=0, help="torch threads (0 = default)."),
    resume: bool = typer.Option(False, "--resume"),
    progress: bool = typer.Option(True, "--progress/--no-progress"),
) -> None:
    """Train the two-tower retrieval model."""
    _run(
        "retrieval",
        data,
        out,
        config,
        seed,
        epochs,
        steps,
        patience,
        eval_every,
        seconds,
        threads,
        resume,
        progress,
        (lr_schedule, warmup),
        exclude_seen=exclude_seen,
        future=future,
    )


@app.command("ranker")
def ranker(
    data: str = DataOpt,
    out: Path = OutOpt,
    config: list[Path] = ConfigOpt,
    seed: int = typer.Option(0, "--seed"),
    epochs: int = typer.Option(30, "--epochs", min=1),
    steps: int = typer.Option(0, "--steps", min=0),
    patience: int = typer.Option(4, "--patience", min=0),
    eval_every: int = typer.Option(0, "--eval-every", min=0),
    retrieval_ckpt: Path | None = typer.Option(
        None, "--retrieval", help="ML-100K: retrieval checkpoint for validation."
    ),
    rerank_k: int = typer.Option(20, "--rerank-k", min=1, help="ML-100K: items of retrieval's top K re-scored."),
    cuts: int = typer.Option(4, "--cuts", min=1, help="ML-100K: examples per training window per epoch."),
    loss: str = typer.Option("bce", "--loss", help="ML-100K: 'bce' (per-head BCE) or 'listwise' (slate softmax)."),
    distill: float = typer.Option(
        0.0, "--distill", min=0.0, max=1.0, help="ML-100K listwise: weight of the retrieval model's soft targets."
    ),
    seen_negatives: str = typer.Option(
        "all", "--seen-negatives", help="ML-100K: slate's seen movies from 'all' earlier ones or the 'window'."
    ),
    warm: bool = typer.Option(
        False, "--warm-start/--cold-start", help="ML-100K: start from the retrieval model's matching weights."
    ),
    every_prefix: bool = typer.Option(
        False,
        "--every-prefix/--one-prefix",
        help="ML-100K: train on every prefix of a window in one forward (else --cuts random prefixes).",
    ),
    negatives: int = typer.Option(7, "--negatives", min=1, max=1024, help="ML-100K --every-prefix: per prefix."),
    skip_later: bool = typer.Option(
        False, "--skip-later/--later-negatives", help="ML-100K: the user's later training movies are never negatives."
    ),
    seconds: float = typer.Option(0.0, "--seconds", min=0.0),
    lr_schedule: str = ScheduleOpt,
    warmup: int = WarmupOpt,
    threads: int = typer.Option(0, "--threads", min=0),
    resume: bool = typer.Option(False, "--resume"),
    progress: bool = typer.Option(True, "--progress/--no-progress"),
) -> None:
    """Train the Phoenix ranker."""
    _run(
        "ranker",
        data,
        out,
        config,
        seed,
        epochs,
        steps,
        patience,
        eval_every,
        seconds,
        threads,
        resume,
        progress,
        (lr_schedule, warmup),
        retrieval_ckpt=retrieval_ckpt,
        rerank_k=rerank_k,
        cuts=cuts,
        loss=loss,
        distill=distill,
        warm=warm,
        seen_negatives=seen_negatives,
        skip_later=skip_later,
        every_prefix=every_prefix,
        negatives=negatives,
    )


def _run(
    kind: str,
    data: str,
    out: Path,
    config: list[Path],
    seed: int,
    epochs: int,
    steps: int,
    patience: int,
    eval_every: int,
    seconds: float,
    threads: int,
    resume: bool,
    progress: bool,
    schedule: tuple[str, int],
    **extra: object,
) -> None:
    from foryou.training import FitConfig, apply_training_settings, fit, init_distributed, shutdown_distributed

    if threads:
        torch.set_num_threads(threads)
    dist = init_distributed(os.environ)
    _seed_all(seed)
    try:
        params = load_params(config, os.environ)
        task = _build_task(kind, data, params, seed, out, dist, **extra)
        apply_training_settings(task.model, params, warm_started=bool(extra.get("warm")))
        cfg = FitConfig(
            out=out,
            epochs=epochs,
            max_steps=steps,
            lr=params.get_float("train.lr"),
            weight_decay=params.get_float("train.weight_decay"),
            eval_every=eval_every,
            patience=patience,
            seconds_budget=seconds,
            resume=resume,
            progress=progress,
            lr_schedule=schedule[0],
            warmup_steps=schedule[1],
        )
        if dist.is_main:
            out.mkdir(parents=True, exist_ok=True)
            (out / "params.json").write_text(
                json.dumps(
                    {"params": params.as_dict(), "seed": seed, "data": data, **{k: str(v) for k, v in extra.items()}},
                    indent=1,
                )
            )
        result = fit(task, cfg, dist)
    except ForYouError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        shutdown_distributed(dist)
    if dist.is_main:
        typer.echo(
            json.dumps(
                {
                    "best_score": result.best_score,
                    "best_step": result.best_step,
                    "steps": result.step,
                    "seconds": round(result.seconds, 1),
                    "stopped": result.stopped,
                    "checkpoint": str(out / "best"),
                }
            )
        )


def _build_task(kind: str, data: str, params: Params, seed: int, out: Path, dist: DistContext, **extra: object) -> Task:
    if data == "ml100k":
        return _ml100k_task(kind, params, seed, **extra)
    if data.startswith("world:"):
        if extra.get("future", 1) != 1 or extra.get("every_prefix") or extra.get("skip_later"):
            raise typer.BadParameter("--future, --every-prefix and --skip-later are MovieLens-100K options")
        from foryou.data import ExampleConfig
        from foryou.training.distributed import barrier
        from foryou.training.world_data import ensure_examples
        from foryou.training.world_tasks import build_world_task

        world = Path(data[len("world:") :])
        if dist.is_main:  # one process builds the examples, the others wait and read them
            ensure_examples(world, out / "examples", ExampleConfig.from_params(params))
        barrier(dist)
        return build_world_task(kind, world, params, seed=seed, work=out / "examples")
    raise typer.BadParameter(f"--data must be 'ml100k' or 'world:DIR', not {data!r}")


def _ml100k_task(kind: str, params: Params, seed: int, **extra: object) -> Task:
    from foryou.data import default_home
    from foryou.evaluation import Ml100kEvaluator, load_ml100k
    from foryou.phoenix import PhoenixConfig, PhoenixRanker, RetrievalConfig, RetrievalModel, load_checkpoint
    from foryou.training import Ml100kRankerTask, Ml100kRetrievalTask, MlInputs, train_windows
    from foryou.training.ml100k_tasks import Ml100kPrefixRankerTask, Teacher, retrieval_hard_negatives, warm_start

    evaluator = Ml100kEvaluator(load_ml100k(default_home(os.environ)))
    batch = params.get_int("train.batch_size")
    if kind == "retrieval":
        rmodel = RetrievalModel(RetrievalConfig.from_params(params))
        return Ml100kRetrievalTask(
            rmodel,
            MlInputs(evaluator.data, rmodel.config.inputs, use_user_token=True),
            batch_size=batch,
            temperature=params.get_float("train.retrieval.temperature"),
            exclude_seen=bool(extra["exclude_seen"]),
            future=int(str(extra["future"])),
            seed=seed,
            validator=evaluator.validate_retrieval,
        )
    ckpt = extra.get("retrieval_ckpt")
    if not isinstance(ckpt, Path):
        raise typer.BadParameter("training the ML-100K ranker needs --retrieval CKPT (two-stage validation)")
    retr = load_checkpoint(ckpt)
    if not isinstance(retr, RetrievalModel):
        raise typer.BadParameter(f"{ckpt} is not a retrieval checkpoint")
    model = PhoenixRanker(PhoenixConfig.from_params(params))
    if extra["warm"]:
        try:
            warm_start(model, retr)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
    k = int(str(extra["rerank_k"]))
    if extra["seen_negatives"] not in ("all", "window"):
        raise typer.BadParameter(f"--seen-negatives must be 'all' or 'window', not {extra['seen_negatives']!r}")
    if extra["loss"] not in ("bce", "listwise"):
        raise typer.BadParameter(f"--loss must be 'bce' or 'listwise', not {extra['loss']!r}")
    distill = float(str(extra["distill"]))
    if distill and extra["loss"] != "listwise":
        raise typer.BadParameter("--distill needs --loss listwise")
    inputs = MlInputs(evaluator.data, model.config.inputs, use_user_token=True)
    windows = train_windows(inputs, model.config.inputs.history_seq_len)
    retr_inputs = MlInputs(evaluator.data, retr.config.inputs, use_user_token=True)
    pool = retrieval_hard_negatives(retr, retr_inputs, windows, top=max(k, model.config.candidate_seq_len))
    if extra["every_prefix"]:
        if distill or extra["seen_negatives"] != "all" or extra["warm"]:
            raise typer.BadParameter("--every-prefix does not combine with --distill, --seen-negatives or --warm-start")
        return Ml100kPrefixRankerTask(
            model,
            inputs,
            batch_size=batch,
            negatives=int(str(extra["negatives"])),
            hard_pool=pool,
            pos_weight=pos_weights(params),
            dwell_loss_weight=params.get_float("train.dwell_loss_weight"),
            huber_delta=params.get_float("train.huber_delta"),
            popularity_power=0.75,
            listwise=extra["loss"] == "listwise",
            seed=seed,
            validator=evaluator.validator_for_ranker(retr, k),
        )
    temperature = params.get_float("train.retrieval.temperature")
    teacher = Teacher(retr, retr_inputs, weight=distill, temperature=temperature) if distill else None
    return Ml100kRankerTask(
        model,
        inputs,
        batch_size=batch,
        hard_pool=pool,
        pos_weight=pos_weights(params),
        dwell_loss_weight=params.get_float("train.dwell_loss_weight"),
        huber_delta=params.get_float("train.huber_delta"),
        cuts_per_window=int(str(extra["cuts"])),
        popularity_power=0.75,
        listwise=extra["loss"] == "listwise",
        teacher=teacher,
        seen_in_window=extra["seen_negatives"] == "window",
        skip_later=bool(extra["skip_later"]),
        seed=seed,
        validator=evaluator.validator_for_ranker(retr, k),
    )


@app.command("demo")
def demo(
    world: Path = typer.Option(..., "--world", exists=True, help="A world directory (foryou world generate)."),
    out: Path = OutOpt,
    seconds: float = typer.Option(240.0, "--seconds", min=10.0, help="Time budget for both models together."),
    seed: int = typer.Option(0, "--seed"),
) -> None:
    """Train small demo models on a world within a time budget; print both checkpoint paths as JSON."""
    from foryou.training.demo import train_demo_models

    retrieval_ckpt, ranker_ckpt = train_demo_models(world, out, seconds_budget=seconds, seed=seed)
    typer.echo(json.dumps({"retrieval": str(retrieval_ckpt), "ranker": str(ranker_ckpt)}))
