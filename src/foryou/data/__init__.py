"""Learn-path data: the MovieLens-100K dataset and the training-example builder.

Sits above `foryou.events` and `foryou.world` and below training and evaluation.
"""

from foryou.data.examples import (
    ExampleConfig,
    ExampleCounts,
    build_examples,
    label_matrix,
)
from foryou.data.ml100k import (
    EXPECTED,
    INTER_MD5,
    TIME_SHIFT_MS,
    Movie,
    Ratings,
    check_md5,
    default_home,
    fetch_ml100k,
    load_items,
    load_ratings,
    ml100k_events,
)

__all__ = [
    "EXPECTED",
    "INTER_MD5",
    "TIME_SHIFT_MS",
    "ExampleConfig",
    "ExampleCounts",
    "Movie",
    "Ratings",
    "build_examples",
    "check_md5",
    "default_home",
    "fetch_ml100k",
    "label_matrix",
    "load_items",
    "load_ratings",
    "ml100k_events",
]
