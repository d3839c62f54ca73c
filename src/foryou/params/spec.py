"""Parameter specifications: name, type, default, bounds and description of one tunable number."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ParamKind = Literal["bool", "int", "float", "str", "str_list"]
ParamValue = bool | int | float | str | tuple[str, ...]


@dataclass(frozen=True)
class ParamSpec:
    """One registered parameter. `choices` bounds `str` and each element of `str_list`."""

    name: str
    kind: ParamKind
    default: ParamValue
    description: str
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None

    @property
    def env_var(self) -> str:
        """FORYOU_ + upper-case name with `.` replaced by `__` (SPEC §3.11)."""
        return "FORYOU_" + self.name.upper().replace(".", "__")


def p_bool(name: str, default: bool, description: str) -> ParamSpec:
    return ParamSpec(name, "bool", default, description)


def p_int(name: str, default: int, lo: int, hi: int, description: str) -> ParamSpec:
    return ParamSpec(name, "int", default, description, min=lo, max=hi)


def p_float(name: str, default: float, lo: float, hi: float, description: str) -> ParamSpec:
    return ParamSpec(name, "float", default, description, min=lo, max=hi)


def p_choice(name: str, default: str, choices: tuple[str, ...], description: str) -> ParamSpec:
    return ParamSpec(name, "str", default, description, choices=choices)


def p_list(name: str, default: tuple[str, ...], choices: tuple[str, ...], description: str) -> ParamSpec:
    return ParamSpec(name, "str_list", default, description, choices=choices)
