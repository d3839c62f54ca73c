"""VisibilityRules: the SPEC §3.10 table from parameters, most severe label wins."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from foryou.params import Params
from foryou.stores import SafetyLabel, SafetyLevel, Visibility, VisibilityAction, VisibilityRules

RULES = VisibilityRules.from_params(Params())
HOME, RECS = SafetyLevel.TIMELINE_HOME, SafetyLevel.TIMELINE_HOME_RECOMMENDATIONS
DROP, INTERSTITIAL, ALLOW = VisibilityAction.DROP, VisibilityAction.INTERSTITIAL, VisibilityAction.ALLOW


def test_default_table_is_the_spec_table() -> None:
    expected = {
        SafetyLabel.DELETED: (DROP, DROP),
        SafetyLabel.SPAM: (DROP, DROP),
        SafetyLabel.GORE: (INTERSTITIAL, DROP),
        SafetyLabel.VIOLENCE: (INTERSTITIAL, DROP),
        SafetyLabel.NSFW: (INTERSTITIAL, DROP),
    }
    for label, (home, recs) in expected.items():
        assert (RULES.action_of(HOME, label), RULES.action_of(RECS, label)) == (home, recs)
    assert RULES.action_of(HOME, 0) == RULES.action_of(RECS, 99) == ALLOW


def test_mixed_labels() -> None:
    assert RULES.evaluate(HOME, [SafetyLabel.GORE, SafetyLabel.SPAM]) == Visibility(DROP, (SafetyLabel.SPAM,))
    assert RULES.evaluate(HOME, [SafetyLabel.NSFW, SafetyLabel.GORE, 77]) == Visibility(
        INTERSTITIAL, (SafetyLabel.GORE, SafetyLabel.NSFW)
    )
    assert RULES.evaluate(RECS, []) == Visibility()


@given(st.sampled_from(list(SafetyLevel)), st.lists(st.integers(0, 8), max_size=6))
def test_most_severe_wins(level: SafetyLevel, labels: list[int]) -> None:
    result = RULES.evaluate(level, labels)
    actions = [RULES.action_of(level, label) for label in labels]
    assert result.action == max(actions, default=ALLOW)
    assert set(result.labels) == {
        SafetyLabel(lb) for lb, a in zip(labels, actions, strict=True) if a == result.action != ALLOW
    }
    assert list(result.labels) == sorted(result.labels)
