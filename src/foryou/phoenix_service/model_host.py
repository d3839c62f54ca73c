"""ModelHost: the ranker and retrieval checkpoints currently served, swapped atomically.

A request takes `host.current` once and uses that snapshot to the end, so a reload never changes
models under a running request and never drops one. Loading happens before the swap; a checkpoint
that fails validation leaves the served models untouched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from foryou.core.errors import ConfigError
from foryou.phoenix import PhoenixRanker, RetrievalModel, load_checkpoint


@dataclass(frozen=True)
class Models:
    version: int
    ranker: PhoenixRanker | None
    retrieval: RetrievalModel | None
    ranker_dir: Path | None = None
    retrieval_dir: Path | None = None


class ModelHost:
    def __init__(self, ranker: PhoenixRanker | None = None, retrieval: RetrievalModel | None = None) -> None:
        for model in (ranker, retrieval):
            if model is not None:
                model.eval()
        self._current = Models(1, ranker, retrieval)
        self._lock = threading.Lock()
        self._listeners: list[Callable[[Models, Models], None]] = []

    @property
    def current(self) -> Models:
        return self._current

    def on_swap(self, listener: Callable[[Models, Models], None]) -> None:
        """Called with (old, new) after every swap, e.g. to re-embed the retrieval index."""
        self._listeners.append(listener)

    @classmethod
    def from_checkpoints(cls, ranker_dir: Path | None, retrieval_dir: Path | None) -> ModelHost:
        host = cls()
        host.reload(ranker_dir=ranker_dir, retrieval_dir=retrieval_dir)
        return host

    def reload(self, *, ranker_dir: Path | None = None, retrieval_dir: Path | None = None) -> Models:
        """Load the given checkpoints (others stay) and swap them in; returns the new snapshot."""
        ranker = _load_ranker(ranker_dir) if ranker_dir is not None else None
        retrieval = _load_retrieval(retrieval_dir) if retrieval_dir is not None else None
        with self._lock:
            old = self._current
            new = Models(
                old.version + 1,
                ranker if ranker is not None else old.ranker,
                retrieval if retrieval is not None else old.retrieval,
                ranker_dir if ranker is not None else old.ranker_dir,
                retrieval_dir if retrieval is not None else old.retrieval_dir,
            )
            self._current = new
        for listener in self._listeners:
            listener(old, new)
        return new


def _load_ranker(directory: Path) -> PhoenixRanker:
    model = load_checkpoint(Path(directory))
    if not isinstance(model, PhoenixRanker):
        raise ConfigError(f"checkpoint {directory} holds a {type(model).__name__}, expected a ranker")
    model.eval()
    return model


def _load_retrieval(directory: Path) -> RetrievalModel:
    model = load_checkpoint(Path(directory))
    if not isinstance(model, RetrievalModel):
        raise ConfigError(f"checkpoint {directory} holds a {type(model).__name__}, expected a retrieval model")
    model.eval()
    return model
