"""memory_sweep(): peak memory of kernels at several input sizes, and how it grows with n.

A MemorySweep is to compare_memory() what a Sweep is to compare(): one MemoryComparison
per input size, so "flat" and "linear" can be told apart on a chart and by a slope.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .checks import check_callable
from .kernels import as_kernels, run_setup
from .memory import MemoryComparison, compare_memory, heap_frozen
from .stats import Estimate
from .sweep import BySize, check_sizes
from .units import format_bytes
from .verdict import Verdict
from .results import draw, known


class MemorySweep(BySize):
    """One MemoryComparison (tracemalloc peak and retained bytes) per input size n."""

    comparisons: dict[int, MemoryComparison]
    title = "MemorySweep (tracemalloc peak bytes per call)"
    item = MemoryComparison

    @property
    def peak(self) -> dict[str, list[Estimate]]:
        """name -> one Estimate of peak bytes for each n (median of the repeats, range as interval)."""
        return {name: [c.peak[name] for c in self.comparisons.values()] for name in self.names}

    def ratio(self, numerator: str, denominator: str) -> list[Estimate]:
        """peak(numerator) / peak(denominator) at each n."""
        known(numerator, self.names, argument="numerator")
        known(denominator, self.names, argument="denominator")
        return [c.ratio(numerator, denominator) for c in self.comparisons.values()]

    def exponent(self, name: str) -> Estimate:
        """Slope of log(peak bytes) against log(n): about 0 is flat, about 1 is linear.

        The value fits the medians; the interval spans the slopes fitted to each repeat alone.
        """
        known(name, self.names)
        if len(self.n) < 2:
            raise ValueError("an exponent needs at least two sizes in n")
        logn = np.log(np.array(self.n, dtype=float))

        def slope(peaks: Sequence[float]) -> float:
            return float(np.polyfit(logn, np.log(np.maximum(np.asarray(peaks, dtype=float), 1.0)), 1)[0])

        value = slope([e.value for e in self.peak[name]])
        repeats = zip(*([u.peak_bytes for u in c.uses[name]] for c in self.comparisons.values()))
        per_repeat = [slope(r) for r in repeats]
        return Estimate(value, min(per_repeat + [value]), max(per_repeat + [value]), "")

    def verdict(self, name: str, smaller_than: str, by: float | None = None, *, n: int,
                claim: Any = None) -> Verdict:
        """Judge "`name` peaks at least `by` times lower than `smaller_than`" at size n.

        `claim` (an id of `pk.claims`, or a Claim) is carried by the verdict and gives the
        factor when `by` is left out; with neither, the factor is 1.
        """
        return self[n].verdict(name, smaller_than=smaller_than, by=by, claim=claim).at(f"n = {n:,}")

    def _table(self) -> tuple[list[str], list[list[str]]]:
        headers = ["n", *self.names]
        rows = [[f"{n:,}", *(format_bytes(c.peak[k].value) for k in self.names)]
                for n, c in self.comparisons.items()]
        if len(self.n) >= 2:
            rows.append(["log-log slope", *(f"{self.exponent(k).value + 0.0:.2f}".replace("-0.00", "0.00")
                                             for k in self.names)])
        return headers, rows

    def _repr_html_(self) -> str:
        from .tables import table

        headers, rows = self._table()
        return table(headers, rows, caption="Peak memory per call (tracemalloc)",
                     notes=["median of repeated calls at each n; slope 0 is flat, 1 is linear in n"])

    def plot(self, ax: Any = None) -> Any:
        """Peak bytes against n on log-log axes, one line per kernel; returns the Axes."""
        return draw(self, ax)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(),
                "exponent": {k: self.exponent(k).to_dict() for k in self.names} if len(self.n) >= 2 else {}}


def memory_sweep(
    kernels: Mapping[str, Callable[..., Any]],
    setup: Callable[[int], Any] | None = None,
    n: Sequence[int] = (10, 100, 1_000, 10_000),
    check: bool = True,
    equal: Callable[[Any, Any], bool] | None = None,
) -> MemorySweep:
    """Peak memory of each kernel at every size in `n` (compare_memory per size).

    Args:
        kernels: name -> callable, each called with the value `setup(n)` returns.
        setup: makes the input of size n; its own allocations are not counted. Without it,
            kernels get n itself.
        n: the sizes, integers >= 1.
        check: raise KernelMismatchError if the kernels' results differ at any size.
        equal: `equal(a, b) -> bool` decides whether two results agree, as in compare().

    Returns:
        A MemorySweep: `.peak`, `.ratio()`, `.exponent()`, `.verdict(..., n=)`, `.plot()`.
    """
    fns = as_kernels(kernels)
    sizes = check_sizes(n)
    check_callable(setup, "setup", or_none=True)
    comparisons = {}
    with heap_frozen():  # one full garbage collection for the sweep, not one per size
        for size in sizes:
            value = run_setup(setup, size) if setup is not None else size
            comparisons[size] = compare_memory(fns, setup=lambda value=value: value, check=check, equal=equal)
    return MemorySweep(comparisons)
