"""UAS aggregation (SPEC §3.4): the worked example, edge rules, and agreement with a naive reference."""

from hypothesis import given, settings
from hypothesis import strategies as st

from foryou.core import Action, EventAction, ProductSurface, make_snowflake
from foryou.events import RawAction, UasAggregator, UasConfig, aggregate, engagement, post_created, raw_actions
from foryou.params import Params

CFG = UasConfig(window_ms=300_000, dwell_threshold_ms=2000, max_sequence_length=1024)
A, B, C = 101, 202, 303


def test_spec_worked_example() -> None:
    raw = [
        RawAction(A, 1, EventAction.IMPRESSION, 1, impression_time_ms=0, dwell_ms=500, event_id="1"),
        RawAction(A, 1, EventAction.FAVORITE, 1, engaged_time_ms=10_000, event_id="2"),
        RawAction(B, 2, EventAction.IMPRESSION, 2, impression_time_ms=20_000, dwell_ms=2500, event_id="3"),
        RawAction(A, 1, EventAction.REPLY, 3, engaged_time_ms=400_000, event_id="4"),
        RawAction(C, 3, EventAction.IMPRESSION, 1, impression_time_ms=500_000, dwell_ms=100, event_id="5"),
    ]
    uas = aggregate(9, reversed(raw), config=CFG, now_ms=600_000)
    got = [(a.post_id, a.action_list()) for a in uas.actions]
    assert got == [(A, [Action.FAVORITE]), (B, [Action.DWELL]), (A, [Action.REPLY])]
    first = uas.actions[0]
    assert (first.start_ms, first.end_ms, first.dwell_ms, first.product_surface) == (0, 10_000, 500, 1)
    assert uas.actions[1].product_surface == 2
    assert uas.metadata.length == 3
    assert (uas.metadata.first_ms, uas.metadata.last_ms, uas.metadata.aggregation_time_ms) == (0, 400_000, 600_000)
    assert uas.metadata.provider == "foryou-default-v1"


def test_empty_and_unknown_actions_give_an_empty_sequence() -> None:
    raw = [RawAction(0, 1, EventAction.FAVORITE, engaged_time_ms=5), RawAction(A, 1, 0, engaged_time_ms=5)]
    uas = aggregate(1, raw, config=CFG)
    assert uas.actions == () and uas.metadata.length == 0


def test_keeps_the_last_n_and_bit_18_is_never_set() -> None:
    cfg = UasConfig(window_ms=0, dwell_threshold_ms=2000, max_sequence_length=2)
    raw = [RawAction(10 + i, 1, EventAction.CLICK, engaged_time_ms=i * 10, dwell_ms=10_000) for i in range(5)]
    uas = aggregate(1, raw, config=cfg)
    assert [a.post_id for a in uas.actions] == [13, 14]
    assert all(not a.has(Action.DWELL_TIME) and a.has(Action.DWELL) for a in uas.actions)


def test_config_from_params() -> None:
    assert UasConfig.from_params(Params()) == CFG


def test_events_feed_the_aggregation() -> None:
    t0 = 1_768_910_400_000
    target = make_snowflake(t0)
    reply = post_created(
        post_id=make_snowflake(t0 + 1000), author_id=5, in_reply_to_post_id=target, in_reply_to_user_id=7
    )
    fav = engagement(
        user_id=5,
        post_id=target,
        author_id=7,
        action=EventAction.FAVORITE,
        product_surface=ProductSurface.HOME_FOR_YOU,
        engaged_time_ms=t0 + 500,
    )
    raws = []
    for event in (reply, fav):
        user, acts = raw_actions(event)
        assert user == 5
        raws += acts
    uas = aggregate(5, raws, config=CFG)
    assert len(uas.actions) == 1
    assert uas.actions[0].action_list() == [Action.FAVORITE, Action.REPLY]
    assert uas.actions[0].product_surface == ProductSurface.HOME_FOR_YOU


def _reference(raws: list[RawAction], cfg: UasConfig) -> list[tuple[int, int, int, int, int, int, int]]:
    """Straight from the SPEC text, no incremental state."""
    acts = sorted((r for r in raws if r.post_id and 1 <= r.action <= 19), key=lambda r: (r.time_ms, r.event_id))
    groups: list[list[int]] = []
    open_by_post: dict[int, list[int]] = {}
    for r in acts:
        bits = (1 << (r.action - 1)) if r.action <= 18 else 0
        if r.dwell_ms >= cfg.dwell_threshold_ms and r.dwell_ms > 0:
            bits |= 1 << 10
        g = open_by_post.get(r.post_id)
        if g is not None and r.time_ms - g[4] <= cfg.window_ms:
            g[2] |= bits
            g[5] = max(g[5], r.time_ms)
            g[6] += r.dwell_ms
        else:
            g = [r.post_id, r.author_id, bits, r.product_surface, r.time_ms, r.time_ms, r.dwell_ms]
            open_by_post[r.post_id] = g
            groups.append(g)
    dense = sorted((g for g in groups if g[2]), key=lambda g: (g[4], g[0]))
    return [tuple(g) for g in dense[-cfg.max_sequence_length :]]  # type: ignore[misc]


_raw = st.builds(
    RawAction,
    post_id=st.integers(0, 6),
    author_id=st.integers(1, 3),
    action=st.integers(0, 20),
    product_surface=st.integers(0, 15),
    engaged_time_ms=st.integers(0, 20_000),
    dwell_ms=st.integers(0, 3000),
    event_id=st.text("abc", max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_raw, max_size=150), st.integers(0, 700), st.integers(1, 6))
def test_matches_reference_and_incremental_prefixes(raws: list[RawAction], window: int, max_len: int) -> None:
    cfg = UasConfig(window_ms=window, dwell_threshold_ms=2000, max_sequence_length=max_len)
    got = [
        (a.post_id, a.author_id, a.bits, a.product_surface, a.start_ms, a.end_ms, a.dwell_ms)
        for a in aggregate(1, raws, config=cfg).actions
    ]
    assert got == _reference(raws, cfg)
    # Incremental reads after every prefix equal a fresh aggregation of that prefix (compaction included).
    ordered = sorted((r for r in raws if r.post_id and 1 <= r.action <= 19), key=RawAction.sort_key)
    agg = UasAggregator(cfg)
    for i, r in enumerate(ordered):
        agg.add(r)
        assert agg.actions() == list(aggregate(1, ordered[: i + 1], config=cfg).actions)


def test_long_histories_compact_without_changing_the_result() -> None:
    import random

    rnd = random.Random(5)
    raws = [
        RawAction(rnd.randint(1, 40), 1, rnd.choice([1, 5, 19]), engaged_time_ms=i * 37, dwell_ms=rnd.choice([0, 3000]))
        for i in range(3000)
    ]
    for max_len in (1, 3, 50):
        cfg = UasConfig(window_ms=500, dwell_threshold_ms=2000, max_sequence_length=max_len)
        agg = UasAggregator(cfg)
        for r in raws:
            agg.add(r)
        assert len(agg._groups) < 4 * max_len + 80  # compaction ran
        got = [
            (a.post_id, a.author_id, a.bits, a.product_surface, a.start_ms, a.end_ms, a.dwell_ms) for a in agg.actions()
        ]
        assert got == _reference(raws, cfg)
