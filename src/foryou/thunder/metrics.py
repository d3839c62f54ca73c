"""Thunder's Prometheus metrics (SPEC §4.7), on a registry owned by the process (or a test)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from foryou.thunder.post_store import StoreStats

_SIZES = (0, 1, 10, 50, 100, 300, 1000, 3000, 10_000, 100_000)
_LATENCY = (0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)


class ThunderMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        p = "foryou_thunder_"
        self.requests = Counter(p + "requests", "GetInNetworkPosts requests", ["kind"], registry=r)
        self.rejections = Counter(p + "rejections", "requests refused for lack of a permit", registry=r)
        self.in_flight = Gauge(p + "in_flight", "requests being answered", registry=r)
        self.latency = Histogram(p + "request_seconds", "request latency", buckets=_LATENCY, registry=r)
        self.following = Histogram(p + "following_size", "followees per request", buckets=_SIZES, registry=r)
        self.excluded = Histogram(p + "exclude_size", "excluded ids per request", buckets=_SIZES, registry=r)
        self.returned = Histogram(p + "returned_posts", "posts returned per request", buckets=_SIZES, registry=r)
        self.scan_timeouts = Counter(p + "scan_timeouts", "requests cut short by the time budget", registry=r)
        self.freshness = Histogram(
            p + "returned_post_age_seconds",
            "age of returned posts",
            buckets=(60, 600, 3600, 6 * 3600, 86_400, 172_800, 604_800),
            registry=r,
        )
        self.reply_ratio = Histogram(
            p + "reply_ratio", "share of replies among returned posts", buckets=(0, 0.1, 0.25, 0.5, 0.75, 1), registry=r
        )
        self.unique_authors = Histogram(
            p + "unique_authors", "authors among returned posts", buckets=_SIZES, registry=r
        )
        self.store_posts = Gauge(p + "store_posts", "posts stored", registry=r)
        self.store_authors = Gauge(p + "store_authors", "authors with a timeline", registry=r)
        self.store_deleted = Gauge(p + "store_deleted", "ids in the deleted set", registry=r)
        self.store_bytes = Gauge(p + "store_bytes", "bytes held by the store", registry=r)
        self.timeline_entries = Gauge(p + "timeline_entries", "timeline entries", ["kind"], registry=r)
        self.events = Counter(p + "events_consumed", "records consumed from the posts topic", registry=r)
        self.decode_failures = Counter(p + "decode_failures", "records that could not be decoded", registry=r)
        self.unknown_payloads = Counter(p + "unknown_payloads", "events with a payload Thunder ignores", registry=r)
        self.batch_seconds = Histogram(p + "batch_seconds", "time to apply one batch", buckets=_LATENCY, registry=r)
        self.lag = Gauge(p + "partition_lag", "records behind the end", ["topic", "partition"], registry=r)
        self.caught_up = Gauge(p + "caught_up", "1 once ingestion has caught up", registry=r)

    def observe_store(self, stats: StoreStats) -> None:
        self.store_posts.set(stats.posts)
        self.store_authors.set(stats.authors)
        self.store_deleted.set(stats.deleted)
        self.store_bytes.set(stats.bytes)
        self.timeline_entries.labels("original").set(stats.original_entries)
        self.timeline_entries.labels("secondary").set(stats.secondary_entries)
        self.timeline_entries.labels("video").set(stats.video_entries)
