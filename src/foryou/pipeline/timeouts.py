"""Per-stage default timeouts and per-component overrides (SPEC §2.4, `timeouts.*` parameters)."""

from __future__ import annotations

from dataclasses import dataclass, field

from foryou.params import STAGES, Params

_COMPONENT_PREFIX = "timeouts.component."


@dataclass(frozen=True)
class Timeouts:
    stage_ms: dict[str, int]
    component_ms: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params: Params) -> Timeouts:
        stage = {s: params.get_int(f"timeouts.{s}_ms") for s in STAGES}
        comp = {
            name[len(_COMPONENT_PREFIX) :]: params.get_int(name)
            for name in params.as_dict()
            if name.startswith(_COMPONENT_PREFIX)
        }
        return cls(stage, comp)

    @classmethod
    def uniform(cls, ms: int) -> Timeouts:
        return cls({s: ms for s in STAGES})

    def for_component(self, stage: str, name: str, own_ms: int | None) -> float:
        """Seconds: a parameter override wins over the component's own value, then the stage default."""
        ms = self.component_ms.get(name, own_ms if own_ms is not None else self.stage_ms[stage])
        return ms / 1000.0
