"""Serialise the world's arrays into `foryou.events.v1.Event` records in tight loops.

The messages are exactly those the `foryou.events` constructors build (same fields, same default
event ids; a test checks one of each), constructed directly here because the simulator emits tens of
millions of them. User index i is user id i + 1.
"""

from __future__ import annotations

import numpy as np

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.core.actions import NUM_DISCRETE_ACTIONS, Action, EventAction
from foryou.world.features import KIND_QUOTE, KIND_REPLY, KIND_REPOST, MEDIA_NONE
from foryou.world.posts import PostTable
from foryou.world.simulate import Impressions
from foryou.world.vocab import Vocabulary, render_texts

PRODUCER = "world-simulator"
_E = pb.Event
_IMPRESSION = int(EventAction.IMPRESSION)
_EMITTED_HEADS = [a for a in Action if a < NUM_DISCRETE_ACTIONS and a != Action.DWELL]


def post_blobs(table: PostTable, idx: np.ndarray, vocab: Vocabulary) -> tuple[np.ndarray, list[bytes]]:
    """PostCreated records of rows `idx` (in creation order)."""
    c = {
        k: table[k][idx]
        for k in ("post_id", "author", "created_ms", "kind", "conversation", "media", "video_ms", "subscriber_only")
    }
    target = table["target"][idx]
    safe_t = np.maximum(target, 0)
    t_post = np.where(target >= 0, table["post_id"][safe_t], 0)
    t_user = np.where(target >= 0, table["author"][safe_t] + 1, 0)
    texts = render_texts(table.word_ids[idx], vocab)
    kinds = c["kind"].tolist()
    blobs = []
    rows = zip(
        c["post_id"].tolist(),
        (c["author"] + 1).tolist(),
        c["created_ms"].tolist(),
        kinds,
        c["conversation"].tolist(),
        c["media"].tolist(),
        c["video_ms"].tolist(),
        c["subscriber_only"].tolist(),
        t_post.tolist(),
        t_user.tolist(),
        texts,
        strict=True,
    )
    for pid, uid, ms, kind, conv, media, video, sub, tp, tu, text in rows:
        p = pb.PostCreated(
            post_id=pid,
            author_id=uid,
            created_at_ms=ms,
            text=text,
            conversation_id=conv,
            subscriber_only=sub,
            language="en",
        )
        if kind == KIND_REPLY:
            p.in_reply_to_post_id = tp
            p.in_reply_to_user_id = tu
        elif kind == KIND_REPOST:
            p.repost_of_post_id = tp
            p.repost_of_user_id = tu
        elif kind == KIND_QUOTE:
            p.quoted_post_id = tp
            p.quoted_user_id = tu
        if media != MEDIA_NONE:
            p.media.add(kind=media, duration_ms=video)
        blobs.append(
            _E(event_id=f"post:{pid}", event_time_ms=ms, producer=PRODUCER, post_created=p).SerializeToString()
        )
    return c["created_ms"], blobs


def engagement_blobs(
    imp: Impressions, post_ids: np.ndarray, authors: np.ndarray, request_prefix: str
) -> tuple[np.ndarray, list[bytes], np.ndarray, np.ndarray]:
    """Impressions then their actions. Returns (times, blobs, action values, row of each record)."""
    n = len(imp.user)
    rows_i, heads = np.nonzero(imp.actions[:, _EMITTED_HEADS])
    act_rows = np.concatenate([np.arange(n), rows_i])
    act_vals = np.concatenate([np.full(n, _IMPRESSION), np.array(_EMITTED_HEADS)[heads] + 1]).astype(np.int64)
    times = np.concatenate([imp.time_ms, imp.engaged_ms[rows_i]])
    uid = (imp.user + 1)[act_rows].tolist()
    pid = post_ids[act_rows].tolist()
    aid = (authors + 1)[act_rows].tolist()
    surf = imp.surface[act_rows].tolist()
    t_imp = imp.time_ms[act_rows].tolist()
    dwell = np.where(act_vals == _IMPRESSION, imp.dwell_ms[act_rows], 0).tolist()
    sess = imp.session[act_rows].tolist()
    blobs = []
    rows = zip(uid, pid, aid, act_vals.tolist(), surf, t_imp, times.tolist(), dwell, sess, strict=True)
    for u, p, a, act, s, ti, te, d, r in rows:
        # Setting fields on the embedded message is markedly faster than building and copying one.
        e = _E(event_id=f"eng:{u}:{p}:{act}:{te}", event_time_ms=te, producer=PRODUCER)
        g = e.engagement
        g.user_id = u
        g.post_id = p
        g.author_id = a
        g.action = act
        g.product_surface = s
        g.impression_time_ms = ti
        if act != _IMPRESSION:
            g.engaged_time_ms = te
        if d:
            g.dwell_ms = d
        g.request_id = f"{request_prefix}{r}"
        blobs.append(e.SerializeToString())
    return times, blobs, act_vals, act_rows


