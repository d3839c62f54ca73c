"""CoreDataCandidateHydrator: text, repost / reply ids, conversation and ancestors from the PostEntityStore.

For a repost only the text comes from the original; reply ids, conversation and ancestors describe
the candidate itself, so a repost has none. Ancestors are filled only if empty and author_id only
if unknown. An unknown post gets empty text and cleared ids (the CoreDataHydration filter drops it).
"""

from __future__ import annotations

from typing import Any

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.candidate_hydrators.original_post_lookup import PostLookup
from foryou.home_mixer.clients.protocols import PostEntityReader
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Columns, Hydrator
from foryou.stores.models import PostCoreData


class CoreDataCandidateHydrator(Hydrator[ScoredPostsQuery, PostCandidate]):
    owned_fields = (
        "tweet_text",
        "has_media",
        "retweeted_tweet_id",
        "retweeted_user_id",
        "in_reply_to_tweet_id",
        "conversation_id",
        "ancestors",
        "author_id",
        "core_data_found",
    )

    def __init__(self, posts: PostEntityReader, lookup: PostLookup | None = None) -> None:
        self.lookup = lookup or PostLookup(posts)

    async def hydrate(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> Columns[PostCandidate]:
        found = (await self.lookup.of(candidates)).found
        return Columns.from_rows(candidates, self.owned_fields, [_row(c, found) for c in candidates])


def _row(cand: PostCandidate, found: dict[int, PostCoreData]) -> tuple[Any, ...]:
    """The owned fields, in `owned_fields` order."""
    data = found.get(cand.tweet_id)
    if data is None:
        return ("", False, None, None, None, None, list(cand.ancestors), cand.author_id, False)
    author = cand.author_id or data.author_id
    repost_of = data.repost_of_post_id
    if repost_of:  # text and media of the original; no reply ids, conversation or ancestors
        original = found.get(repost_of)
        if original is None:
            return ("", False, repost_of, data.repost_of_user_id or None, None, None, [], author, True)
        reposted_user = data.repost_of_user_id or original.author_id or None
        return (original.text, bool(original.media), repost_of, reposted_user, None, None, [], author, True)
    ancestors = list(cand.ancestors)
    reply_to = data.in_reply_to_post_id
    if not ancestors and reply_to:
        ancestors.append(reply_to)
        if data.conversation_id and data.conversation_id != reply_to:
            ancestors.append(data.conversation_id)
    return (
        data.text,
        bool(data.media),
        None,
        None,
        reply_to or None,
        data.conversation_id or None,
        ancestors,
        author,
        True,
    )
