"""Training of the Phoenix models (SPEC §5.8): losses, the shared loop (validation, early stopping,
resumable checkpoints, metrics, curves, DDP), and the tasks for MovieLens-100K and the synthetic world.

Sits on the learn path after `foryou.data`; `foryou.evaluation` builds on it.
"""

from foryou.training.demo import DEMO_OVERRIDES, demo_params, train_demo_models
from foryou.training.distributed import DistContext, all_reduce_mean, init_distributed, shard, shutdown_distributed
from foryou.training.loop import FitConfig, FitResult, Task, fit, plot_curves
from foryou.training.losses import (
    FrequencyEstimator,
    RankerLossParts,
    catalogue_softmax_loss,
    future_softmax_loss,
    infonce_loss,
    ranker_loss,
)
from foryou.training.ml100k_data import Ml100kData, MlInputs, action_vectors, build_ml100k_data, user_sequences
from foryou.training.ml100k_tasks import (
    Ml100kPrefixRankerTask,
    Ml100kRankerTask,
    Ml100kRetrievalTask,
    cumulative_user_vectors,
    ranker_logits,
    retrieval_scores,
    train_windows,
)
from foryou.training.settings import apply_training_settings
from foryou.training.world_tasks import WorldRankerTask, WorldRetrievalTask, build_world_task

__all__ = [
    "DEMO_OVERRIDES",
    "DistContext",
    "FitConfig",
    "FitResult",
    "FrequencyEstimator",
    "Ml100kData",
    "Ml100kPrefixRankerTask",
    "Ml100kRankerTask",
    "Ml100kRetrievalTask",
    "MlInputs",
    "RankerLossParts",
    "Task",
    "WorldRankerTask",
    "WorldRetrievalTask",
    "action_vectors",
    "all_reduce_mean",
    "apply_training_settings",
    "build_ml100k_data",
    "build_world_task",
    "catalogue_softmax_loss",
    "cumulative_user_vectors",
    "demo_params",
    "fit",
    "future_softmax_loss",
    "infonce_loss",
    "init_distributed",
    "plot_curves",
    "ranker_logits",
    "ranker_loss",
    "retrieval_scores",
    "shard",
    "shutdown_distributed",
    "train_demo_models",
    "train_windows",
    "user_sequences",
]
