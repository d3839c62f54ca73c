"""In-memory store backends: the test seam and the smallest deployment; bounded (see `StoreLimits`)."""

from foryou.stores.memory.posts import MemoryPostEntityStore
from foryou.stores.memory.safety_labels import MemorySafetyLabelStore
from foryou.stores.memory.served_history import MemoryServedHistoryStore
from foryou.stores.memory.social_graph import MemorySocialGraphStore
from foryou.stores.memory.user_actions import MemoryUserActionStore
from foryou.stores.memory.users import MemoryUserStore

__all__ = [
    "MemoryPostEntityStore",
    "MemorySafetyLabelStore",
    "MemoryServedHistoryStore",
    "MemorySocialGraphStore",
    "MemoryUserActionStore",
    "MemoryUserStore",
]
