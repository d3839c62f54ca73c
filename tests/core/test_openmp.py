import subprocess
import sys

from foryou.core.openmp import SPIN_ENV, set_default_spin


def test_default_spin_is_set_when_the_caller_chose_nothing() -> None:
    env: dict[str, str] = {}
    set_default_spin(env)
    assert env == SPIN_ENV


def test_a_chosen_wait_policy_or_spin_count_wins() -> None:
    env = {"OMP_WAIT_POLICY": "PASSIVE"}
    set_default_spin(env)
    assert env == {"OMP_WAIT_POLICY": "PASSIVE"}
    env = {"GOMP_SPINCOUNT": "0"}
    set_default_spin(env)
    assert env == {"GOMP_SPINCOUNT": "0"}


def test_the_foryou_command_sets_it_before_torch_loads() -> None:
    code = (
        "import os, sys\n"
        "os.environ.pop('OMP_WAIT_POLICY', None); os.environ.pop('GOMP_SPINCOUNT', None)\n"
        "import foryou.cli.main\n"
        "print(os.environ['GOMP_SPINCOUNT'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == SPIN_ENV["GOMP_SPINCOUNT"]
