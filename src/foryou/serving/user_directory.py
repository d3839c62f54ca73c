"""UserDirectory: screen-name search for the feed explorer, kept current from UserProfileChanged events."""

from __future__ import annotations

import threading

from foryou._proto.foryou.events.v1 import events_pb2 as pb


class UserDirectory:
    def __init__(self) -> None:
        self._names: dict[int, str] = {}
        self._lock = threading.Lock()

    def observe(self, event: pb.Event) -> None:
        if event.WhichOneof("payload") == "user_profile":
            with self._lock:
                self._names[event.user_profile.user_id] = event.user_profile.screen_name

    def search(self, query: str, limit: int) -> list[tuple[int, str]]:
        """An exact id first, then screen names starting with, then containing, the query."""
        needle = query.strip().lstrip("@").lower()
        if not needle:
            return []
        with self._lock:
            items = list(self._names.items())
        exact = [(u, n) for u, n in items if str(u) == needle]
        prefix = sorted((n, u) for u, n in items if n.lower().startswith(needle) and str(u) != needle)
        inside = sorted((n, u) for u, n in items if needle in n.lower() and not n.lower().startswith(needle))
        return (exact + [(u, n) for n, u in prefix] + [(u, n) for n, u in inside])[:limit]
