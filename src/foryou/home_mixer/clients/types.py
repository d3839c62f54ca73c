"""What the Home Mixer needs from Thunder, Phoenix and the stores, as plain typed records.

Only `home_mixer/clients/` knows where those services run; stages see these records and the
Protocols in `protocols.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class InNetworkPost:
    """One post returned by Thunder's GetInNetworkPosts."""

    post_id: int
    author_id: int
    created_at_ms: int = 0
    in_reply_to_post_id: int = 0
    in_reply_to_user_id: int = 0
    repost_of_post_id: int = 0
    repost_of_user_id: int = 0
    conversation_id: int = 0


@dataclass(frozen=True)
class RetrievedPost:
    """One out-of-network post returned by Phoenix retrieval."""

    post_id: int
    author_id: int
    in_reply_to_post_id: int = 0
    score: float = 0.0


@dataclass(frozen=True)
class Media:
    kind: str  # PHOTO | VIDEO | GIF
    duration_ms: int = 0


@dataclass(frozen=True)
class PostCoreData:
    """Core data of one post from the PostEntityStore."""

    post_id: int
    author_id: int
    text: str = ""
    in_reply_to_post_id: int = 0
    in_reply_to_user_id: int = 0
    repost_of_post_id: int = 0
    repost_of_user_id: int = 0
    quoted_post_id: int = 0
    conversation_id: int = 0
    media: tuple[Media, ...] = field(default_factory=tuple)
    subscriber_only: bool = False


@dataclass(frozen=True)
class UserInfo:
    user_id: int
    screen_name: str = ""
    followers_count: int = 0
    subscription_level: int = 0


@dataclass(frozen=True)
class RawAction:
    """One raw engagement of the viewer, already re-attributed to the original post and author."""

    post_id: int
    author_id: int
    action: int  # EventAction value (1..18 discrete, 19 impression)
    product_surface: int = 0
    impression_time_ms: int = 0
    engaged_time_ms: int = 0
    dwell_ms: int = 0
    event_time_ms: int = 0
    event_id: str = ""
