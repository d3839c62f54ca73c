"""Visibility rules of SPEC §3.10: label × safety level → action, most severe wins.

Shared by every SafetyLabelStore backend, which only has to find a post's labels (and, for a repost,
its original's); the decision itself is made here from the `vf.rules.<level>.<label>` parameters.
"""

from __future__ import annotations

from collections.abc import Iterable

from foryou.params.registry import Params
from foryou.stores.models import SafetyLabel, SafetyLevel, Visibility, VisibilityAction


class VisibilityRules:
    """The configured rule table; unknown labels and levels without a rule are ALLOW."""

    def __init__(self, table: dict[tuple[SafetyLevel, SafetyLabel], VisibilityAction]) -> None:
        self._table = dict(table)

    @classmethod
    def from_params(cls, params: Params) -> VisibilityRules:
        table = {
            (level, label): VisibilityAction[params.get_str(f"vf.rules.{level.value}.{label.param_name}")]
            for level in SafetyLevel
            for label in SafetyLabel
        }
        return cls(table)

    def action_of(self, level: SafetyLevel, label: int) -> VisibilityAction:
        try:
            known = SafetyLabel(label)
        except ValueError:
            return VisibilityAction.ALLOW
        return self._table.get((level, known), VisibilityAction.ALLOW)

    def evaluate(self, level: SafetyLevel, labels: Iterable[int]) -> Visibility:
        """Most severe action over `labels`; the triggering labels are those with that action."""
        actions = {label: self.action_of(level, label) for label in set(labels)}
        worst = max(actions.values(), default=VisibilityAction.ALLOW)
        if worst == VisibilityAction.ALLOW:
            return Visibility()
        triggering = sorted(SafetyLabel(lb) for lb, act in actions.items() if act == worst)
        return Visibility(action=worst, labels=tuple(triggering))
