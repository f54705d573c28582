"""Estimates with 95% intervals: bootstrap of a median, and ratios from paired rounds.

Raw samples are always kept by the result objects; everything here is computed from them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .units import format_value

CONFIDENCE = 0.95
N_BOOTSTRAP = 2000
# Trim this share from each end of the paired log-ratios: on a busy machine a third or
# more of the rounds can be disturbed, and not always both kernels alike; the middle 30%
# is nearly as robust as the median and smoother for the bootstrap.
TRIM = 0.35
# Two runs of identical code differ by about 1% on a real machine (code and data layout,
# caches, frequency), a difference no number of rounds within one run can see. The ratio's
# interval carries that floor, added in quadrature to the statistical half-width.
SYSTEMATIC = 0.01


@dataclass(frozen=True)
class Estimate:
    """A measured value with its 95% interval [low, high] and a unit ("s", "B", "x", ...)."""

    value: float
    low: float
    high: float
    unit: str = "s"

    @property
    def relative_half_width(self) -> float:
        """Half the interval's width relative to the value (0.02 means +-2%)."""
        if self.value == 0:
            return math.inf if self.high != self.low else 0.0
        return (self.high - self.low) / 2 / abs(self.value)

    def contains(self, x: float) -> bool:
        return self.low <= x <= self.high

    def __str__(self) -> str:
        return (
            f"{format_value(self.value, self.unit)} "
            f"(95%: {format_value(self.low, self.unit)} - {format_value(self.high, self.unit)})"
        )

    def __repr__(self) -> str:
        return f"Estimate({self})"

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high, "unit": self.unit}


def import_lazy_parts() -> None:
    """Import what numpy imports on its first median (numpy.ma) and first bootstrap (numpy.random,
    hashlib): ~30 ms, once per process. A measurement calls this before its first sample, so that
    it does not happen at the first look, between two rounds: there, the first measurement of a
    process needed 95-104 rounds at the median on time_to_verdict.py's kernels, against 63-70
    with these imported first (two batches of 20-30 processes, 2 cores at load ~3)."""
    import numpy.ma  # noqa: F401
    import numpy.random  # noqa: F401


def _rng(seed: int | None) -> np.random.Generator:
    return np.random.default_rng(seed)


