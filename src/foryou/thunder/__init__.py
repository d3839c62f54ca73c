"""Thunder: the in-network post store, fed in real time from the posts topic (SPEC §4).

Write path in order: `ingest/` (decode and apply post events), `post_store.py` (the store),
`recent_posts.py` (queries), `in_network.py` (the request entry point), `snapshot.py`, `service.py`
(gRPC). `reference.py` is the slow, obviously correct store the fast one is tested against.
"""

from foryou.thunder.config import StoreConfig
from foryou.thunder.light_post import LightPost, NewPosts
from foryou.thunder.post_store import PostStore, StoreStats
from foryou.thunder.recent_posts import RecentPosts, ScanResult
from foryou.thunder.reference import ReferencePostStore, recency_order

__all__ = [
    "LightPost",
    "NewPosts",
    "PostStore",
    "RecentPosts",
    "ReferencePostStore",
    "ScanResult",
    "StoreConfig",
    "StoreStats",
    "recency_order",
]
