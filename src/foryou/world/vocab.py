"""Topic vocabularies and post text.

Each topic owns a fixed list of words (its name first, so `#football` style hashtags appear); a post's
text mixes words of its topic with filler words. Muted keywords are topic words, so muting one really
hides on-topic posts. The vocabulary does not depend on the seed: the same topic means the same words
in every world.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

TOPIC_NAMES = (
    "football", "astronomy", "cooking", "jazz", "crypto", "gardening", "chess", "cinema", "fashion", "hiking",
    "physics", "poetry", "gaming", "politics", "photography", "running", "startups", "wine", "history", "robotics",
    "baking", "sailing", "anime", "climate", "architecture", "tennis", "birding", "theatre", "math", "surfing",
)  # fmt: skip
_SYLLABLES = (
    "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "zen", "dra", "pel", "gor", "tum", "ix", "bel", "cor",
    "fen", "hul", "jas", "qua", "ro", "sti", "mar", "tel", "xo", "yu", "ban", "dil", "pho", "gre",
)  # fmt: skip
FILLER_WORDS = 60
TEXT_MIN_WORDS = 5
TEXT_MAX_WORDS = 12
_TOPIC_WORD_SHARE = 0.6
_HASHTAG_SHARE = 0.15


@dataclass(frozen=True)
class Vocabulary:
    """words[i] for word id i: topic t owns ids t·per_topic … (t+1)·per_topic − 1; filler ids follow."""

    words: tuple[str, ...]
    topics: int
    per_topic: int

    @property
    def filler_start(self) -> int:
        return self.topics * self.per_topic

    def topic_of_word(self, word_id: int) -> int:
        return word_id // self.per_topic if word_id < self.filler_start else -1

    def topic_words(self, topic: int) -> tuple[str, ...]:
        return self.words[topic * self.per_topic : (topic + 1) * self.per_topic]


def build_vocabulary(topics: int, per_topic: int) -> Vocabulary:
    """A deterministic vocabulary of `topics` × `per_topic` topic words plus filler words."""
    rnd = random.Random(20260120)
    seen: set[str] = set()
    words: list[str] = []

    def fresh() -> str:
        while True:
            w = "".join(rnd.choice(_SYLLABLES) for _ in range(rnd.randint(2, 3)))
            if w not in seen and w not in TOPIC_NAMES:
                seen.add(w)
                return w

    for t in range(topics):
        name = TOPIC_NAMES[t] if t < len(TOPIC_NAMES) else f"topic{t}"
        seen.add(name)
        words.append(name)
        words.extend(fresh() for _ in range(per_topic - 1))
    words.extend(fresh() for _ in range(FILLER_WORDS))
    return Vocabulary(words=tuple(words), topics=topics, per_topic=per_topic)


def draw_text_words(rng: np.random.Generator, topics: np.ndarray, vocab: Vocabulary) -> np.ndarray:
    """Word ids [P, TEXT_MAX_WORDS] (−1 = padding) for posts on the given topics; a word id is negated
    minus 2 (−id − 2) when it is written as a hashtag."""
    n = len(topics)
    lengths = rng.integers(TEXT_MIN_WORDS, TEXT_MAX_WORDS + 1, n)
    topical = rng.random((n, TEXT_MAX_WORDS)) < _TOPIC_WORD_SHARE
    topic_ids = topics[:, None] * vocab.per_topic + rng.integers(0, vocab.per_topic, (n, TEXT_MAX_WORDS))
    filler_ids = vocab.filler_start + rng.integers(0, FILLER_WORDS, (n, TEXT_MAX_WORDS))
    ids = np.where(topical, topic_ids, filler_ids)
    hashtag = topical & (rng.random((n, TEXT_MAX_WORDS)) < _HASHTAG_SHARE)
    ids = np.where(hashtag, -ids - 2, ids)
    ids[np.arange(TEXT_MAX_WORDS)[None, :] >= lengths[:, None]] = -1
    return ids.astype(np.int32)


def render_texts(word_ids: np.ndarray, vocab: Vocabulary) -> list[str]:
    """The text of each post from its word ids."""
    table = vocab.words
    out: list[str] = []
    for row in word_ids.tolist():
        parts = []
        for w in row:
            if w == -1:
                break
            parts.append(table[w] if w >= 0 else "#" + table[-w - 2])
        out.append(" ".join(parts))
    return out


def plain_word_ids(word_ids: np.ndarray) -> np.ndarray:
    """Word ids with hashtags folded to their plain word (padding stays −1)."""
    return np.where(word_ids <= -2, -word_ids - 2, word_ids)
