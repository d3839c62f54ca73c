"""User action sequence (UAS) aggregation (SPEC §3.4), a pure function shared by the home mixer's
UserActionSeq hydrator and the training-example builder.

Raw actions (engagements, plus reply/repost/quote actions derived from the actor's posts) are sorted
by event time, grouped per post within `uas.window_ms` of the group's first action, OR-ed into action
bits (§5.1 head indices; bit 10 also from dwell_ms ≥ `uas.dwell_threshold_ms`; bit 18 never), filtered
to groups with a bit set, and cut to the last `uas.max_sequence_length` groups.
`UasAggregator` does the same incrementally, so the example builder can take the sequence "as of"
every impression without re-aggregating the whole history each time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from foryou.core.actions import Action, EventAction
from foryou.params import Params

PROVIDER = "foryou-default-v1"
_DWELL_BIT = 1 << int(Action.DWELL)


@dataclass(frozen=True, slots=True)
class UasConfig:
    window_ms: int = 300_000
    dwell_threshold_ms: int = 2000
    max_sequence_length: int = 1024

    @classmethod
    def from_params(cls, params: Params) -> UasConfig:
        return cls(
            window_ms=params.get_int("uas.window_ms"),
            dwell_threshold_ms=params.get_int("uas.dwell_threshold_ms"),
            max_sequence_length=params.get_int("uas.max_sequence_length"),
        )


@dataclass(frozen=True, slots=True)
class RawAction:
    """One raw action of the viewer as the UserActionStore keeps it (already re-attributed to originals)."""

    post_id: int
    author_id: int
    action: int  # EventAction value
    product_surface: int = 0
    engaged_time_ms: int = 0
    impression_time_ms: int = 0
    envelope_time_ms: int = 0
    dwell_ms: int = 0
    event_id: str = ""

    @property
    def time_ms(self) -> int:
        """Event time: engaged, else impression, else envelope time."""
        return self.engaged_time_ms or self.impression_time_ms or self.envelope_time_ms

    def sort_key(self) -> tuple[int, str]:
        return self.time_ms, self.event_id


@dataclass(frozen=True, slots=True)
class AggregatedAction:
    post_id: int
    author_id: int
    bits: int  # bit i set = Action(i) happened in this group
    product_surface: int
    start_ms: int
    end_ms: int
    dwell_ms: int

    def has(self, action: Action) -> bool:
        return bool(self.bits >> int(action) & 1)

    def action_list(self) -> list[Action]:
        return [a for a in Action if self.has(a)]


@dataclass(frozen=True, slots=True)
class UasMetadata:
    length: int
    first_ms: int
    last_ms: int
    aggregation_time_ms: int
    provider: str = PROVIDER


@dataclass(frozen=True, slots=True)
class UserActionSequence:
    user_id: int
    actions: tuple[AggregatedAction, ...]
    metadata: UasMetadata


def action_bits(raw: RawAction, dwell_threshold_ms: int) -> int:
    """The §5.1 history bits one raw action contributes (0 for a short bare impression)."""
    bits = 0
    if EventAction.FAVORITE <= raw.action <= EventAction.REPORT:
        bits |= 1 << (raw.action - 1)
    if raw.dwell_ms > 0 and raw.dwell_ms >= dwell_threshold_ms:
        bits |= _DWELL_BIT
    return bits


def is_known(raw: RawAction) -> bool:
    """Keep-original pre-filter: a non-zero post and a known, specified action type."""
    return raw.post_id != 0 and EventAction.FAVORITE <= raw.action <= EventAction.IMPRESSION


@dataclass(slots=True)
class _Group:
    post_id: int
    author_id: int
    bits: int
    product_surface: int
    start_ms: int
    end_ms: int
    dwell_ms: int

    def freeze(self) -> AggregatedAction:
        return AggregatedAction(
            self.post_id, self.author_id, self.bits, self.product_surface, self.start_ms, self.end_ms, self.dwell_ms
        )


@dataclass
class UasAggregator:
    """Incremental aggregation: feed raw actions in (time, event_id) order, read the sequence at any point."""

    config: UasConfig = field(default_factory=UasConfig)
    _groups: list[_Group] = field(default_factory=list)
    _open: dict[int, _Group] = field(default_factory=dict)

    def add(self, raw: RawAction) -> None:
        if not is_known(raw):
            return
        t = raw.time_ms
        bits = action_bits(raw, self.config.dwell_threshold_ms)
        group = self._open.get(raw.post_id)
        if group is not None and t - group.start_ms <= self.config.window_ms:
            group.bits |= bits
            group.end_ms = max(group.end_ms, t)
            group.dwell_ms += raw.dwell_ms
            if group.author_id == 0:
                group.author_id = raw.author_id
            return
        group = _Group(raw.post_id, raw.author_id, bits, raw.product_surface, t, t, raw.dwell_ms)
        self._open[raw.post_id] = group
        self._groups.append(group)
        if len(self._groups) > 4 * self.config.max_sequence_length + 64:
            self._compact(t)

    def _compact(self, now_ms: int) -> None:
        # A group can be forgotten once it is closed for good (times only grow, so no later action can
        # join it) and at least max_sequence_length dense groups follow it (it can never be output).
        keep_from = len(self._groups)
        dense = 0
        while keep_from > 0 and dense < self.config.max_sequence_length:
            keep_from -= 1
            if self._groups[keep_from].bits:
                dense += 1
        cut = 0
        while cut < keep_from and now_ms - self._groups[cut].start_ms > self.config.window_ms:
            g = self._groups[cut]
            if self._open.get(g.post_id) is g:
                del self._open[g.post_id]
            cut += 1
        del self._groups[:cut]

    def actions(self) -> list[AggregatedAction]:
        """The dense, ordered, truncated aggregated actions of everything added so far."""
        dense = [g for g in self._groups if g.bits]
        # Groups are appended in start order; equal starts are ordered by post_id.
        dense.sort(key=lambda g: (g.start_ms, g.post_id))
        return [g.freeze() for g in dense[-self.config.max_sequence_length :]]


def aggregate(
    user_id: int, raw_actions: Iterable[RawAction], *, config: UasConfig, now_ms: int = 0
) -> UserActionSequence:
    """The UAS of `user_id` from its raw actions (any order), per SPEC §3.4."""
    agg = UasAggregator(config)
    for raw in sorted((r for r in raw_actions if is_known(r)), key=RawAction.sort_key):
        agg.add(raw)
    actions = tuple(agg.actions())
    meta = UasMetadata(
        length=len(actions),
        first_ms=actions[0].start_ms if actions else 0,
        last_ms=max((a.end_ms for a in actions), default=0),
        aggregation_time_ms=now_ms,
    )
    return UserActionSequence(user_id=user_id, actions=actions, metadata=meta)