def block_indices(n: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Resampled indices for a moving-block bootstrap of `n` samples taken in time order.

    Blocks of about n**(1/3) consecutive rounds keep the correlation between neighbouring
    rounds (a burst of load on a shared machine lasts several rounds), so the interval is
    not narrower than the data allow. With fewer than 8 samples, blocks of one.
    """
    length = max(1, round(n ** (1 / 3))) if n >= 8 else 1
    blocks = -(-n // length)
    starts = rng.integers(0, n - length + 1, size=(n_boot, blocks))
    return (starts[:, :, None] + np.arange(length)).reshape(n_boot, -1)[:, :n]


def bootstrap(
    samples: np.ndarray,
    statistic: Callable[[np.ndarray], np.ndarray],
    n_boot: int = N_BOOTSTRAP,
    seed: int | None = 0,
) -> tuple[float, float, float]:
    """Point value and percentile 95% interval of `statistic` over resampled `samples`.

    `samples` are in the order they were taken (see `block_indices`). `statistic` takes a
    2-D array (one resample per row) and returns one value per row.
    """
    samples = np.asarray(samples, dtype=float)
    if samples.ndim != 1 or samples.size == 0:
        raise ValueError(f"samples must be a non-empty 1-D array, got shape {samples.shape}")
    point = float(statistic(samples[None, :])[0])
    if samples.size == 1:
        return point, point, point
    stats = statistic(samples[block_indices(samples.size, n_boot, _rng(seed))])
    alpha = (1 - CONFIDENCE) / 2
    low, high = np.quantile(stats, [alpha, 1 - alpha])
    return point, float(low), float(high)


def _median_rows(x: np.ndarray) -> np.ndarray:
    return np.median(x, axis=1)


def _trimmed_count(n: int, trim: float = TRIM) -> int:
    """How many values to trim from each end: none from fewer than 5, so a few slow rounds
    still give an interval with n - 1 degrees of freedom rather than one."""
    return int(n * trim) if n >= 5 else 0


def _trimmed_mean_rows(x: np.ndarray, trim: float = TRIM) -> np.ndarray:
    n = x.shape[1]
    k = _trimmed_count(n, trim)
    if k == 0 or n - 2 * k < 1:
        return x.mean(axis=1)
    return np.sort(x, axis=1)[:, k : n - k].mean(axis=1)


def median_estimate(samples: np.ndarray, unit: str = "s", seed: int | None = 0,
                    n_boot: int = N_BOOTSTRAP) -> Estimate:
    """Median of `samples` with a bootstrap 95% interval (from `n_boot` resamples)."""
    value, low, high = bootstrap(np.asarray(samples, dtype=float), _median_rows, n_boot, seed)
    return Estimate(value, low, high, unit)


def paired_ratio(
    numerator: np.ndarray, denominator: np.ndarray, seed: int | None = 0,
    n_boot: int = N_BOOTSTRAP,
) -> Estimate:
    """Ratio numerator/denominator from samples taken in the same rounds.

    Each round gives one log-ratio; drift that slows a whole round cancels out. The
    estimate is exp(35%-trimmed mean of the log-ratios). Its 95% interval is the trimmed
    mean +- t x standard error, with the larger of two standard errors: Yuen's (winsorized
    variance; right for independent rounds, even few) and a moving-block bootstrap's (right
    when bursts of load make neighbouring rounds alike); t has Yuen's h - 1 degrees of freedom.
    A floor of SYSTEMATIC (1%) is added in quadrature: the run-to-run difference of identical code.
    With `n_boot=0` the bootstrap is skipped: an interval from Yuen's error alone, never wider
    than the full one (a quick test that the full one cannot be narrow either).
    """
    a = np.asarray(numerator, dtype=float)
    b = np.asarray(denominator, dtype=float)
    if a.shape != b.shape or a.ndim != 1 or a.size == 0:
        raise ValueError(
            f"paired samples must be 1-D arrays of one length, got {a.shape} and {b.shape}"
        )
    if np.any(a <= 0) or np.any(b <= 0):
        raise ValueError("ratios need positive samples; a kernel measured at or below zero "
                         "is too fast to resolve against the loop overhead")
    log_ratios = np.log(a) - np.log(b)
    point = float(_trimmed_mean_rows(log_ratios[None, :])[0])
    n = log_ratios.size
    if n < 2:
        return Estimate(math.exp(point), math.exp(point - SYSTEMATIC), math.exp(point + SYSTEMATIC), "x")
    yuen_se, kept = _yuen_standard_error(log_ratios)
    boot_se = 0.0
    if n_boot > 0:
        boot_se = float(_trimmed_mean_rows(log_ratios[block_indices(n, n_boot, _rng(seed))]).std(ddof=1))
    statistical = t_quantile(0.975, max(kept - 1, 1)) * max(yuen_se, boot_se)
    half = math.hypot(statistical, SYSTEMATIC)
    return Estimate(math.exp(point), math.exp(point - half), math.exp(point + half), "x")


def drift(samples: np.ndarray, parts: int = 4) -> float:
    """How far the median moved within one run: half the range of the medians of its `parts`
    consecutive stretches (samples in the order taken), relative to the median of all.

    0.03 means the stretches' medians spread +-3%. A median's 95% interval is this run's: it
    says where the median of these samples lies, not where another run's will; the drift shows
    what the machine's slow periods did during the run, a first sign of the spread from run to
    run (which is larger still: a slow period can cover a whole run). NaN with fewer than
    2 x `parts` samples.
    """
    x = np.asarray(samples, dtype=float)
    if x.size < 2 * parts:
        return math.nan
    medians = [float(np.median(part)) for part in np.array_split(x, parts)]
    middle = float(np.median(x))
    return (max(medians) - min(medians)) / 2 / middle if middle > 0 else math.nan


def _yuen_standard_error(x: np.ndarray, trim: float = TRIM) -> tuple[float, int]:
    """Standard error of the trimmed mean from the winsorized variance, and how many values it keeps."""
    n = x.size
    k = _trimmed_count(n, trim)
    ordered = np.sort(x)
    winsorized = np.clip(x, ordered[k], ordered[n - k - 1])
    kept = n - 2 * k
    return float(np.sqrt(np.var(winsorized, ddof=1)) / ((1 - 2 * k / n) * np.sqrt(n))), kept


# two-sided 95% quantiles of Student's t for 1..30 degrees of freedom (no scipy needed)
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
         2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
         2.060, 2.056, 2.052, 2.048, 2.045, 2.042)


def t_quantile(p: float, dof: int) -> float:
    """The 97.5% quantile of Student's t with `dof` degrees of freedom (p must be 0.975)."""
    if abs(p - 0.975) > 1e-9:
        raise ValueError("only the 97.5% quantile is tabulated")
    return _T975[dof - 1] if dof <= len(_T975) else 1.96


def slope_estimate(
    x: np.ndarray, samples_per_x: list[np.ndarray], seed: int | None = 0,
    n_boot: int = 1000,
) -> Estimate:
    """Log-log slope of median(samples) against x, with a bootstrap over each x's samples."""
    logx = np.log(np.asarray(x, dtype=float))
    if logx.size < 2:
        raise ValueError("a slope needs at least two sizes")
    medians = np.array([np.median(s) for s in samples_per_x])
    point = float(np.polyfit(logx, np.log(medians), 1)[0])
    rng = _rng(seed)
    boot = np.empty((n_boot, logx.size))
    for j, s in enumerate(samples_per_x):
        s = np.asarray(s, dtype=float)
        idx = rng.integers(0, s.size, size=(n_boot, s.size))
        boot[:, j] = np.median(s[idx], axis=1)
    slopes = np.polyfit(logx, np.log(boot).T, 1)[0]
    alpha = (1 - CONFIDENCE) / 2
    low, high = np.quantile(slopes, [alpha, 1 - alpha])
    if logx.size > 2:
        # a curve is not a line: widen by the fit's own 95% interval (t, n-2 degrees of
        # freedom), so call overhead that flattens small sizes shows as uncertainty
        residuals = np.log(medians) - np.polyval(np.polyfit(logx, np.log(medians), 1), logx)
        se = math.sqrt(residuals @ residuals / (logx.size - 2) / np.sum((logx - logx.mean()) ** 2))
        half = t_quantile(1 - alpha, logx.size - 2) * se
        low, high = min(low, point - half), max(high, point + half)
    return Estimate(point, float(low), float(high), "")
