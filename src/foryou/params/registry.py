"""The parameter registry: SPEC defaults < config files (TOML or YAML) < `FORYOU_*` environment.

`load_params` is called once at start-up and the resulting immutable `Params` is passed down through
constructors; nothing else reads the environment. Any unknown name, wrong type or out-of-range value
raises `ConfigError` naming the parameter; nothing is clamped.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from foryou.core.errors import ConfigError
from foryou.params.definitions import PARAMETERS
from foryou.params.spec import ParamSpec, ParamValue

# Environment variables with the FORYOU_ prefix that are not parameters.
RESERVED_ENV = frozenset({"FORYOU_CONFIG", "FORYOU_HOME", "FORYOU_ADMIN_TOKEN", "FORYOU_LOG_LEVEL"})

_SPECS: dict[str, ParamSpec] = {s.name: s for s in PARAMETERS}
_BY_ENV: dict[str, ParamSpec] = {s.env_var: s for s in PARAMETERS}


def spec_of(name: str) -> ParamSpec:
    try:
        return _SPECS[name]
    except KeyError:
        raise ConfigError(f"unknown parameter {name!r}") from None


def all_specs() -> tuple[ParamSpec, ...]:
    return PARAMETERS


class Params:
    """An immutable, validated set of parameter values."""

    __slots__ = ("_hash", "_values")

    def __init__(self, values: Mapping[str, ParamValue] | None = None) -> None:
        merged: dict[str, ParamValue] = {s.name: s.default for s in PARAMETERS}
        for name, value in (values or {}).items():
            merged[name] = _validate(spec_of(name), value)
        _check_cross_constraints(merged)
        self._values = merged
        blob = json.dumps(merged, sort_keys=True, default=list).encode()
        self._hash = hashlib.sha256(blob).hexdigest()[:16]

    # Typed getters: a wrong-kind lookup is a programming error, reported with the name.
    def get_bool(self, name: str) -> bool:
        value: bool = _typed(name, self._values, bool)
        return value

    def get_int(self, name: str) -> int:
        value: int = _typed(name, self._values, int)
        return value

    def get_float(self, name: str) -> float:
        value = self._values.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"parameter {name!r} is not a float (or is unknown)")
        return float(value)

    def get_str(self, name: str) -> str:
        value: str = _typed(name, self._values, str)
        return value

    def get_str_list(self, name: str) -> tuple[str, ...]:
        value: tuple[str, ...] = _typed(name, self._values, tuple)
        return value

    def get(self, name: str) -> ParamValue:
        spec_of(name)
        return self._values[name]

    def with_overrides(self, overrides: Mapping[str, Any]) -> Params:
        """A new validated `Params` with `overrides` applied (e.g. one request's weights)."""
        values = dict(self._values)
        for name, raw in overrides.items():
            values[name] = _validate(spec_of(name), raw)
        return Params(values)

    def changed(self) -> dict[str, ParamValue]:
        """The values that differ from the SPEC defaults."""
        return {n: v for n, v in self._values.items() if v != _SPECS[n].default}

    def as_dict(self) -> dict[str, ParamValue]:
        return dict(self._values)

    @property
    def config_hash(self) -> str:
        """Stable short hash of every value; goes into traces and run outputs."""
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Params) and other._values == self._values

    def __hash__(self) -> int:
        return hash(self._hash)

    def __repr__(self) -> str:
        return f"Params(hash={self._hash}, changed={self.changed()})"


def load_params(
    files: Iterable[str | Path] = (),
    env: Mapping[str, str] | None = None,
) -> Params:
    """Defaults, then each file in order, then `env` (pass `os.environ` explicitly)."""
    values: dict[str, ParamValue] = {}
    for path in files:
        for name, raw in _read_file(Path(path)).items():
            values[name] = _validate(spec_of(name), raw, source=str(path))
    for key, raw_text in sorted((env or {}).items()):
        if not key.startswith("FORYOU_") or key in RESERVED_ENV:
            continue
        spec = _BY_ENV.get(key.upper())
        if spec is None:
            raise ConfigError(f"unknown parameter in environment variable {key}")
        values[spec.name] = _validate(spec, _parse_env(spec, raw_text), source=key)
    return Params(values)


def _read_file(path: Path) -> dict[str, Any]:
    if path.suffix not in (".toml", ".yaml", ".yml"):
        raise ConfigError(f"config file {path} must end in .toml, .yaml or .yml")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc
    try:
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        else:
            data = yaml.safe_load(text) or {}
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"config file {path} is malformed: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a table of parameters")
    return _flatten(data, "", path)


def _flatten(node: Mapping[str, Any], prefix: str, path: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and name not in _SPECS:
            out.update(_flatten(value, name + ".", path))
        else:
            if name not in _SPECS:
                raise ConfigError(f"unknown parameter {name!r} in {path}")
            out[name] = value
    return out


def parse_text(name: str, text: str, *, source: str = "command line") -> ParamValue:
    """One parameter's value from text, as an environment variable would give it, validated."""
    spec = spec_of(name)
    return _validate(spec, _parse_env(spec, text, source=source), source=source)


def _parse_env(spec: ParamSpec, text: str, *, source: str | None = None) -> Any:
    stripped = text.strip()
    try:
        if spec.kind == "bool":
            lowered = stripped.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError(text)
        if spec.kind == "int":
            return int(stripped)
        if spec.kind == "float":
            return float(stripped)
        if spec.kind == "str_list":
            return tuple(part.strip() for part in stripped.split(",") if part.strip())
        return stripped
    except ValueError:
        raise ConfigError(f"parameter {spec.name} ({source or spec.env_var}): {text!r} is not a {spec.kind}") from None


def _validate(spec: ParamSpec, value: Any, *, source: str = "override") -> ParamValue:
    where = f"parameter {spec.name} (from {source})"
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected a bool, got {value!r}")
        return value
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        _check_range(spec, value, where)
        return value
    if spec.kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ConfigError(f"{where}: expected a finite number, got {value!r}")
        _check_range(spec, float(value), where)
        return float(value)
    if spec.kind == "str":
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        _check_choice(spec, value, where)
        return value
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
    for item in value:
        _check_choice(spec, item, where)
    return tuple(value)


def _check_range(spec: ParamSpec, value: float, where: str) -> None:
    if (spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max):
        raise ConfigError(f"{where}: {value!r} outside [{spec.min}, {spec.max}]")


def _check_choice(spec: ParamSpec, value: str, where: str) -> None:
    if spec.choices is not None and value not in spec.choices:
        raise ConfigError(f"{where}: {value!r} not one of {', '.join(spec.choices)}")


def _check_cross_constraints(values: Mapping[str, ParamValue]) -> None:
    q, kv, key = values["phoenix.num_q_heads"], values["phoenix.num_kv_heads"], values["phoenix.key_size"]
    assert isinstance(q, int) and isinstance(kv, int) and isinstance(key, int)
    if q % kv != 0:
        raise ConfigError(f"parameter phoenix.num_kv_heads: {kv} does not divide phoenix.num_q_heads={q}")
    if key % 2 != 0:
        raise ConfigError(f"parameter phoenix.key_size: {key} must be even (RoPE rotates halves)")


def _typed(name: str, values: Mapping[str, ParamValue], kind: type) -> Any:
    value = values.get(name)
    if value is None or type(value) is not kind:
        raise ConfigError(f"parameter {name!r} is not a {kind.__name__} (or is unknown)")
    return value
