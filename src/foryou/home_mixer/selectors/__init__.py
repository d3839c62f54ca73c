"""Home Mixer selectors."""

from foryou.home_mixer.selectors.top_k_score_selector import TopKScoreSelector

__all__ = ["TopKScoreSelector"]
