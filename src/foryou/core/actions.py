"""The 19 Phoenix actions and the 16 product surfaces (SPEC §5.1).

`Action` is the model's head index (0..18). Engagement events carry `action index + 1` for the 18
discrete actions, 0 for unspecified and 19 for an impression: see `EventAction`.
"""

from __future__ import annotations

from enum import IntEnum


class Action(IntEnum):
    FAVORITE = 0
    REPLY = 1
    RETWEET = 2
    PHOTO_EXPAND = 3
    CLICK = 4
    PROFILE_CLICK = 5
    VQV = 6
    SHARE = 7
    SHARE_VIA_DM = 8
    SHARE_VIA_COPY_LINK = 9
    DWELL = 10
    QUOTE = 11
    QUOTED_CLICK = 12
    FOLLOW_AUTHOR = 13
    NOT_INTERESTED = 14
    BLOCK_AUTHOR = 15
    MUTE_AUTHOR = 16
    REPORT = 17
    DWELL_TIME = 18  # continuous head: predicted seconds, never a history bit

    @property
    def head_name(self) -> str:
        """The snake_case name used by parameters, traces and `phoenix_scores`."""
        return self.name.lower()


NUM_ACTIONS = 19
NUM_DISCRETE_ACTIONS = 18
DISCRETE_ACTIONS: tuple[Action, ...] = tuple(Action(i) for i in range(NUM_DISCRETE_ACTIONS))
ACTION_NAMES: tuple[str, ...] = tuple(a.head_name for a in Action)
NEGATIVE_ACTIONS = frozenset({Action.NOT_INTERESTED, Action.BLOCK_AUTHOR, Action.MUTE_AUTHOR, Action.REPORT})


class EventAction(IntEnum):
    """Action value carried by an EngagementEvent: head index + 1, plus IMPRESSION."""

    UNSPECIFIED = 0
    FAVORITE = 1
    REPLY = 2
    RETWEET = 3
    PHOTO_EXPAND = 4
    CLICK = 5
    PROFILE_CLICK = 6
    VQV = 7
    SHARE = 8
    SHARE_VIA_DM = 9
    SHARE_VIA_COPY_LINK = 10
    DWELL = 11
    QUOTE = 12
    QUOTED_CLICK = 13
    FOLLOW_AUTHOR = 14
    NOT_INTERESTED = 15
    BLOCK_AUTHOR = 16
    MUTE_AUTHOR = 17
    REPORT = 18
    IMPRESSION = 19

    def to_action(self) -> Action | None:
        """The model head of this event action, or None for UNSPECIFIED / IMPRESSION."""
        if self in (EventAction.UNSPECIFIED, EventAction.IMPRESSION):
            return None
        return Action(int(self) - 1)


class ProductSurface(IntEnum):
    UNKNOWN = 0
    HOME_FOR_YOU = 1
    HOME_FOLLOWING = 2
    POST_DETAIL = 3
    PROFILE = 4
    SEARCH = 5
    NOTIFICATIONS = 6
    EXPLORE = 7
    VIDEO_IMMERSIVE = 8
    BOOKMARKS = 9
    LISTS = 10
    COMMUNITIES = 11
    DIRECT_MESSAGES = 12
    OTHER = 13
    RESERVED_14 = 14
    RESERVED_15 = 15


NUM_PRODUCT_SURFACES = 16
