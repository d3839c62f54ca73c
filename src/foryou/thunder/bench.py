"""`foryou bench thunder`: a 10 M-post store with a heavy-tailed author distribution — query latency
for 1000 followees, bytes per post — and the ingestion rate through the real consumer path from a
tansu broker. Prints one JSON object (see `run_bench`)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from foryou._proto.foryou.events.v1 import events_pb2
from foryou.core.clock import FixedClock
from foryou.core.snowflake import TIMESTAMP_SHIFT, TWITTER_EPOCH_MS
from foryou.params import Params
from foryou.serving.gc_policy import settle_for_serving
from foryou.thunder.bulk_load import bulk_load
from foryou.thunder.config import StoreConfig
from foryou.thunder.in_network import InNetworkPosts, InNetworkRequest, ServiceLimits
from foryou.thunder.ingest.ingestor import IngestConfig, PostIngestor
from foryou.thunder.light_post import NewPosts
from foryou.thunder.metrics import ThunderMetrics
from foryou.thunder.post_store import PostStore
from foryou.thunder.recent_posts import RecentPosts
from foryou.transport.topics import POSTS, key_for

NOW_S = 1_790_000_000
PARETO_ALPHA = 1.2  # author activity: a few very active accounts, a long tail posting once or twice
MAX_AUTHOR_POSTS = 2500  # expected posts of the busiest author in the window


@dataclass(frozen=True)
class Corpus:
    posts: NewPosts
    author_weight: npt.NDArray[np.float64]  # activity of author index i (author id = i + 1)


def synthetic_corpus(n_posts: int, n_authors: int, seed: int) -> Corpus:
    """Posts of the last 48 h: 70 % originals (8 % with video), 15 % replies, 12 % reposts, 3 % quotes."""
    rng = np.random.default_rng(seed)
    weight = rng.pareto(PARETO_ALPHA, n_authors) + 1.0
    weight /= weight.sum()
    # The busiest accounts stay under the per-timeline cap, so the store holds every generated post.
    weight = np.minimum(weight, MAX_AUTHOR_POSTS / n_posts)
    weight /= weight.sum()
    author = np.searchsorted(np.cumsum(weight), rng.random(n_posts)).clip(0, n_authors - 1).astype(np.uint64) + 1
    created_ms = np.sort(rng.integers((NOW_S - 172_000) * 1000, NOW_S * 1000, n_posts))
    post_id = ((created_ms - TWITTER_EPOCH_MS).astype(np.uint64) << np.uint64(TIMESTAMP_SHIFT)) | (
        np.arange(n_posts, dtype=np.uint64) & np.uint64((1 << TIMESTAMP_SHIFT) - 1)
    )
    shape = rng.random(n_posts)
    earlier = (rng.random(n_posts) * np.arange(n_posts)).astype(np.int64)  # a random older post
    zero = np.zeros(n_posts, dtype=np.uint64)
    reply = (shape >= 0.70) & (shape < 0.85) & (np.arange(n_posts) > 0)
    repost = (shape >= 0.85) & (shape < 0.97) & (np.arange(n_posts) > 0)
    quote = (shape >= 0.97) & (np.arange(n_posts) > 0)
    parent = np.where(reply, post_id[earlier], zero)
    return Corpus(
        NewPosts(
            post_id=post_id,
            author_id=author,
            created_at_s=(created_ms // 1000).astype(np.int64),
            in_reply_to_post_id=parent,
            in_reply_to_user_id=np.where(reply, author[earlier], zero),
            source_post_id=np.where(repost, post_id[earlier], zero),
            source_user_id=np.where(repost, author[earlier], zero),
            conversation_id=np.where(reply, parent, post_id),
            quoted_post_id=np.where(quote, post_id[earlier], zero),
            has_video=(shape < 0.70) & (rng.random(n_posts) < 0.08),
        ),
        weight,
    )


def followees(corpus: Corpus, count: int, rng: np.random.Generator) -> list[int]:
    """Half picked in proportion to activity (popular accounts), half uniformly (friends)."""
    n = corpus.author_weight.shape[0]
    if count > n:
        raise ValueError(f"cannot pick {count} followees from {n} authors")
    popular = rng.choice(n, size=count // 2, replace=False, p=corpus.author_weight)
    anyone = rng.choice(n, size=count - count // 2, replace=False)
    picked = list(dict.fromkeys((np.concatenate((popular, anyone)) + 1).tolist()))
    return picked[:count]


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ms = np.array(samples) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def measure_queries(store: PostStore, corpus: Corpus, *, n_followees: int, queries: int, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed + 1)
    reads = RecentPosts(store)
    metrics = ThunderMetrics()
    service = InNetworkPosts(store, limits=ServiceLimits(), clock=FixedClock(NOW_S * 1000), metrics=metrics)
    query_s: list[float] = []
    request_s: list[float] = []
    returned = timeouts = 0
    for q in range(queries + 10):
        follow = followees(corpus, n_followees, rng)
        seen = reads.all_posts_slots(follow[:20], [], 0, now_s=NOW_S).slots[:200]
        exclude = store.col_u64("post_id")[seen].tolist()  # posts the viewer has already seen
        viewer = int(rng.integers(1, corpus.author_weight.shape[0]))
        started = time.perf_counter()
        scan = reads.top_recent(follow, exclude, viewer, now_s=NOW_S, max_results=1200)
        elapsed = time.perf_counter() - started
        top = scan.slots
        request = InNetworkRequest(user_id=viewer, following_user_ids=follow, exclude_tweet_ids=exclude)
        started = time.perf_counter()
        timeouts_before = _scan_timeouts(metrics)
        answer = service.get_in_network_posts(request)
        request_elapsed = time.perf_counter() - started
        # A request the time budget cut short (a stalled process on a loaded machine) answers less.
        timed_out = scan.timed_out or _scan_timeouts(metrics) > timeouts_before
        if not timed_out and len(answer) != top.shape[0]:
            raise RuntimeError(f"query and request disagree: {top.shape[0]} vs {len(answer)} posts")
        if q >= 10:  # the first few warm caches
            query_s.append(elapsed)
            request_s.append(request_elapsed)
            returned += top.shape[0]
            timeouts += timed_out
    p50, p99 = _percentiles(query_s)
    r50, r99 = _percentiles(request_s)
    return {
        "query_p50_ms": p50,
        "query_p99_ms": p99,
        "request_p50_ms": r50,
        "request_p99_ms": r99,
        "mean_returned": returned / queries,
        "timed_out_queries": timeouts,
    }


def _scan_timeouts(metrics: ThunderMetrics) -> float:
    return metrics.registry.get_sample_value("foryou_thunder_scan_timeouts_total") or 0.0


def encode_events(corpus: Corpus, count: int) -> list[tuple[bytes, bytes]]:
    """(key, value) PostCreated events for the newest `count` posts of the corpus."""
    p = corpus.posts
    start = max(0, len(p) - count)
    cols = [getattr(p, name)[start:].tolist() for name in (
        "post_id", "author_id", "created_at_s", "in_reply_to_post_id", "in_reply_to_user_id",
        "source_post_id", "source_user_id", "conversation_id", "quoted_post_id", "has_video",
    )]  # fmt: skip
    out = []
    event = events_pb2.Event(producer="bench")
    for pid, aid, ts, rp, ru, sp, su, conv, quoted, video in zip(*cols, strict=True):
        event.Clear()
        event.event_id = str(pid)
        c = event.post_created
        c.post_id, c.author_id, c.created_at_ms = pid, aid, ts * 1000
        c.in_reply_to_post_id, c.in_reply_to_user_id = rp, ru
        c.repost_of_post_id, c.repost_of_user_id = sp, su
        c.conversation_id, c.quoted_post_id = conv, quoted
        if video:
            c.media.add(kind=events_pb2.VIDEO, duration_ms=30_000)
        out.append((key_for(aid), event.SerializeToString()))
    return out


def measure_ingest(corpus: Corpus, *, events: int, params: Params) -> dict[str, float]:
    """Produce `events` PostCreated records to a fresh tansu broker, then time a PostIngestor with the
    Kafka consumer from the first poll until every record is in its store."""
    from foryou.transport.kafka import KafkaTransport
    from foryou.transport.tansu import TansuBroker

    payload = encode_events(corpus, events)
    with TansuBroker() as broker:
        transport = KafkaTransport(broker.bootstrap)
        transport.ensure_topics([POSTS], 4)
        producer = transport.producer()
        for key, value in payload:
            producer.produce(POSTS, value, key=key)
        producer.flush(120)
        consumer = transport.consumer("thunder-bench", [POSTS])
        store = PostStore(StoreConfig.from_params(params))
        ingestor = PostIngestor(
            store,
            consumer,
            config=IngestConfig.from_params(params),
            clock=FixedClock(NOW_S * 1000),
            metrics=ThunderMetrics(),
        )
        consumed = 0
        started = time.perf_counter()
        deadline = started + 300
        while consumed < len(payload) and time.perf_counter() < deadline:
            consumed += ingestor.step()
        elapsed = time.perf_counter() - started
        consumer.close()
        producer.close()
    return {"ingest_events": consumed, "ingest_events_per_s": consumed / elapsed, "ingest_stored": len(store)}


def run_bench(
    *, posts: int, authors: int, n_followees: int, queries: int, ingest_events: int, seed: int
) -> dict[str, object]:
    params = Params()
    started = time.perf_counter()
    corpus = synthetic_corpus(posts, authors, seed)
    generated = time.perf_counter()
    rss_before = _rss_bytes()
    store = PostStore(StoreConfig.from_params(params))
    bulk_load(store, corpus.posts, NOW_S)
    loaded = time.perf_counter()
    rss_after = _rss_bytes()
    result: dict[str, object] = {
        "posts": len(store),
        "followees": n_followees,
        "authors": len(store.author_index),
    }
    settle_for_serving()  # as `foryou thunder serve` does once the store is loaded
    result.update(measure_queries(store, corpus, n_followees=n_followees, queries=queries, seed=seed))
    ingest = measure_ingest(corpus, events=ingest_events, params=params)
    result["ingest_events_per_s"] = ingest["ingest_events_per_s"]
    result["ingest_events"] = ingest["ingest_events"]
    result["bytes_per_post"] = store.nbytes / max(len(store), 1)
    result["rss_bytes_per_post"] = (rss_after - rss_before) / max(len(store), 1)
    result["generate_s"] = generated - started
    result["load_s"] = loaded - generated
    return result
