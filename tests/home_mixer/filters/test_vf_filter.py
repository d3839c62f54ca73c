"""VFFilter: DROP always removed; UNAVAILABLE and unchecked removed only when failing closed."""

from foryou.home_mixer.candidate import PostCandidate, Visibility, VisibilityAction
from foryou.home_mixer.filters import VFFilter
from foryou.params import Params

from ..builders import ids, post, query, removed_ids


def _cands() -> list[PostCandidate]:
    return [
        post(1, visibility=Visibility(VisibilityAction.ALLOW), visibility_checked=True),
        post(2, visibility=Visibility(VisibilityAction.DROP, ("SPAM", "DELETED")), visibility_checked=True),
        post(3, visibility=Visibility(VisibilityAction.INTERSTITIAL, ("NSFW",)), visibility_checked=True),
        post(4, visibility=Visibility(VisibilityAction.UNAVAILABLE), visibility_checked=True),
        post(5),  # the hydrator never completed
    ]


def test_fail_closed_is_the_default() -> None:
    result = VFFilter.from_params(Params()).filter(query(), _cands())
    assert ids(result.kept) == [1, 3]
    assert result.kept[1].visibility == Visibility(VisibilityAction.INTERSTITIAL, ("NSFW",))
    assert removed_ids(result) == [(2, "vf_drop:SPAM,DELETED"), (4, "vf_unavailable"), (5, "vf_unchecked")]


def test_fail_open_keeps_unknown_visibility() -> None:
    result = VFFilter(fail_closed=False).filter(query(), _cands())
    assert ids(result.kept) == [1, 3, 4, 5]
    assert removed_ids(result) == [(2, "vf_drop:SPAM,DELETED")]


def test_in_network_candidates_survive_a_safety_label_outage_unless_configured() -> None:
    from foryou.home_mixer.candidate import Visibility, VisibilityAction
    from foryou.home_mixer.filters import VFFilter

    unavailable = Visibility(VisibilityAction.UNAVAILABLE)
    cands = [
        post(1, in_network=True, visibility=unavailable, visibility_checked=True),
        post(2, in_network=False, visibility=unavailable, visibility_checked=True),
        post(3, in_network=True),
    ]
    kept = VFFilter(fail_closed=True).filter(query(), cands).kept
    assert ids(kept) == [1, 3]
    strict = VFFilter(fail_closed=True, fail_closed_in_network=True).filter(query(), cands).kept
    assert ids(strict) == []
