"""Stores fed by events and read by the home mixer (SPEC §6.1): users, social graph, post core data,
safety labels, user actions and served history.

Each store is a `Protocol` (`foryou.stores.protocols`) with three backends: in-memory (bounded),
SQLite (the embedded default, one file per store directory) and PostgreSQL. `StoreIngestor` applies
events to them; `with_failures` wraps them for fault tests.
"""

from foryou.stores.bundle import Stores, memory_stores, open_stores, sql_stores
from foryou.stores.failing import FailureSwitch, with_failures
from foryou.stores.ingest import IngestStats, StoreIngestor, event_key, ingest_events
from foryou.stores.limits import StoreLimits
from foryou.stores.models import (
    EdgeKind,
    InsertResult,
    Media,
    MediaKind,
    PostCoreData,
    SafetyLabel,
    SafetyLevel,
    UserAction,
    UserFeatures,
    UserProfile,
    Visibility,
    VisibilityAction,
)
from foryou.stores.protocols import (
    PostEntityStore,
    SafetyLabelStore,
    ServedHistoryStore,
    SocialGraphStore,
    UserActionStore,
    UserStore,
)
from foryou.stores.visibility import VisibilityRules

__all__ = [
    "EdgeKind",
    "FailureSwitch",
    "IngestStats",
    "InsertResult",
    "Media",
    "MediaKind",
    "PostCoreData",
    "PostEntityStore",
    "SafetyLabel",
    "SafetyLabelStore",
    "SafetyLevel",
    "ServedHistoryStore",
    "SocialGraphStore",
    "StoreIngestor",
    "StoreLimits",
    "Stores",
    "UserAction",
    "UserActionStore",
    "UserFeatures",
    "UserProfile",
    "UserStore",
    "Visibility",
    "VisibilityAction",
    "VisibilityRules",
    "event_key",
    "ingest_events",
    "memory_stores",
    "open_stores",
    "sql_stores",
    "with_failures",
]
