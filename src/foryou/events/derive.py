"""Raw user actions carried by events: an engagement is one action; a post created as a reply, repost
or quote is the actor's reply / repost / quote action on its target (SPEC §5.1: the UserActionStore
derives those from the actor's PostCreated events).
"""

from __future__ import annotations

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.core.actions import EventAction
from foryou.events.uas import RawAction


def raw_actions(event: pb.Event) -> tuple[int, list[RawAction]]:
    """(actor user id, raw actions) of one event; (0, []) for events that carry no user action."""
    kind = event.WhichOneof("payload")
    if kind == "engagement":
        e = event.engagement
        raw = RawAction(
            post_id=e.post_id,
            author_id=e.author_id,
            action=e.action,
            product_surface=e.product_surface,
            engaged_time_ms=e.engaged_time_ms,
            impression_time_ms=e.impression_time_ms,
            envelope_time_ms=event.event_time_ms,
            dwell_ms=e.dwell_ms,
            event_id=event.event_id,
        )
        return e.user_id, [raw]
    if kind == "post_created":
        p = event.post_created
        out: list[RawAction] = []
        for target, target_author, action in (
            (p.in_reply_to_post_id, p.in_reply_to_user_id, EventAction.REPLY),
            (p.repost_of_post_id, p.repost_of_user_id, EventAction.RETWEET),
            (p.quoted_post_id, p.quoted_user_id, EventAction.QUOTE),
        ):
            if target:
                out.append(
                    RawAction(
                        post_id=target,
                        author_id=target_author,
                        action=int(action),
                        engaged_time_ms=p.created_at_ms,
                        envelope_time_ms=event.event_time_ms,
                        event_id=f"{event.event_id}#{int(action)}",
                    )
                )
        return p.author_id, out
    return 0, []
