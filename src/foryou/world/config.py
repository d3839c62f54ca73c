"""Configuration of the synthetic world: sizes, rates and the ground-truth coefficients.

Every knob has a reason next to it; docs/world.md describes the generative model they drive. The
defaults make a world where personalisation matters: relevance to the viewer's topics dominates the
engagement logit, author quality varies, negative feedback is rare (an irrelevant post is worth about
nothing, spam and muted-keyword posts less than nothing), so neither recency nor popularity comes close
to the oracle feed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

# 2026-01-20T00:00:00Z: close to the SPEC's snowflake vector, so ids look like real ones.
DEFAULT_START_MS = 1_768_867_200_000
DAY_MS = 86_400_000
HOUR_MS = 3_600_000


@dataclass(frozen=True)
class TruthConfig:
    """Coefficients of the ground-truth action model (world/truth.py)."""

    base_logit: float = -4.0  # an off-topic, average post: favourite ≈ 2 %
    relevance: float = 5.0  # on the viewer's favourite topic: favourite ≈ 73 %
    author_quality: float = 0.7  # per standard deviation of author quality
    post_quality: float = 1.0  # per unit of the post's own quality noise (σ 0.5)
    follows: float = 0.7  # in-network affinity beyond the topic
    spam: float = -4.0  # spam is almost never liked ...
    bad_label: float = -1.0  # violence / gore / nsfw posts are liked less ...
    muted_keyword_factor: float = 0.2  # positives ×0.2 when the text hits a muted keyword
    # Negative feedback is rare, as on X: an off-topic post of an average author draws not_interested
    # 0.06 % of the time (worth ≈ its few positives, so ≈ 0); on-topic 0.01 %. The −43 … −234 weights
    # then make spam, labelled and muted-keyword posts clearly negative without sinking every feed.
    neg_base: float = -10.0
    neg_off_topic: float = 2.0  # not_interested rises as relevance falls
    neg_spam: float = 3.5  # ... and spam is hidden and reported (off-topic spam: not_interested ≈ 3 %)
    neg_bad_label: float = 3.0
    neg_muted_keyword: float = 5.0  # a muted keyword outweighs even a favourite topic
    neg_author_quality: float = -0.3


@dataclass(frozen=True)
class WorldConfig:
    users: int = 1000
    days: int = 2
    seed: int = 0
    start_ms: int = DEFAULT_START_MS
    topics: int = 20
    words_per_topic: int = 30
    interest_concentration: float = 0.25  # Dirichlet α: small = few strong interests per user
    main_topic_share: float = 0.8  # share of an author's posts on their main topic
    posts_per_user_day: float = 1.0  # mean originals per user per day (heavy-tailed, σ below)
    posting_rate_sigma: float = 1.2
    spammer_share: float = 0.02
    spammer_rate_factor: float = 6.0
    mean_follows: float = 20.0
    follows_sigma: float = 1.0
    homophily: float = 0.7  # share of follows chosen on one of the follower's topics
    popularity_shape: float = 1.5  # Pareto shape of author popularity (in-degree tail)
    blocks_per_user: float = 0.15
    mutes_per_user: float = 0.2
    muted_keyword_user_share: float = 0.08
    creator_share: float = 0.03
    subscribe_prob: float = 0.1  # a follower of a creator subscribes with this probability
    subscriber_only_share: float = 0.2  # of a creator's originals
    sessions_per_day: float = 2.0
    slate_mean: float = 6.0  # impressions per session
    in_network_share: float = 0.65  # on HOME_FOR_YOU; other surfaces have their own
    oon_topic_share: float = 0.5  # out-of-network slots drawn on one of the viewer's topics
    blocks_per_day: int = 4  # simulation step: posts become visible from the next step
    candidate_age_ms: int = 2 * DAY_MS  # = mixer.max_post_age_s
    video_share: float = 0.15
    photo_share: float = 0.15
    gif_share: float = 0.05
    delete_share: float = 0.003
    spam_label_share: float = 0.6  # trust & safety catches this share of spam posts
    violence_share: float = 0.004
    gore_share: float = 0.002
    nsfw_share: float = 0.008
    truth: TruthConfig = dataclasses.field(default_factory=TruthConfig)

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.days * DAY_MS

    @property
    def block_ms(self) -> int:
        return DAY_MS // self.blocks_per_day

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WorldConfig:
        values = dict(data)
        values["truth"] = TruthConfig(**values.get("truth", {}))
        return cls(**values)
