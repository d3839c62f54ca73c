"""The slow, obviously correct PostStore: one Python object per post, rules stated one post at a time.

It exists to pin down SPEC §4.2–4.5 in the plainest code and to be compared with the columnar
`PostStore` + `RecentPosts` by property tests; it is not used in serving. A timeline entry holds the
post object it was made for, so an entry "resolves" only while that very object is still stored.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from foryou.core.snowflake import creation_ms
from foryou.thunder.config import StoreConfig
from foryou.thunder.light_post import LightPost

_Entry = tuple[int, int, LightPost]  # (created_at_s, post_id, post)


class ReferencePostStore:
    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self.posts: dict[int, LightPost] = {}
        self.original: dict[int, list[_Entry]] = {}
        self.secondary: dict[int, list[_Entry]] = {}
        self.video: dict[int, list[_Entry]] = {}
        self.deleted: set[int] = set()
        self.tombstones: list[tuple[int, int]] = []  # sorted (deleted_at_s, post_id)

    def insert(self, posts: Iterable[LightPost], now_s: int) -> None:
        retention = self.config.retention_s
        fresh = [p for p in posts if p.created_at_s <= now_s and now_s - p.created_at_s <= retention]
        touched: list[tuple[dict[int, list[_Entry]], int]] = []
        for post in sorted(fresh, key=lambda p: (p.created_at_s, p.post_id)):
            if post.post_id in self.deleted or post.post_id in self.posts:
                continue
            self.posts[post.post_id] = post
            primary = self.original if post.is_original else self.secondary
            self._add(primary, post)
            touched.append((primary, post.author_id))
            if self._video_eligible(post):
                self._add(self.video, post)
                touched.append((self.video, post.author_id))
        for timelines, author in touched:
            entries = timelines[author]
            while len(entries) > self.config.max_timeline_size:
                _, _, evicted = entries.pop(0)
                if timelines is not self.video and self.posts.get(evicted.post_id) is evicted:
                    del self.posts[evicted.post_id]

    def _video_eligible(self, post: LightPost) -> bool:
        if post.is_reply:
            return False
        if post.has_video:
            return True
        source = self.posts.get(post.source_post_id) if post.is_retweet else None
        return source is not None and not source.is_reply and source.has_video

    @staticmethod
    def _add(timelines: dict[int, list[_Entry]], post: LightPost) -> None:
        bisect.insort(timelines.setdefault(post.author_id, []), (post.created_at_s, post.post_id, post))

    def delete(self, deletes: Iterable[tuple[int, int]], now_s: int) -> None:
        for post_id, deleted_at_s in deletes:
            if now_s - creation_ms(post_id) // 1000 > self.config.retention_s:
                continue
            quoting = [p.post_id for p in self.posts.values() if p.quoted_post_id == post_id]
            for victim in [post_id, *quoting]:
                self.posts.pop(victim, None)
                self.deleted.add(victim)
                bisect.insort(self.tombstones, (deleted_at_s, victim))

    def trim(self, now_s: int, run: int | None) -> None:
        cutoff = now_s - self.config.retention_s
        while self.tombstones and self.tombstones[0][0] < cutoff:
            self.deleted.discard(self.tombstones.pop(0)[1])
        fraction = self.config.trim_fraction
        for timelines in (self.original, self.secondary, self.video):
            for author in list(timelines):
                if run is not None and author % fraction != run % fraction:
                    continue
                entries = timelines[author]
                while entries and (entries[0][0] < cutoff or len(entries) > self.config.max_timeline_size):
                    _, _, post = entries.pop(0)
                    if timelines is not self.video and self.posts.get(post.post_id) is post:
                        del self.posts[post.post_id]
                entries[:] = [e for e in entries if self.posts.get(e[1]) is e[2]]
                if not entries:
                    del timelines[author]

    def compact(self) -> None:
        """What the fast store's compaction does to answers: stale entries vanish everywhere."""
        for timelines in (self.original, self.secondary, self.video):
            for author in list(timelines):
                timelines[author] = [e for e in timelines[author] if self.posts.get(e[1]) is e[2]]
                if not timelines[author]:
                    del timelines[author]

    def finalize(self, now_s: int) -> None:
        self.trim(now_s, None)
        for post_id in self.deleted:
            self.posts.pop(post_id, None)

    # ------------------------------------------------------------------ queries
    def get_all_posts_by_users(
        self, authors: Sequence[int], exclude: Iterable[int], viewer: int, *, now_s: int
    ) -> list[LightPost]:
        cfg = self.config
        scan = _Scan(set(exclude), viewer, _deadline(cfg.request_timeout_ms), now_s - cfg.retention_s)
        out = self._scan(self.original, authors, cfg.max_original_per_author, scan, None)
        out += self._scan(self.secondary, authors, cfg.max_secondary_per_author, scan, set(authors))
        return out

    def get_videos_by_users(
        self, authors: Sequence[int], exclude: Iterable[int], viewer: int, *, now_s: int
    ) -> list[LightPost]:
        cfg = self.config
        scan = _Scan(set(exclude), viewer, _deadline(cfg.request_timeout_ms), now_s - cfg.retention_s)
        return self._scan(self.video, authors, cfg.max_video_per_author, scan, None)

    def _scan(
        self,
        timelines: dict[int, list[_Entry]],
        authors: Sequence[int],
        cap: int,
        scan: _Scan,
        followed: set[int] | None,
    ) -> list[LightPost]:
        out: list[LightPost] = []
        for author in dict.fromkeys(authors):
            if scan.deadline is not None and time.perf_counter() >= scan.deadline:
                break
            kept = examined = 0
            for _, post_id, post in reversed(timelines.get(author, [])):
                if post_id in scan.excluded:
                    continue
                examined += 1
                if examined > self.config.max_scan_per_author or kept == cap:
                    break
                if self.posts.get(post_id) is not post or post.created_at_s < scan.cutoff_s:
                    continue
                if post.is_retweet and post.source_user_id == scan.viewer:
                    continue
                if followed is not None and not self._reply_passes(post, followed):
                    continue
                out.append(post)
                kept += 1
        return out

    def _reply_passes(self, post: LightPost, followed: set[int]) -> bool:
        if post.in_reply_to_post_id == 0:
            return True
        parent = self.posts.get(post.in_reply_to_post_id)
        if parent is None:
            return False
        if parent.is_original:
            return True
        return (
            post.conversation_id != 0
            and parent.in_reply_to_post_id == post.conversation_id
            and post.in_reply_to_user_id in followed
        )


@dataclass(frozen=True)
class _Scan:
    excluded: set[int]
    viewer: int
    deadline: float | None
    cutoff_s: int  # entries created before this are past retention and do not resolve


def recency_order(posts: Iterable[LightPost], max_results: int) -> list[LightPost]:
    """§4.6 step 5: newest first, ties by post_id descending, first `max_results`."""
    return sorted(posts, key=lambda p: (p.created_at_s, p.post_id), reverse=True)[:max_results]


def _deadline(timeout_ms: int) -> float | None:
    return time.perf_counter() + timeout_ms / 1000 if timeout_ms > 0 else None
