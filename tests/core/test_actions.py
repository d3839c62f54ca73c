"""Action and event-action numbering (SPEC §5.1)."""

from foryou.core import ACTION_NAMES, NUM_ACTIONS, Action, EventAction


def test_head_order_and_names() -> None:
    assert NUM_ACTIONS == 19
    assert ACTION_NAMES[0] == "favorite"
    assert ACTION_NAMES[10] == "dwell"
    assert ACTION_NAMES[17] == "report"
    assert ACTION_NAMES[18] == "dwell_time"


def test_event_action_maps_to_head() -> None:
    assert EventAction.FAVORITE.to_action() is Action.FAVORITE
    assert EventAction.REPORT.to_action() is Action.REPORT
    assert EventAction.IMPRESSION.to_action() is None
    assert EventAction.UNSPECIFIED.to_action() is None
    for action in list(Action)[:18]:
        assert EventAction(int(action) + 1).to_action() is action
