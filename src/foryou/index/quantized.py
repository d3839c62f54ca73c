"""Int8 row codes for the exact index's bounded scan, with the error terms that keep it exact.

Each row x is stored as x̂ = s·c (c int8 in [-127, 127], s = max|x| / 127) next to its error norm
e = ‖x − x̂‖. A query q is coded the same way (q̂ = s_q·c_q), the int8 product is exact in int32, and

    |q·x − q̂·x̂| ≤ ‖q‖·e + ‖q − q̂‖·‖x̂‖        (Cauchy–Schwarz on q·(x − x̂) and (q − q̂)·x̂)

bounds how far the cheap score can be from the true one. Error norms are computed in float64 and
rounded up, so the bound holds for the float32 values actually stored.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
I8 = npt.NDArray[np.int8]

_LEVELS = 127  # symmetric: -127..127, so negation is exact and int8's -128 is never used
_ENCODE_CHUNK = 8_192  # rows per float64 temporary (8 MB at dim 128)


def _round_up(values: npt.NDArray[np.float64]) -> F32:
    """float64 → float32, never below the float64 value (the bounds must stay bounds)."""
    out = values.astype(np.float32)
    low = out.astype(np.float64) < values
    out[low] = np.nextafter(out[low], np.float32(np.inf))
    return out


def encode_rows(vecs: F32) -> tuple[I8, F32, F32, float]:
    """Codes [N, D], scales [N], error norms ‖x − x̂‖ [N] and an upper bound on max(‖x‖, ‖x̂‖)."""
    n, dim = vecs.shape
    codes = np.empty((n, dim), dtype=np.int8)
    scales = np.empty(n, dtype=np.float32)
    errs = np.empty(n, dtype=np.float32)
    norm_max = 0.0
    for start in range(0, n, _ENCODE_CHUNK):
        x = vecs[start : start + _ENCODE_CHUNK]
        end = start + len(x)
        amax = np.abs(x).max(axis=1)
        scale = np.where(amax > 0, amax, np.float32(1)) / np.float32(_LEVELS)
        # Any integer codes would do (the error is measured afterwards); float32 rounding is fine here.
        code = np.clip(np.rint(x / scale[:, None]), -_LEVELS, _LEVELS)
        diff = x.astype(np.float64) - code.astype(np.float64) * scale[:, None].astype(np.float64)  # x − x̂, exactly
        err = np.sqrt(np.einsum("ij,ij->i", diff, diff))
        norms = np.sqrt(np.einsum("ij,ij->i", x, x, dtype=np.float64))
        codes[start:end], scales[start:end], errs[start:end] = code, scale, _round_up(err)
        norm_max = max(norm_max, float((norms + err).max()) * (1 + 1e-12))  # ‖x̂‖ ≤ ‖x‖ + ‖x − x̂‖
    return codes, scales, errs, norm_max


def encode_query(q: F32) -> tuple[I8, float, float]:
    """A query's codes [D], scale s_q and error norm ‖q − q̂‖ (rounded up)."""
    x = q.astype(np.float64)
    amax = float(np.abs(x).max()) if len(x) else 0.0
    scale = float(np.float32((amax if amax > 0 else 1.0) / _LEVELS))
    code = np.clip(np.rint(x / scale), -_LEVELS, _LEVELS)
    err = float(_round_up(np.array([np.linalg.norm(x - code * scale)]))[0])
    return code.astype(np.int8), scale, err


class Int8Codes:
    """Growable int8 copy of a `VectorTable`'s rows, kept in step with it (same row numbers)."""

    def __init__(self, capacity: int, dim: int) -> None:
        self.codes: I8 = np.zeros((capacity, dim), dtype=np.int8)
        self.scales: F32 = np.ones(capacity, dtype=np.float32)
        self.errs: F32 = np.zeros(capacity, dtype=np.float32)
        # Over every row ever written: they only grow, so they stay upper bounds for the live rows.
        self.norm_max = 0.0  # max(‖x‖, ‖x̂‖)
        self.err_max = 0.0  # max ‖x − x̂‖

    def write(self, start: int, vecs: F32) -> None:
        codes, scales, errs, norm_max = encode_rows(vecs)
        end = start + len(vecs)
        self.codes[start:end], self.scales[start:end], self.errs[start:end] = codes, scales, errs
        self.norm_max = max(self.norm_max, norm_max)
        if len(errs):
            self.err_max = max(self.err_max, float(errs.max()))

    def move(self, rows: npt.NDArray[np.intp]) -> None:
        """Compaction: rows[i] moves to row i."""
        n = len(rows)
        self.codes[:n], self.scales[:n], self.errs[:n] = self.codes[rows], self.scales[rows], self.errs[rows]

    def grow(self, capacity: int, used: int) -> None:
        codes = np.zeros((capacity, self.codes.shape[1]), dtype=np.int8)
        codes[:used] = self.codes[:used]
        scales = np.ones(capacity, dtype=np.float32)
        scales[:used] = self.scales[:used]
        errs = np.zeros(capacity, dtype=np.float32)
        errs[:used] = self.errs[:used]
        self.codes, self.scales, self.errs = codes, scales, errs

    @property
    def nbytes(self) -> int:
        return int(self.codes.nbytes + self.scales.nbytes + self.errs.nbytes)
