"""The parameter registry: precedence, bounds, types, unknown names (SPEC §3.11)."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foryou.core import ConfigError
from foryou.params import PARAMETERS, Params, load_params, spec_of


def test_defaults_match_spec() -> None:
    p = Params()
    assert p.get_int("mixer.result_size") == 35
    assert p.get_int("mixer.top_k") == 50
    assert p.get_float("scoring.weight.report") == -234.0
    assert p.get_float("scoring.oon.factor") == 0.75
    assert p.get_int("timeouts.component.PhoenixScorer") == 2000
    assert p.get_str("retrieval.index") == "exact"
    assert p.get_str_list("train.retrieval.positive_actions") == ("favorite",)
    assert p.get_str("vf.rules.timeline_home.gore") == "INTERSTITIAL"


def test_every_default_is_within_its_bounds() -> None:
    for spec in PARAMETERS:
        Params({spec.name: spec.default})


def test_precedence_defaults_file_env(tmp_path: Path) -> None:
    toml = tmp_path / "a.toml"
    toml.write_text("[mixer]\nresult_size = 20\ntop_k = 60\n")
    yml = tmp_path / "b.yaml"
    yml.write_text("mixer:\n  result_size: 25\nscoring:\n  weight:\n    report: -100\n")
    env = {"FORYOU_MIXER__RESULT_SIZE": "30", "PATH": "/bin"}
    p = load_params([toml, yml], env)
    assert p.get_int("mixer.result_size") == 30
    assert p.get_int("mixer.top_k") == 60
    assert p.get_float("scoring.weight.report") == -100.0


def test_env_names_are_case_insensitive_for_component_timeouts() -> None:
    p = load_params(env={"FORYOU_TIMEOUTS__COMPONENT__PHOENIXSCORER": "500"})
    assert p.get_int("timeouts.component.PhoenixScorer") == 500


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"FORYOU_MIXER__RESULT_SIZE": "0"}, "mixer.result_size"),
        ({"FORYOU_MIXER__RESULT_SIZE": "ten"}, "mixer.result_size"),
        ({"FORYOU_NOT__A__PARAM": "1"}, "FORYOU_NOT__A__PARAM"),
        ({"FORYOU_RETRIEVAL__INDEX": "annoy"}, "retrieval.index"),
        ({"FORYOU_PHOENIX__NUM_KV_HEADS": "3"}, "phoenix.num_kv_heads"),
        ({"FORYOU_SCORING__PHOENIX__ENABLED": "maybe"}, "scoring.phoenix.enabled"),
    ],
)
def test_bad_values_stop_startup_naming_the_parameter(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle.replace(".", r"\.")):
        load_params(env=env)


def test_unknown_and_mistyped_file_entries(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[mixer]\nresult_sise = 20\n")
    with pytest.raises(ConfigError, match="mixer.result_sise"):
        load_params([bad])
    typed = tmp_path / "typed.yaml"
    typed.write_text("mixer:\n  result_size: 20.5\n")
    with pytest.raises(ConfigError, match="mixer.result_size"):
        load_params([typed])
    with pytest.raises(ConfigError, match="must end in"):
        load_params([tmp_path / "x.json"])


def test_reserved_env_is_ignored_and_overrides_validate() -> None:
    p = load_params(env={"FORYOU_HOME": "/tmp/x"})
    assert p == Params()
    q = p.with_overrides({"scoring.oon.factor": 2.0})
    assert q.get_float("scoring.oon.factor") == 2.0
    assert q.config_hash != p.config_hash
    assert q.changed() == {"scoring.oon.factor": 2.0}
    with pytest.raises(ConfigError, match=r"scoring\.oon\.factor"):
        p.with_overrides({"scoring.oon.factor": 11.0})


@given(st.sampled_from([s for s in PARAMETERS if s.kind == "int"]), st.integers(-(2**40), 2**40))
def test_int_bounds_are_enforced_exactly(spec_name: object, value: int) -> None:
    spec = spec_of(spec_name.name)  # type: ignore[attr-defined]
    assert spec.min is not None and spec.max is not None
    inside = spec.min <= value <= spec.max
    try:
        Params({spec.name: value})
        accepted = True
    except ConfigError:
        accepted = False
    if not inside:
        assert not accepted
    elif spec.name not in ("phoenix.num_kv_heads", "phoenix.key_size", "phoenix.num_q_heads"):
        assert accepted


def test_parse_text_reads_every_kind_as_the_environment_does_and_checks_bounds() -> None:
    from foryou.params import parse_text

    assert parse_text("mixer.result_size", " 20 ") == 20
    assert parse_text("scoring.oon.factor", "0.25") == 0.25
    assert parse_text("sources.thunder.enabled", "off") is False
    assert parse_text("scoring.phoenix.prefetch", "always") == "always"
    assert parse_text("train.retrieval.positive_actions", "favorite, reply") == ("favorite", "reply")
    for name, text in [("mixer.result_size", "20.5"), ("mixer.result_size", "-1"), ("scoring.phoenix.prefetch", "x")]:
        with pytest.raises(ConfigError, match=name):
            parse_text(name, text, source="a test")
    with pytest.raises(ConfigError, match="unknown parameter"):
        parse_text("no.such", "1")
