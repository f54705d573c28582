"""RangeVerdict: a measured figure judged against a claimed bound or range, its ends included.

"a hit ratio of at least 80%", "no stale read after an update" (at most 0 of 20), "70-90% less",
"every repeat call answered from the cache" (20 of 20): the claim is a range [at_least, at_most],
one end of which may be open. With the figure's 95% interval [low, high], by the rule of `Verdict`:

    holds         when the whole interval lies in the claimed range
    refuted       when none of it does
    inconclusive  otherwise

Where `TargetVerdict`'s bounds are strict ("p95 below 100 ms"), these include their ends, so that
a count which is exactly the claimed one can hold. `RangeVerdict.counted(quantity, k, n, ...)`
judges "k of n" as a share in percent: exact when the code under test decides every outcome
(each call takes the same path), with a 95% Wilson interval when the outcomes are a sample.
`spread(values)` is the median of a few repeated measurements with their range as its interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

from .results import Result, draw, estimate
from .stats import Estimate
from .units import format_value
from .verdict import Judged, claimed

_Z95 = 1.959964  # the normal quantile of a two-sided 95% interval


def _bound(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number or None (an open end), got {value!r}")
    return float(value)


def judge_range(e: Estimate, at_least: float | None, at_most: float | None) -> str:
    """The rule above, applied to an interval (a NaN interval is inconclusive)."""
    low = -math.inf if at_least is None else at_least
    high = math.inf if at_most is None else at_most
    if low <= e.low and e.high <= high:
        return "holds"
    if e.high < low or e.low > high:
        return "refuted"
    return "inconclusive"


def wilson(k: int, n: int) -> tuple[float, float]:
    """The 95% Wilson score interval of the share k / n, as fractions in [0, 1]."""
    p, z2 = k / n, _Z95 ** 2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = _Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def spread(values: Sequence[float], unit: str = "") -> Estimate:
    """The median of repeated measurements, with their range as the interval.

    The range of n independent repeats holds their distribution's median with probability
    1 - 2 * 0.5**n: 97% for six repeats, so give at least six for a 95% interval.
    """
    values = [float(v) for v in values]
    if len(values) < 6:
        raise ValueError(f"values must hold at least 6 repeats (their range is then a 97% interval "
                         f"for the median), got {len(values)}")
    ordered = sorted(values)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return Estimate(median, ordered[0], ordered[-1], unit)


@dataclass(frozen=True)
class RangeVerdict(Judged, Result):
    """The claim "`quantity` is at least `at_least` / at most `at_most`", judged on `estimate`.

    Bounds are in the estimate's unit; None leaves that end open (one of them must be given).
    `count` is (k, n) when the figure is k of n outcomes, as `counted` makes it.
    """

    quantity: str  # what is judged, in words: "repeat calls answered from the cache"
    estimate: Estimate
    at_least: float | None = None
    at_most: float | None = None
    claim: str | None = None  # the id of the catalog claim judged, if any
    count: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        low, high = _bound(self.at_least, "at_least"), _bound(self.at_most, "at_most")
        if low is None and high is None:
            raise ValueError("give at_least, at_most or both: the claimed range needs an end")
        if low is not None and high is not None and low > high:
            raise ValueError(f"at_least must not exceed at_most, got {low!r} > {high!r}")
        object.__setattr__(self, "at_least", low)
        object.__setattr__(self, "at_most", high)
        if self.claim is not None and not isinstance(self.claim, str):  # a Claim from pk.claims
            object.__setattr__(self, "claim", claimed(1.0, self.claim)[1])
        if self.count is not None:
            k, n = self.count
            object.__setattr__(self, "count", _checked_count(k, n))

    @classmethod
    def counted(cls, quantity: str, k: int, n: int, *, at_least: float | None = None,
                at_most: float | None = None, claim: Any = None, sampled: bool = False) -> "RangeVerdict":
        """k of n outcomes, judged as a share in percent against bounds in percent.

        Args:
            quantity: the outcome counted, in words ("repeat calls that returned a result").
            k, n: how many of how many.
            at_least, at_most: the claimed range in percent, e.g. at_least=100 for "every one".
            claim: a catalog claim id (or Claim) this judges.
            sampled: False when the code under test decides each outcome, so the count has no
                spread; True when the outcomes are a sample (a 95% Wilson interval).
        """
        k, n = _checked_count(k, n)
        share = 100.0 * k / n
        low, high = (100.0 * b for b in wilson(k, n)) if sampled else (share, share)
        return cls(quantity, Estimate(share, low, high, "%"), at_least, at_most, claim, (k, n))

    @property
    def names(self) -> list[str]:
        """The quantity judged. A verdict has no lookup by name."""
        return [self.quantity]

    @property
    def status(self) -> str:
        """"holds" | "refuted" | "inconclusive"."""
        return judge_range(self.estimate, self.at_least, self.at_most)

    @property
    def holds(self) -> bool:
        return self.status == "holds"

    def _value(self, x: float) -> str:
        return format_value(x, self.estimate.unit)

    @property
    def claimed_range(self) -> str:
        """The claim's bounds in words: "at least 80 %", "at most 0 %", "between 70 % and 90 %"."""
        if self.at_least is None:
            return f"at most {self._value(self.at_most)}"
        if self.at_most is None:
            return f"at least {self._value(self.at_least)}"
        if self.at_least == self.at_most:
            return f"exactly {self._value(self.at_least)}"
        return f"between {self._value(self.at_least)} and {self._value(self.at_most)}"

    @property
    def claim_text(self) -> str:
        words = f"{self.quantity} is {self.claimed_range}"
        return f"{words} [{self.claim}]" if self.claim else words

    @property
    def measured(self) -> str:
        e = self.estimate
        if self.count is None:
            return f"{self.quantity} is {e}"
        k, n = self.count
        if e.low == e.high == e.value:
            return f"{self.quantity}: {k:,} of {n:,} ({self._value(e.value)}), counted: no spread"
        return f"{self.quantity}: {k:,} of {n:,}, {e}"

    def __repr__(self) -> str:
        return f"RangeVerdict({self})"

    def plot(self, ax: Any = None) -> Any:
        """The figure and its 95% interval against the claimed range (shaded); returns the Axes."""
        return draw(self, ax)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "status": self.status, "quantity": self.quantity,
                "estimate": self.estimate.to_dict(), "at_least": self.at_least, "at_most": self.at_most,
                "claim": self.claim, "count": list(self.count) if self.count else None, "text": str(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RangeVerdict":
        count = data.get("count")
        return cls(data["quantity"], estimate(data["estimate"]), data.get("at_least"), data.get("at_most"),
                   data.get("claim"), tuple(count) if count else None)


def _checked_count(k: Any, n: Any) -> tuple[int, int]:
    for value, name in ((k, "k"), (n, "n")):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int (a count), got {type(value).__name__}")
    if n < 1 or not 0 <= k <= n:
        raise ValueError(f"a count needs 0 <= k <= n and n >= 1, got k={k}, n={n}")
    return k, n
