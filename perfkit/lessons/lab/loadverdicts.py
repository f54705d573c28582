"""Judging one endpoint against another from two load tests: "a is at least `by` times faster than b".

    v = latency_verdict(join, n_plus_one, "the JOIN endpoint", "the N+1 endpoint", by=20)
    v.status, str(v)

Two load tests are not paired the way pk.compare's rounds are, so the ratio's interval takes the
far ends of both intervals: the lowest slow latency over the highest fast one, and the reverse.
It is wide, honestly so; a verdict from it is "holds" only when the intervals leave no doubt.
"""

from __future__ import annotations

import math
from typing import Any

from ...engine.stats import Estimate
from ...engine.verdict import Verdict, claimed


def latency_ratio(fast: Any, slow: Any, percentile: str = "p50") -> Estimate:
    """slow / fast at `percentile` (two LoadResults), with the conservative interval described above."""
    a, b = fast.latency(percentile), slow.latency(percentile)
    low = b.low / a.high if a.high > 0 else math.nan
    high = b.high / a.low if a.low > 0 else math.inf
    return Estimate(b.value / a.value, low, high, "x")


def latency_verdict(fast: Any, slow: Any, subject: str, baseline: str, by: float | None = None, *,
                    percentile: str = "p50", claim: Any = None) -> Verdict:
    """Judge "`subject` (the LoadResult `fast`) is at least `by` times faster than `baseline` (`slow`)"
    at a latency percentile. `claim` (a catalog id) gives the factor when `by` is left out.

    Args:
        fast: the LoadResult of the side claimed to be faster.
        slow: the LoadResult of the other side.
        subject, baseline: how the verdict names the two sides, e.g. "the JOIN endpoint".
        by: the claimed factor; None takes the claim's own (or 1).
        percentile: "p50", "p99", ... (a LoadResult latency).
        claim: a claim id of pk.claims, or a Claim.
    """
    for name, value in (("fast", fast), ("slow", slow)):
        if not hasattr(value, "latency"):
            raise TypeError(f"{name} must be a LoadResult from pk.load_test, got {type(value).__name__}")
    by, claim_id = claimed(by, claim)
    ratio = latency_ratio(fast, slow, percentile)
    return Verdict(f"{subject} ({percentile})", f"{baseline} ({percentile})", "faster", by, ratio, claim_id)