def edge_blobs(src: np.ndarray, dst: np.ndarray, edge: int, times: np.ndarray) -> list[bytes]:
    out = []
    for s, d, t in zip((src + 1).tolist(), (dst + 1).tolist(), times.tolist(), strict=True):
        e = pb.SocialEdgeChanged(source_user_id=s, target_user_id=d, edge=edge, active=True)  # type: ignore[arg-type]
        out.append(
            _E(
                event_id=f"edge:{s}:{d}:{edge}:1:{t}", event_time_ms=t, producer=PRODUCER, social_edge=e
            ).SerializeToString()
        )
    return out


def subscription_blobs(src: np.ndarray, dst: np.ndarray, time_ms: int) -> list[bytes]:
    out = []
    for s, d in zip((src + 1).tolist(), (dst + 1).tolist(), strict=True):
        e = pb.SubscriptionChanged(subscriber_id=s, creator_id=d, active=True)
        out.append(
            _E(
                event_id=f"sub:{s}:{d}:1:{time_ms}", event_time_ms=time_ms, producer=PRODUCER, subscription=e
            ).SerializeToString()
        )
    return out


def muted_keyword_blobs(muted: dict[int, list[int]], vocab: Vocabulary, time_ms: int) -> list[bytes]:
    out = []
    for u in sorted(muted):
        uid = u + 1
        e = pb.MutedKeywordsChanged(user_id=uid, keywords=[vocab.words[w] for w in muted[u]])
        out.append(
            _E(
                event_id=f"mutedkw:{uid}:{time_ms}", event_time_ms=time_ms, producer=PRODUCER, muted_keywords=e
            ).SerializeToString()
        )
    return out


def profile_blobs(screen_names: list[str], created: np.ndarray, levels: np.ndarray) -> list[bytes]:
    """UserProfileChanged for every user, in the given order."""
    out = []
    for i, (name, ms, lvl) in enumerate(zip(screen_names, created.tolist(), levels.tolist(), strict=True)):
        uid = i + 1
        e = pb.UserProfileChanged(user_id=uid, screen_name=name, created_at_ms=ms, subscription_level=lvl)
        out.append(
            _E(event_id=f"user:{uid}:{ms}", event_time_ms=ms, producer=PRODUCER, user_profile=e).SerializeToString()
        )
    return out


def label_blobs(post_ids: np.ndarray, labels: np.ndarray, times: np.ndarray) -> list[bytes]:
    out = []
    for p, lab, t in zip(post_ids.tolist(), labels.tolist(), times.tolist(), strict=True):
        e = pb.SafetyLabelChanged(post_id=p, label=lab, applied=True)
        out.append(
            _E(
                event_id=f"label:{p}:{lab}:1:{t}", event_time_ms=t, producer=PRODUCER, safety_label=e
            ).SerializeToString()
        )
    return out


def delete_blobs(post_ids: np.ndarray, authors: np.ndarray, times: np.ndarray) -> list[bytes]:
    out = []
    for p, a, t in zip(post_ids.tolist(), (authors + 1).tolist(), times.tolist(), strict=True):
        e = pb.PostDeleted(post_id=p, author_id=a, deleted_at_ms=t)
        out.append(_E(event_id=f"delete:{p}", event_time_ms=t, producer=PRODUCER, post_deleted=e).SerializeToString())
    return out
