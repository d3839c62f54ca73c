"""The population: heavy-tailed degrees and rates, homophilous follows, spammers, creators."""

import numpy as np

from foryou.world import WorldConfig
from foryou.world.population import generate_population
from foryou.world.vocab import build_vocabulary


def test_population_shape() -> None:
    cfg = WorldConfig(users=4000, seed=11)
    pop = generate_population(np.random.default_rng(5), cfg, build_vocabulary(cfg.topics, cfg.words_per_topic))
    n = cfg.users
    assert np.allclose(pop.interests.sum(axis=1), 1.0, atol=1e-4)
    indeg = np.bincount(pop.follows[:, 1], minlength=n)
    assert indeg.max() > 10 * max(np.median(indeg), 1)  # heavy tail
    assert pop.post_rate.max() > 20 * np.median(pop.post_rate)
    # Homophily: a followee's main topic interests the follower more than a random author's does.
    follower_interest = pop.interests[pop.follows[:, 0], pop.main_topic[pop.follows[:, 1]]].mean()
    random_pairs = np.random.default_rng(0).integers(0, n, (len(pop.follows), 2))
    random_interest = pop.interests[random_pairs[:, 0], pop.main_topic[random_pairs[:, 1]]].mean()
    assert follower_interest > 1.5 * random_interest
    assert np.all(pop.follows[:, 0] != pop.follows[:, 1])
    assert 0 < pop.is_spammer.sum() < 0.05 * n and pop.is_creator.sum() > 0
    assert np.all(pop.is_creator[pop.subscriptions[:, 1]])
    assert len(pop.blocks) and len(pop.mutes) and pop.muted_words


def test_vocabulary_is_fixed_and_texts_render() -> None:
    a, b = build_vocabulary(20, 30), build_vocabulary(20, 30)
    assert a == b and len(set(a.words)) == len(a.words)
    assert a.words[0] == "football" and a.topic_of_word(31) == 1 and a.topic_of_word(a.filler_start) == -1
    from foryou.world.vocab import render_texts

    assert render_texts(np.array([[0, -2 - 30, a.filler_start, -1]]), a) == [
        f"football #{a.words[30]} {a.words[a.filler_start]}"
    ]
