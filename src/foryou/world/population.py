"""The population: users with latent interests, author profiles, and the social graph at the start.

User index i has user id i + 1. Everything is drawn with numpy from one seeded generator, vectorised
over users and edges, so 100 000 users take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foryou.world.config import DAY_MS, WorldConfig
from foryou.world.vocab import Vocabulary


@dataclass
class Population:
    interests: np.ndarray  # [N, T] float32, rows sum to 1
    main_topic: np.ndarray  # [N] int16: the topic an author mostly posts about
    quality: np.ndarray  # [N] float32: author quality, N(0, 1)
    activity: np.ndarray  # [N] float32: relative number of sessions, mean 1
    post_rate: np.ndarray  # [N] float32: originals per day
    popularity: np.ndarray  # [N] float64: weight as a follow target
    is_spammer: np.ndarray  # [N] bool
    is_creator: np.ndarray  # [N] bool: offers subscriber-only posts
    created_at_ms: np.ndarray  # [N] int64
    follows: np.ndarray  # [E, 2] int64 (follower index, followee index), sorted
    blocks: np.ndarray  # [B, 2] int64
    mutes: np.ndarray  # [M, 2] int64
    subscriptions: np.ndarray  # [S, 2] int64 (subscriber index, creator index)
    muted_words: dict[int, list[int]]  # user index -> muted topic word ids

    @property
    def size(self) -> int:
        return len(self.quality)


def sample_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of `probs` [R, K]."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    out: np.ndarray = np.minimum((cum < u[:, None]).sum(axis=1), probs.shape[1] - 1)
    return out


def _pairs(src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray:
    """Unique (src, dst) pairs without self loops, sorted."""
    keep = src != dst
    key = np.unique(src[keep] * n + dst[keep])
    return np.stack([key // n, key % n], axis=1)


def _follow_graph(rng: np.random.Generator, cfg: WorldConfig, pop_weight: np.ndarray, interests: np.ndarray,
                  main_topic: np.ndarray) -> np.ndarray:  # fmt: skip
    n = len(pop_weight)
    mu = np.log(cfg.mean_follows) - cfg.follows_sigma**2 / 2
    degree = np.clip(np.round(rng.lognormal(mu, cfg.follows_sigma, n)), 1, min(n - 1, 5000)).astype(np.int64)
    src = np.repeat(np.arange(n), degree)
    # Homophilous edges: pick one of the follower's topics, then an author of that topic by popularity.
    order = np.argsort(main_topic, kind="stable")
    cum = np.cumsum(pop_weight[order])
    bounds = np.searchsorted(main_topic[order], np.arange(cfg.topics + 1))
    lo = np.where(bounds[:-1] > 0, cum[np.maximum(bounds[:-1] - 1, 0)], 0.0)
    hi = np.where(bounds[1:] > 0, cum[np.maximum(bounds[1:] - 1, 0)], 0.0)
    topic = sample_rows(rng, interests[src])
    x = lo[topic] + rng.random(len(src)) * (hi[topic] - lo[topic])
    homo = order[np.minimum(np.searchsorted(cum, x, side="right"), n - 1)]
    empty = hi[topic] <= lo[topic]
    # Global edges: anyone, by popularity.
    glob = np.minimum(np.searchsorted(np.cumsum(pop_weight), rng.random(len(src)) * pop_weight.sum()), n - 1)
    use_homo = (rng.random(len(src)) < cfg.homophily) & ~empty
    return _pairs(src, np.where(use_homo, homo, glob), n)


def _blocks_and_mutes(
    rng: np.random.Generator, cfg: WorldConfig, is_spammer: np.ndarray, popularity: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Blocks: half aimed at spammers, half at anyone; mutes: by popularity (the accounts people see)."""
    n = len(is_spammer)
    spammers = np.flatnonzero(is_spammer)
    b_src = np.repeat(np.arange(n), rng.poisson(cfg.blocks_per_user, n))
    b_dst = rng.integers(0, n, len(b_src))
    if len(spammers):
        at_spam = rng.random(len(b_src)) < 0.5
        b_dst[at_spam] = spammers[rng.integers(0, len(spammers), int(at_spam.sum()))]
    m_src = np.repeat(np.arange(n), rng.poisson(cfg.mutes_per_user, n))
    m_dst = np.minimum(np.searchsorted(np.cumsum(popularity), rng.random(len(m_src)) * popularity.sum()), n - 1)
    return _pairs(b_src, b_dst, n), _pairs(m_src, m_dst, n)


def _muted_words(rng: np.random.Generator, cfg: WorldConfig, vocab: Vocabulary) -> dict[int, list[int]]:
    """1–3 words of one topic for a share of the users."""
    muted: dict[int, list[int]] = {}
    for u in np.flatnonzero(rng.random(cfg.users) < cfg.muted_keyword_user_share).tolist():
        t = int(rng.integers(0, cfg.topics))
        k = int(rng.integers(1, 4))
        words = rng.choice(vocab.per_topic, size=k, replace=False) + t * vocab.per_topic
        muted[u] = sorted(int(w) for w in words)
    return muted


def generate_population(rng: np.random.Generator, cfg: WorldConfig, vocab: Vocabulary) -> Population:
    n = cfg.users
    interests = rng.dirichlet(np.full(cfg.topics, cfg.interest_concentration), n).astype(np.float32)
    main_topic = sample_rows(rng, interests).astype(np.int16)
    is_spammer = rng.random(n) < cfg.spammer_share
    main_topic[is_spammer] = rng.integers(0, cfg.topics, int(is_spammer.sum()))
    quality = rng.normal(0.0, 1.0, n).astype(np.float32)
    quality[is_spammer] = -2.0
    activity = rng.lognormal(0.0, 0.8, n)
    activity = (activity / activity.mean()).astype(np.float32)
    rate = rng.lognormal(0.0, cfg.posting_rate_sigma, n)
    rate = rate / rate.mean() * cfg.posts_per_user_day
    rate[is_spammer] *= cfg.spammer_rate_factor
    popularity = np.exp(0.8 * quality) * (rng.pareto(cfg.popularity_shape, n) + 1.0)
    popularity[is_spammer] *= 0.05
    follows = _follow_graph(rng, cfg, popularity, interests, main_topic)

    n_creators = max(1, int(cfg.creator_share * n))
    ranked = np.argsort(-np.where(is_spammer, -np.inf, popularity), kind="stable")
    is_creator = np.zeros(n, dtype=bool)
    is_creator[ranked[:n_creators]] = True
    to_creator = follows[is_creator[follows[:, 1]]]
    subscriptions = to_creator[rng.random(len(to_creator)) < cfg.subscribe_prob]

    blocks, mutes = _blocks_and_mutes(rng, cfg, is_spammer, popularity)
    muted_words = _muted_words(rng, cfg, vocab)
    created = cfg.start_ms - rng.integers(30 * DAY_MS, 3 * 365 * DAY_MS, n)
    return Population(
        interests=interests,
        main_topic=main_topic,
        quality=quality,
        activity=activity,
        post_rate=rate.astype(np.float32),
        popularity=popularity,
        is_spammer=is_spammer,
        is_creator=is_creator,
        created_at_ms=created.astype(np.int64),
        follows=follows,
        blocks=blocks,
        mutes=mutes,
        subscriptions=subscriptions,
        muted_words=muted_words,
    )
