"""How long idle OpenMP threads spin before they sleep (must be set before torch loads).

libgomp's default spins about 3 ms after every parallel region, which on a small shared host takes the
core from a serving process's other threads; `OMP_WAIT_POLICY=PASSIVE` (no spin) makes every region of a
forward pass wake a sleeping partner thread, which costs more than the arithmetic of the small ops. A
spin of about 0.3 ms keeps the back-to-back ops of one forward on awake threads, even across the Python
between them, and gives the core back soon after (decisions 79 and 89).
"""

from __future__ import annotations

from collections.abc import MutableMapping

SPIN_ENV = {"GOMP_SPINCOUNT": "30000"}  # libgomp counts ~100 000 spins per ms


def set_default_spin(environ: MutableMapping[str, str]) -> None:
    """Bounded spinning unless the caller chose a wait policy or spin count."""
    if "OMP_WAIT_POLICY" in environ:
        return
    for key, value in SPIN_ENV.items():
        environ.setdefault(key, value)
