"""Thunder: the in-network post store, fed in real time from the posts topic (SPEC §4).

Write path in order: `ingest/` (decode and apply post events), `post_store.py` (the store),
`recent_posts.py` (queries, running the compiled scan of `scan_kernel.py`), `in_network.py` (the
request entry point), `snapshot.py`, `node.py` (one replica assembled), `service.py` (gRPC) and
`client.py` (its client). `reference.py` is the slow, obviously correct store the fast one is tested
against.

In process: `ThunderNode(...).posts.get_in_network_posts(InNetworkRequest(...)) -> list[LightPost]`.
Over gRPC: `await InNetworkPostsClient(target).get_in_network_posts(InNetworkRequest(...))`.
"""

from foryou.thunder.client import InNetworkPostsClient
from foryou.thunder.config import StoreConfig
from foryou.thunder.in_network import (
    FollowingLoader,
    FollowingLoadError,
    InNetworkPosts,
    InNetworkRequest,
    ServiceLimits,
)
from foryou.thunder.light_post import LightPost, NewPosts
from foryou.thunder.metrics import ThunderMetrics
from foryou.thunder.node import NodeOptions, ThunderNode
from foryou.thunder.post_store import PostStore, StoreStats
from foryou.thunder.recent_posts import RecentPosts, ScanResult
from foryou.thunder.reference import ReferencePostStore, recency_order
from foryou.thunder.service import SERVICE_NAME, ThunderServer

__all__ = [
    "SERVICE_NAME",
    "FollowingLoadError",
    "FollowingLoader",
    "InNetworkPosts",
    "InNetworkPostsClient",
    "InNetworkRequest",
    "LightPost",
    "NewPosts",
    "NodeOptions",
    "PostStore",
    "RecentPosts",
    "ReferencePostStore",
    "ScanResult",
    "ServiceLimits",
    "StoreConfig",
    "StoreStats",
    "ThunderMetrics",
    "ThunderNode",
    "ThunderServer",
    "recency_order",
]
