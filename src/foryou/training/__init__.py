"""Training of the Phoenix models."""

from foryou.training.quick import QuickConfig, train_demo_models

__all__ = ["QuickConfig", "train_demo_models"]
