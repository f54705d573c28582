"""sweep(): kernels compared at several input sizes; empirical complexity and crossovers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Mapping, Sequence

import numpy as np

from .compare import Comparison, compare_sizes
from .timing import DRIFT_NOTE, drift_cell
from .checks import check_callable, check_int
from .kernels import as_kernels, check_budget, run_setup, scaled
from .stats import Estimate, slope_estimate
from .units import format_seconds
from .verdict import Verdict
from .results import Result, draw, known

# name -> growth g(n); a fit is time = a + b * g(n), with a, b >= 0
COMPLEXITY_CLASSES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "O(1)": lambda n: np.zeros_like(n),
    "O(log n)": np.log,
    "O(n)": lambda n: n,
    "O(n log n)": lambda n: n * np.log(n),
    "O(n^2)": lambda n: n**2,
}


def check_sizes(n: Any) -> list[int]:
    """The sizes as a sorted list of distinct ints >= 1; ValueError / TypeError otherwise."""
    if isinstance(n, (str, bytes)) or not isinstance(n, Sequence) and not hasattr(n, "__iter__"):
        raise TypeError(f"n must be a list of integer sizes, e.g. n=[10, 100, 1000], got {n!r:.60}")
    sizes = list(n)
    if not sizes:
        raise ValueError("n is empty: give at least one size, e.g. n=[10, 100, 1000]")
    return sorted({check_int(size, "each size in n", low=1) for size in sizes})


def fit_complexity(n: np.ndarray, t: np.ndarray) -> tuple[str, dict[str, float]]:
    """The simplest complexity class that fits t(n) about as well as the best one.

    Each class is fitted as t = a + b*g(n) (a, b >= 0) by least squares on relative error;
    returns the chosen class and every class's median relative error.
    """
    n = np.asarray(n, dtype=float)
    t = np.asarray(t, dtype=float)
    w = 1.0 / t
    residuals = {}
    for name, growth in COMPLEXITY_CLASSES.items():
        g = growth(n)
        fits = [(float(np.median(t)), 0.0)]  # constant only
        if np.ptp(g) > 0:
            design = np.column_stack([np.ones_like(g), g]) * w[:, None]
            (a, b), *_ = np.linalg.lstsq(design, t * w, rcond=None)
            if b > 0:
                fits.append((max(float(a), 0.0), float(b)))
            g_only = float(np.sum(w * w * g * t) / np.sum((w * g) ** 2))  # a = 0
            fits.append((0.0, max(g_only, 0.0)))
        # scored by the median relative error, so one size disturbed by a cache edge
        # does not decide the class
        residuals[name] = min(float(np.median(np.abs((a + b * g) * w - 1))) for a, b in fits)
    best = min(residuals.values())
    for name in COMPLEXITY_CLASSES:  # simplest first
        # caches make real O(n) code a little superlinear at large n: a simpler class
        # within 10 points of the best one's median error is preferred
        if residuals[name] <= best + 0.10:
            return name, residuals
    return min(residuals, key=residuals.__getitem__), residuals  # pragma: no cover


def crossing(n: Sequence[float], log_ratio: Sequence[float]) -> float | None:
    """First n where log_ratio changes sign, interpolated on log n; None if it never does."""
    for (n0, r0), (n1, r1) in zip(zip(n, log_ratio), zip(n[1:], log_ratio[1:])):
        if r0 == 0:
            return float(n0)
        if (r0 < 0) != (r1 < 0):
            frac = r0 / (r0 - r1)
            return float(math.exp(math.log(n0) + frac * (math.log(n1) - math.log(n0))))
    return None


@dataclass
class BySize(Result):
    """Results keyed by input size n: what Sweep and MemorySweep share.

    `names` are the kernels; the lookup is by size: `s[1000]` is the comparison at n=1000.
    """

    comparisons: dict[int, Any]
    title = "By size"
    item: ClassVar[Any] = None  # the class of one comparison, to load them (set by each subclass)

    @property
    def n(self) -> list[int]:
        return list(self.comparisons)

    @property
    def names(self) -> list[str]:
        return next(iter(self.comparisons.values())).names

    def __getitem__(self, n: int) -> Any:
        return self.comparisons[known(n, self.n, "size", argument="n")]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "n": self.n,
                "comparisons": {str(n): c.to_dict() for n, c in self.comparisons.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "BySize":
        return cls({int(n): cls.item.from_dict(c) for n, c in data["comparisons"].items()})

    def _table(self) -> tuple[list[str], list[list[str]]]:
        raise NotImplementedError

    def __repr__(self) -> str:
        headers, rows = self._table()
        widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
        lines = [self.title]
        lines += ["  " + "  ".join(str(c).rjust(w) for c, w in zip(r, widths)) for r in [headers, *rows]]
        return "\n".join(lines)


class Sweep(BySize):
    """One Comparison per input size n."""

    comparisons: dict[int, Comparison]
    title = "Sweep (median time per call)"
    item = Comparison

    @property
    def per_call(self) -> dict[str, list[Estimate]]:
        """name -> one Estimate of seconds per call for each n, with this run's 95% interval."""
        return {name: [c[name].per_call for c in self.comparisons.values()] for name in self.names}

    def exponent(self, name: str) -> Estimate:
        """Slope of log(time) against log(n), with a 95% bootstrap interval (1 is linear)."""
        known(name, self.names)
        return slope_estimate(np.array(self.n), [c[name].samples for c in self.comparisons.values()])

    def complexity(self, name: str) -> str:
        """The complexity class that best explains time per call against n."""
        known(name, self.names)
        if len(self.n) < 3:
            raise ValueError("complexity needs at least three sizes in n")
        medians = np.array([e.value for e in self.per_call[name]])
        return fit_complexity(np.array(self.n, dtype=float), medians)[0]

    def ratio(self, numerator: str, denominator: str) -> list[Estimate]:
        """time(numerator) / time(denominator) at each n."""
        known(numerator, self.names, argument="numerator")
        known(denominator, self.names, argument="denominator")
        return [c.ratio(numerator, denominator) for c in self.comparisons.values()]

    def crossover(self, a: str, b: str) -> float | None:
        """The n (interpolated) where a and b change places, or None if they never do."""
        return crossing(self.n, [math.log(r.value) for r in self.ratio(a, b)])

    def verdict(self, name: str, faster_than: str, by: float | None = None, *, n: int,
                claim: Any = None) -> Verdict:
        """The verdict of compare() at one size n."""
        return self[n].verdict(name, faster_than=faster_than, by=by, claim=claim).at(f"n = {n:,}")

    def _table(self) -> tuple[list[str], list[list[str]]]:
        headers = ["n", *self.names]
        rows = [[f"{n:,}", *(format_seconds(c[k].per_call.value) for k in self.names)]
                for n, c in self.comparisons.items()]
        if len(self.n) >= 3:
            rows.append(["complexity", *(self.complexity(k) for k in self.names)])
        if len(self.n) >= 2:
            rows.append(["log-log slope", *(f"{self.exponent(k).value:.2f}" for k in self.names)])
        drifts = {k: [d for c in self.comparisons.values() if not math.isnan(d := c[k].drift)]
                  for k in self.names}
        rows.append(["drift in run (largest)", *(drift_cell(max(drifts[k], default=math.nan))
                                                 for k in self.names)])
        return headers, rows

    def _repr_html_(self) -> str:
        from .tables import table

        headers, rows = self._table()
        # sizes measured in the same rounds share one elapsed time; sizes measured one after
        # another (a sweep saved by an earlier perfkit) each have their own
        times = [c.elapsed for c in self.comparisons.values()]
        elapsed = times[0] if len(set(times)) == 1 else sum(times)
        return table(headers, rows, caption="Sweep: median time per call",
                     notes=[f"{len(self.n)} sizes measured in {elapsed:.1f} s", DRIFT_NOTE])

    def plot(self, ax: Any = None, relative_to: str | None = None) -> Any:
        """Time per call against n on log-log axes, with this run's 95% bands; returns the Axes."""
        return draw(self, ax, relative_to=relative_to)


