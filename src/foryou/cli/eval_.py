"""`foryou eval`: evaluate trained Phoenix checkpoints (MovieLens-100K protocol, synthetic world)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import typer

from foryou.core.errors import ForYouError

app = typer.Typer(help="Evaluate trained models (MovieLens-100K, synthetic world).", no_args_is_help=True)


@app.command("ml100k")
def ml100k(
    retrieval: Path = typer.Option(..., "--retrieval", exists=True, help="Retrieval checkpoint directory."),
    ranker: Path | None = typer.Option(None, "--ranker", exists=True, help="Ranker checkpoint directory."),
    rerank_k: int = typer.Option(20, "--rerank-k", min=0, help="Retrieval's top K re-scored by the ranker."),
    as_json: bool = typer.Option(True, "--json/--no-json", help="Print one JSON object (the only format)."),
    scores_out: Path | None = typer.Option(None, "--scores-out", help="npz: users, items, test_scores [943, 1682]."),
    threads: int = typer.Option(0, "--threads", min=0),
) -> None:
    """Leave-one-out full ranking of all 1 682 items, HR/NDCG/MRR@10/50, masked and unmasked."""
    import torch

    from foryou.data import default_home
    from foryou.evaluation import Ml100kEvaluator, load_ml100k
    from foryou.phoenix import PhoenixRanker, RetrievalModel, load_checkpoint

    if threads:
        torch.set_num_threads(threads)
    try:
        evaluator = Ml100kEvaluator(load_ml100k(default_home(os.environ)))
        retr = load_checkpoint(retrieval)
        rank = load_checkpoint(ranker) if ranker is not None else None
        if not isinstance(retr, RetrievalModel) or not (rank is None or isinstance(rank, PhoenixRanker)):
            raise typer.BadParameter("--retrieval needs a retrieval checkpoint and --ranker a ranker checkpoint")
        report = evaluator.report(retr, rank, rerank_k)
        report |= {
            "checkpoint": {"retrieval": str(retrieval), "ranker": str(ranker) if ranker else None},
            "rerank_k": rerank_k if ranker else 0,
        }
        if scores_out is not None:
            test = evaluator.scores(retr, rank, "test", rerank_k).astype(np.float32)
            np.savez(scores_out, users=evaluator.data.users, items=evaluator.data.items, test_scores=test)
    except ForYouError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(json.dumps(report) if as_json else json.dumps(report, indent=1))


@app.command("world")
def world(
    data: Path = typer.Option(..., "--data", exists=True, help="World directory (foryou world generate)."),
    retrieval: Path = typer.Option(..., "--retrieval", exists=True),
    ranker: Path = typer.Option(..., "--ranker", exists=True),
    examples: Path | None = typer.Option(None, "--examples", help="Examples directory (default DATA/examples)."),
    config: list[Path] = typer.Option([], "--config", help="Parameter files (uas.*, phoenix.*, scoring.*)."),
    pool: int = typer.Option(200, "--pool", min=35, help="Candidates per evaluated request."),
    users: int = typer.Option(300, "--users", min=1, help="Requests (one per user) for the feed value ratio."),
    as_json: bool = typer.Option(True, "--json/--no-json"),
) -> None:
    """Ranker AUC vs oracle, OON retrieval recall@K, feed value ratio vs reverse-chron and popularity."""
    from foryou.evaluation.world import evaluate_world
    from foryou.params import load_params
    from foryou.phoenix import PhoenixRanker, RetrievalModel, load_checkpoint

    try:
        retr, rank = load_checkpoint(retrieval), load_checkpoint(ranker)
        if not isinstance(retr, RetrievalModel) or not isinstance(rank, PhoenixRanker):
            raise typer.BadParameter("--retrieval needs a retrieval checkpoint and --ranker a ranker checkpoint")
        params = load_params(config, os.environ).with_overrides(
            {"phoenix.history_seq_len": rank.config.inputs.history_seq_len}
        )
        report = evaluate_world(data, retr, rank, params, work=examples or data / "examples", pool=pool, users=users)
        report["checkpoint"] = {"retrieval": str(retrieval), "ranker": str(ranker)}
    except ForYouError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(json.dumps(report) if as_json else json.dumps(report, indent=1))
