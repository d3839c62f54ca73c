"""The one typed, bounded parameter registry (SPEC §3.11)."""

from foryou.params.definitions import HEADS, PARAMETERS, STAGES, VF_ACTIONS, VF_LABELS, VF_LEVELS
from foryou.params.registry import RESERVED_ENV, Params, all_specs, load_params, parse_text, spec_of
from foryou.params.spec import ParamSpec, ParamValue

__all__ = [
    "HEADS",
    "PARAMETERS",
    "RESERVED_ENV",
    "STAGES",
    "VF_ACTIONS",
    "VF_LABELS",
    "VF_LEVELS",
    "ParamSpec",
    "ParamValue",
    "Params",
    "all_specs",
    "load_params",
    "parse_text",
    "spec_of",
]