def sweep(
    kernels: Mapping[str, Callable[..., Any]],
    setup: Callable[[int], Any] | None = None,
    n: Sequence[int] = (10, 100, 1_000, 10_000),
    budget: float = 2.0,
    check: bool = True,
    disable_gc: bool = True,
    progress: bool | None = None,
    timeout: float | None = None,
    equal: Callable[[Any, Any], bool] | None = None,
) -> Sweep:
    """Compare kernels at every size in `n`: `setup(n)` makes each input.

    Args:
        kernels: name -> callable, each called with the value setup(n) returns.
        setup: makes the input of size n, outside the timing. Without it, kernels get n.
        n: the sizes, integers >= 1.
        budget: seconds of measuring in all. Every (kernel, n) cell is sampled once in every
            round, in a shuffled order, so a slow period of the machine hits all sizes alike;
            the rounds are as many as the slowest cell allows.
        check: check that the kernels agree at every size before timing anything.
        progress: show a progress bar (tqdm); None shows one only if the sweep takes a while.
        timeout: seconds one call may take; past it an async call is cancelled, a sync call
            raises once it returns (default: 10 x the whole budget, at least 2 s).
        equal: `equal(a, b) -> bool` decides whether two results agree, as in compare().
    """
    fns = as_kernels(kernels)
    sizes = check_sizes(n)
    check_callable(equal, "equal", or_none=True)
    total = check_budget(budget)
    from .sampling import call_timeout

    timeout = call_timeout(scaled(total), timeout)
    from tqdm.auto import tqdm

    bar = tqdm(total=100, desc="sweep", unit="%", leave=False,
               disable=progress is False, delay=0 if progress else 1.0)

    def on_round(spent: float) -> None:
        bar.update(round(100 * spent) - bar.n)

    try:
        # every input made first, then every (kernel, n) cell measured in the same rounds
        values = {size: run_setup(setup, size) if setup is not None else size for size in sizes}
        comparisons = compare_sizes(fns, values, total, check, disable_gc, timeout, equal, on_round)
    finally:
        bar.close()
    return Sweep(comparisons)
