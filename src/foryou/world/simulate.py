"""The impression simulator: for one time block, sessions show posts to users on product surfaces and
each of the 19 actions is drawn from the ground truth (world/truth.py).

A session is one request (one slate). Its posts come mostly from followed authors (in-network) and
otherwise from the recent global pool, half of those on one of the viewer's topics, so that
retrieval has something to learn. Only posts created before the block starts are shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foryou.core.actions import NEGATIVE_ACTIONS, NUM_DISCRETE_ACTIONS, Action, ProductSurface
from foryou.world.config import WorldConfig
from foryou.world.features import TruthTables, pair_features
from foryou.world.keys import contains, pair_keys
from foryou.world.population import sample_rows
from foryou.world.truth import engagement_logit, expected_actions, long_dwell_mean_s

# (surface, share of sessions, share of in-network slots); HOME_FOR_YOU uses cfg.in_network_share.
SURFACE_MIX: tuple[tuple[ProductSurface, float, float], ...] = (
    (ProductSurface.HOME_FOR_YOU, 0.60, -1.0),
    (ProductSurface.HOME_FOLLOWING, 0.15, 1.0),
    (ProductSurface.EXPLORE, 0.07, 0.1),
    (ProductSurface.SEARCH, 0.05, 0.3),
    (ProductSurface.PROFILE, 0.05, 1.0),
    (ProductSurface.POST_DETAIL, 0.05, 0.6),
    (ProductSurface.VIDEO_IMMERSIVE, 0.03, 0.3),
)
POSITIVE_HEADS = [a for a in Action if a < NUM_DISCRETE_ACTIONS and a not in NEGATIVE_ACTIONS]
SILENCING_HEADS = (Action.BLOCK_AUTHOR, Action.MUTE_AUTHOR)
_SLOT_GAP_MS = 7000


@dataclass
class Impressions:
    user: np.ndarray  # user index
    post: np.ndarray  # post index
    session: np.ndarray  # session number within the block
    surface: np.ndarray
    time_ms: np.ndarray
    dwell_ms: np.ndarray
    actions: np.ndarray  # [n, 18] bool, column 10 (dwell) = dwell_ms ≥ 2000
    engaged_ms: np.ndarray  # [n] time of the actions of this impression


def _csr(keys_sorted_by: np.ndarray, n: int) -> np.ndarray:
    return np.searchsorted(keys_sorted_by, np.arange(n + 1))


def _pick(rng: np.random.Generator, order: np.ndarray, offsets: np.ndarray, group: np.ndarray) -> np.ndarray:
    """A uniform member of each group (−1 where the group is empty)."""
    start, count = offsets[group], offsets[group + 1] - offsets[group]
    pos = start + (rng.random(len(group)) * np.maximum(count, 1)).astype(np.int64)
    return np.where(count > 0, order[np.minimum(pos, len(order) - 1)] if len(order) else -1, -1)


def _slots(
    rng: np.random.Generator, cfg: WorldConfig, activity: np.ndarray, start: int, end: int
) -> dict[str, np.ndarray]:
    n_sessions = rng.poisson(activity * cfg.sessions_per_day / cfg.blocks_per_day)
    s_user = np.repeat(np.arange(len(activity)), n_sessions)
    s_time = rng.integers(start, max(start + 1, end - 120_000), len(s_user))
    shares = np.array([s[1] for s in SURFACE_MIX])
    s_surface_i = rng.choice(len(SURFACE_MIX), size=len(s_user), p=shares / shares.sum())
    per = 1 + rng.poisson(cfg.slate_mean - 1, len(s_user))
    session = np.repeat(np.arange(len(s_user)), per)
    pos = np.arange(len(session)) - np.repeat(np.cumsum(per) - per, per)
    t = s_time[session] + pos * _SLOT_GAP_MS + rng.integers(0, _SLOT_GAP_MS // 2, len(session))
    p_in = np.array([cfg.in_network_share if s[2] < 0 else s[2] for s in SURFACE_MIX])
    surf_i = s_surface_i[session]
    return {
        "user": s_user[session],
        "session": session,
        "surface": np.array([int(s[0]) for s in SURFACE_MIX])[surf_i],
        "time": np.minimum(t, end - 60_000),
        "in_network": rng.random(len(session)) < p_in[surf_i],
    }


def choose_posts(
    rng: np.random.Generator, cfg: WorldConfig, t: TruthTables, pool: np.ndarray, slots: dict[str, np.ndarray]
) -> np.ndarray:
    """A post index for every slot (−1 when none could be found)."""
    n_users = t.users
    user = slots["user"]
    f_src, f_dst = t.follow_keys // n_users, t.follow_keys % n_users
    f_off = _csr(f_src, n_users)
    by_author = pool[np.argsort(t.author[pool], kind="stable")]
    a_off = _csr(t.author[by_author], n_users)
    content_topic = t.topic[t.original[pool]]
    by_topic = pool[np.argsort(content_topic, kind="stable")]
    t_off = _csr(t.topic[t.original[by_topic]], t.interests.shape[1])
    followee = _pick(rng, f_dst, f_off, user)
    in_net = np.where(followee >= 0, _pick(rng, by_author, a_off, np.maximum(followee, 0)), -1)
    topic = sample_rows(rng, t.interests[user])
    on_topic = _pick(rng, by_topic, t_off, topic)
    anywhere = pool[rng.integers(0, len(pool), len(user))] if len(pool) else np.full(len(user), -1)
    oon = np.where(rng.random(len(user)) < cfg.oon_topic_share, on_topic, anywhere)
    post: np.ndarray = np.where(slots["in_network"] & (in_net >= 0), in_net, oon)
    return post


def _eligible(
    t: TruthTables,
    user: np.ndarray,
    post: np.ndarray,
    session: np.ndarray,
    time: np.ndarray,
    subscriber_only: np.ndarray,
    deleted_ms: np.ndarray,
    subscription_keys: np.ndarray,
) -> np.ndarray:
    ok = post >= 0
    p = np.maximum(post, 0)
    ok &= t.author[p] != user
    orig = t.original[p]
    locked = subscriber_only[orig] & ~contains(subscription_keys, pair_keys(user, t.author[orig], t.users))
    ok &= ~locked & (t.author[orig] != user)
    ok &= (deleted_ms[p] == 0) & (deleted_ms[orig] == 0) | (np.maximum(deleted_ms[p], deleted_ms[orig]) > time)
    # One impression per (session, post).
    key = session.astype(np.int64) * (len(t.author) + 1) + p
    first = np.zeros(len(post), dtype=bool)
    idx = np.flatnonzero(ok)
    _, keep = np.unique(key[idx], return_index=True)
    first[idx[keep]] = True
    return ok & first


def _silence_in_block(user: np.ndarray, author: np.ndarray, time: np.ndarray, acts: np.ndarray, n: int) -> None:
    """After a block or mute, the same user takes no positive action on that author (in place)."""
    silencing = acts[:, Action.BLOCK_AUTHOR] | acts[:, Action.MUTE_AUTHOR]
    if not silencing.any():
        return
    keys = pair_keys(user, author, n)
    rows = np.flatnonzero(silencing)
    order = rows[np.lexsort((time[rows], keys[rows]))]
    uniq, first = np.unique(keys[order], return_index=True)
    first_time = time[order[first]]
    pos = np.minimum(np.searchsorted(uniq, keys), len(uniq) - 1)
    hit = (uniq[pos] == keys) & (time >= first_time[pos])
    acts[np.ix_(hit, POSITIVE_HEADS)] = False
    acts[hit, Action.DWELL] = False
    later = hit & (time > first_time[pos])
    acts[np.ix_(later, list(SILENCING_HEADS))] = False


def simulate_block(
    rng: np.random.Generator,
    cfg: WorldConfig,
    t: TruthTables,
    pool: np.ndarray,
    activity: np.ndarray,
    posts: dict[str, np.ndarray],
    subscription_keys: np.ndarray,
    start: int,
    end: int,
) -> Impressions:
    slots = _slots(rng, cfg, activity, start, end)
    if len(pool) == 0:
        slots = {k: v[:0] for k, v in slots.items()}
    post = choose_posts(rng, cfg, t, pool, slots)
    keep = _eligible(
        t,
        slots["user"],
        post,
        slots["session"],
        slots["time"],
        posts["subscriber_only"],
        posts["deleted_ms"],
        subscription_keys,
    )
    user, post = slots["user"][keep], post[keep]
    time = slots["time"][keep]
    f = pair_features(t, user, post)
    probs = expected_actions(f, cfg.truth)
    acts = rng.random((len(user), NUM_DISCRETE_ACTIONS)) < probs[:, :NUM_DISCRETE_ACTIONS]
    _silence_in_block(user, t.author[post], time, acts, t.users)
    long_s = long_dwell_mean_s(engagement_logit(f, cfg.truth), f.video_s)
    dwelled = acts[:, Action.DWELL]
    dwell = np.where(dwelled, 2000 + rng.exponential(long_s) * 1000, rng.integers(200, 2000, len(user)))
    engaged = np.minimum(time + rng.integers(300, 20_000, len(user)), end - 1)
    return Impressions(
        user=user,
        post=post,
        session=slots["session"][keep],
        surface=slots["surface"][keep],
        time_ms=time,
        dwell_ms=dwell.astype(np.int64),
        actions=acts,
        engaged_ms=engaged,
    )
