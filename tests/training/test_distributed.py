"""Two gloo processes train the tiny retrieval model with DDP on data shards; both replicas end identical."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import numpy as np
import torch
import torch.multiprocessing as mp
from tiny_training_data import retrieval_config, tiny_data
from torch import nn

from foryou.phoenix import RetrievalModel
from foryou.training import FitConfig, Ml100kRetrievalTask, MlInputs, fit, init_distributed, shutdown_distributed


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _worker(rank: int, port: int, out: str) -> None:
    env = {"RANK": str(rank), "WORLD_SIZE": "2", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)}
    os.environ.update(env)
    torch.set_num_threads(1)
    dist = init_distributed(env)
    torch.manual_seed(0)  # identical initial replicas, as torchrun + a fixed --seed gives
    model = RetrievalModel(retrieval_config())
    data = tiny_data()

    def validate(m: nn.Module) -> dict[str, float]:
        return {"score": 0.0}

    task = Ml100kRetrievalTask(
        model,
        MlInputs(data, model.config.inputs, use_user_token=True),
        batch_size=2,
        temperature=0.1,
        exclude_seen=True,
        seed=0,
        validator=validate,
    )
    fit(task, FitConfig(out=Path(out) / "run", epochs=1, max_steps=3, lr=1e-2, patience=0, progress=False), dist)
    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()]).numpy()
    np.save(Path(out) / f"rank{rank}.npy", flat)
    shutdown_distributed(dist)


def test_two_ddp_replicas_hold_identical_parameters(tmp_path: Path) -> None:
    mp.start_processes(_worker, args=(_free_port(), str(tmp_path)), nprocs=2, join=True, start_method="spawn")
    a, b = np.load(tmp_path / "rank0.npy"), np.load(tmp_path / "rank1.npy")
    torch.manual_seed(0)
    initial = torch.cat([p.detach().reshape(-1) for p in RetrievalModel(retrieval_config()).parameters()]).numpy()
    assert np.array_equal(a, b)
    assert not np.allclose(a, initial)  # they did train
