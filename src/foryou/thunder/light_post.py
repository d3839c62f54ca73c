"""What Thunder keeps about a post: `LightPost` (one post, for callers) and `NewPosts` (a columnar batch).

`NewPosts` is the input of `PostStore.insert`: one numpy column per field, so a batch of thousands of
PostCreated events is applied with a handful of vectorised operations instead of a loop per post.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class LightPost(NamedTuple):
    """SPEC §4.1 LightPost. Optional ids are 0 when absent. A named tuple: a response builds 1200."""

    post_id: int
    author_id: int
    created_at_s: int
    in_reply_to_post_id: int = 0
    in_reply_to_user_id: int = 0
    is_retweet: bool = False
    is_reply: bool = False
    source_post_id: int = 0
    source_user_id: int = 0
    has_video: bool = False
    conversation_id: int = 0
    quoted_post_id: int = 0

    @property
    def is_original(self) -> bool:
        return not self.is_reply and not self.is_retweet


@dataclass(frozen=True)
class NewPosts:
    """A batch of created posts, already classified (SPEC §4.2 step 1), as equal-length columns."""

    post_id: U64
    author_id: U64
    created_at_s: I64
    in_reply_to_post_id: U64
    in_reply_to_user_id: U64
    source_post_id: U64
    source_user_id: U64
    conversation_id: U64
    quoted_post_id: U64
    has_video: BoolArray

    def __len__(self) -> int:
        return int(self.post_id.shape[0])

    @property
    def is_reply(self) -> BoolArray:
        result: BoolArray = (self.in_reply_to_post_id != 0) | (self.in_reply_to_user_id != 0)
        return result

    @property
    def is_retweet(self) -> BoolArray:
        result: BoolArray = self.source_post_id != 0
        return result

    def take(self, index: npt.NDArray[np.intp]) -> NewPosts:
        """The rows at `index`, in that order."""
        return NewPosts(*(getattr(self, name)[index] for name in _FIELDS))

    @classmethod
    def from_posts(cls, posts: Sequence[LightPost]) -> NewPosts:
        """Columns from LightPosts (tests, reference comparisons, small producers)."""

        def u64(name: str) -> U64:
            return np.array([getattr(p, name) for p in posts], dtype=np.uint64)

        return cls(
            post_id=u64("post_id"),
            author_id=u64("author_id"),
            created_at_s=np.array([p.created_at_s for p in posts], dtype=np.int64),
            in_reply_to_post_id=u64("in_reply_to_post_id"),
            in_reply_to_user_id=u64("in_reply_to_user_id"),
            source_post_id=u64("source_post_id"),
            source_user_id=u64("source_user_id"),
            conversation_id=u64("conversation_id"),
            quoted_post_id=u64("quoted_post_id"),
            has_video=np.array([p.has_video for p in posts], dtype=np.bool_),
        )

    def rows(self) -> list[LightPost]:
        """The batch as LightPosts (is_reply / is_retweet derived from the ids)."""
        cols = [getattr(self, name).tolist() for name in _FIELDS]
        out = []
        for pid, aid, ts, rp, ru, sp, su, conv, quoted, video in zip(*cols, strict=True):
            out.append(
                LightPost(
                    post_id=pid,
                    author_id=aid,
                    created_at_s=ts,
                    in_reply_to_post_id=rp,
                    in_reply_to_user_id=ru,
                    is_retweet=sp != 0,
                    is_reply=rp != 0 or ru != 0,
                    source_post_id=sp,
                    source_user_id=su,
                    has_video=video,
                    conversation_id=conv,
                    quoted_post_id=quoted,
                )
            )
        return out


_FIELDS = (
    "post_id",
    "author_id",
    "created_at_s",
    "in_reply_to_post_id",
    "in_reply_to_user_id",
    "source_post_id",
    "source_user_id",
    "conversation_id",
    "quoted_post_id",
    "has_video",
)
