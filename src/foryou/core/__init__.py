"""Vocabulary shared by every layer: ids, actions, product surfaces, snowflakes, clocks, errors."""

from foryou.core.actions import (
    ACTION_NAMES,
    DISCRETE_ACTIONS,
    NEGATIVE_ACTIONS,
    NUM_ACTIONS,
    NUM_DISCRETE_ACTIONS,
    NUM_PRODUCT_SURFACES,
    Action,
    EventAction,
    ProductSurface,
)
from foryou.core.clock import Clock, FixedClock, SystemClock
from foryou.core.errors import (
    ComponentTimeoutError,
    ConfigError,
    CorruptDataError,
    FatalError,
    ForYouError,
    InvalidInputError,
    NotFoundError,
    RequestAbortedError,
    ResourceExhaustedError,
    SkippableError,
    UnavailableError,
)
from foryou.core.ids import MAX_ID, AuthorId, PostId, UserId, is_valid_id
from foryou.core.snowflake import TWITTER_EPOCH_MS, creation_ms, make_snowflake

__all__ = [
    "ACTION_NAMES",
    "DISCRETE_ACTIONS",
    "MAX_ID",
    "NEGATIVE_ACTIONS",
    "NUM_ACTIONS",
    "NUM_DISCRETE_ACTIONS",
    "NUM_PRODUCT_SURFACES",
    "TWITTER_EPOCH_MS",
    "Action",
    "AuthorId",
    "Clock",
    "ComponentTimeoutError",
    "ConfigError",
    "CorruptDataError",
    "EventAction",
    "FatalError",
    "FixedClock",
    "ForYouError",
    "InvalidInputError",
    "NotFoundError",
    "PostId",
    "ProductSurface",
    "RequestAbortedError",
    "ResourceExhaustedError",
    "SkippableError",
    "SystemClock",
    "UnavailableError",
    "UserId",
    "creation_ms",
    "is_valid_id",
    "make_snowflake",
]
