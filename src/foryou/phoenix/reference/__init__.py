"""Slow, obviously correct float64 numpy versions of the Phoenix models (STYLE habit 9).

Written from the golden README's prose alone, on upstream-named parameters, with explicit loops over
batch rows, heads and mask entries. The fast PyTorch paths are tested against them, and synthetic golden
files are generated with them.
"""

from foryou.phoenix.reference.numpy_forward import ranker_forward, retrieval_forward

__all__ = ["ranker_forward", "retrieval_forward"]
