"""Break-even: after how many uses does a one-off cost (building a set) pay for itself?

Paying `build` once turns each use from `slow` into `fast`, so it pays off after
k = build / (slow - fast) uses. The interval of k takes the worst case of the three
intervals at each end, so it is at least as wide as any of them allows.
"""

from __future__ import annotations

import math
from typing import Sequence

from .stats import Estimate

UNIT = "uses"


def _check(estimate: object, argument: str) -> Estimate:
    if not isinstance(estimate, Estimate):
        raise TypeError(f"{argument} must be an Estimate (e.g. timing.per_call), got {type(estimate).__name__}")
    if estimate.unit != "s":
        raise ValueError(f"{argument} must be in seconds (unit 's'), got unit {estimate.unit!r}")
    return estimate


def break_even(build: Estimate, slow: Estimate, fast: Estimate) -> Estimate:
    """Uses after which paying `build` once beats paying `slow` instead of `fast` every time.

    Args:
        build: seconds to build the fast structure once, e.g. `set(items)`.
        slow: seconds per use without it, e.g. `x in items`.
        fast: seconds per use with it, e.g. `x in item_set`.

    Returns:
        An Estimate of k = build / (slow - fast) in unit "uses". When `fast` is not
        faster than `slow`, k is infinite (it never pays off); when the saving's interval
        reaches zero, the interval's upper end is infinite.

    Example:
        >>> k = break_even(Estimate(1e-6, 0.9e-6, 1.1e-6), Estimate(3e-7, 2.8e-7, 3.2e-7),
        ...                Estimate(1e-7, 0.9e-7, 1.1e-7))
        >>> round(k.value, 6)
        5.0
    """
    build, slow, fast = _check(build, "build"), _check(slow, "slow"), _check(fast, "fast")
    saving = slow.value - fast.value
    most_saving = slow.high - fast.low  # the best case for the fast structure
    least_saving = slow.low - fast.high
    value = build.value / saving if saving > 0 else math.inf
    low = build.low / most_saving if most_saving > 0 else math.inf
    high = build.high / least_saving if least_saving > 0 else math.inf
    return Estimate(value, min(low, value), max(high, value), UNIT)


def break_even_curve(build: Sequence[Estimate], slow: Sequence[Estimate],
                     fast: Sequence[Estimate]) -> list[Estimate]:
    """`break_even` at each size: three lists of Estimates, one per n, as `Sweep.per_call` gives.

    Example:
        ``break_even_curve(builds.per_call["set(items)"], s.per_call["list"], s.per_call["set"])``
    """
    build, slow, fast = list(build), list(slow), list(fast)
    if not len(build) == len(slow) == len(fast):
        raise ValueError("build, slow and fast must have one Estimate per size each, got "
                         f"{len(build)}, {len(slow)} and {len(fast)}: were they swept over the same n?")
    return [break_even(b, s, f) for b, s, f in zip(build, slow, fast)]
