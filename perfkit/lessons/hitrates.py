"""How often an LRU cache hits, as a result: HitRates, for several workloads and cache sizes.

    rates = pk.hit_rates({"uniform": 0.0, "Zipf s=1": 1.0}, maxsizes=[128, 1_000], keys=10_000)
    rates.rate("Zipf s=1", 1_000)                   # percent of requests after warmup that hit
    rates.verdict("Zipf s=1", 1_000, above=80)      # "hit ratio > 80% after warmup", judged
    rates.plot()                                    # hit ratio against maxsize, one line per workload

Each workload is a Zipf key stream (`zipf_keys`) of a given skew; each (workload, maxsize) is run
through a fresh `functools.lru_cache` once per seed, and the ratio read from `cache_info()` after
the warmup. The value is the median over the seeds and the interval is Student's t 95% interval
of their mean: it says how much the ratio depends on the particular stream, not on the machine,
as the count itself is exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from ..engine.checks import check_int, check_number
from ..engine.results import Result, known
from ..engine.stats import Estimate, t_quantile
from ..engine.targets import TargetVerdict, check_target
from .caching import lru_hit_rate, zipf_keys

__all__ = ["HitRates", "hit_rates"]


@dataclass(eq=False)
class HitRates(Result):
    """Hit ratios (percent of requests after warmup) of an LRU cache, per workload and maxsize.

    `ratios[workload][i]` holds one ratio (0 to 1) per seed for `maxsizes[i]`.
    """

    skews: dict[str, float]  # workload -> Zipf skew s (0: uniform)
    maxsizes: list[int]
    ratios: dict[str, list[list[float]]]
    keys: int  # distinct keys in every stream
    requests: int  # requests per stream, warmup included
    warmup: int

    @property
    def names(self) -> list[str]:
        return list(self.skews)

    def __getitem__(self, workload: str) -> list[Estimate]:
        """One Estimate (percent) per maxsize."""
        return [self._estimate(seeds) for seeds in self.ratios[known(workload, self.names, "workload")]]

    @staticmethod
    def _estimate(seeds: Sequence[float]) -> Estimate:
        """Median over the seeds, with Student's t 95% interval of their mean (widened to hold the
        median, clipped to 0-100%); one seed gives no interval."""
        pct = 100.0 * np.asarray(seeds, dtype=float)
        value = float(np.median(pct))
        if pct.size == 1:
            return Estimate(value, value, value, "%")
        half = t_quantile(0.975, pct.size - 1) * float(pct.std(ddof=1)) / math.sqrt(pct.size)
        low, high = min(float(pct.mean()) - half, value), max(float(pct.mean()) + half, value)
        return Estimate(value, max(low, 0.0), min(high, 100.0), "%")

    def rate(self, workload: str, maxsize: int) -> Estimate:
        """The hit ratio (percent) of `workload` with this `maxsize`."""
        i = self.maxsizes.index(known(maxsize, self.maxsizes, "maxsize"))
        return self[workload][i]

    def smallest_maxsize(self, workload: str, percent: float) -> int | None:
        """The smallest maxsize measured whose hit ratio (median) reaches `percent`, or None."""
        check_number(percent, "percent", low=0, high=100)
        for size, e in zip(self.maxsizes, self[workload]):
            if e.value >= percent:
                return size
        return None

    def verdict(self, workload: str, maxsize: int, *, above: float, claim: Any = None) -> TargetVerdict:
        """Judge "the hit ratio after warmup is above `above` percent" for one workload and maxsize."""
        above = check_target(above, "above")
        if above > 100:
            raise ValueError(f"above must be a percentage from 0 to 100, got {above!r}")
        claim_id = getattr(claim, "id", claim)
        if claim_id is not None and not isinstance(claim_id, str):
            raise TypeError(f"claim must be a claim id or a Claim from pk.claims, got {type(claim).__name__}")
        return TargetVerdict(f"hit ratio of {workload}, maxsize {maxsize:,}", "above", above,
                             self.rate(workload, maxsize), claim_id)

    def _rows(self) -> list[list[str]]:
        return [[name, *(f"{e.value:.1f}%" for e in self[name])] for name in self.names]

    def describe(self) -> str:
        seeds = len(next(iter(self.ratios.values()))[0])
        return (f"{self.requests:,} requests over {self.keys:,} keys, the first {self.warmup:,} not "
                f"counted (warmup); median of {seeds} seeded streams")

    def __repr__(self) -> str:
        headers = ["workload", *(f"{m:,}" for m in self.maxsizes)]
        rows = self._rows()
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
        lines = ["HitRates (percent of requests answered from an lru_cache, by maxsize)",
                 f"  {self.describe()}"]
        lines += ["  " + "  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in [headers, *rows]]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from ..engine.tables import table

        return table(["workload", *(f"maxsize {m:,}" for m in self.maxsizes)], self._rows(),
                     caption="Hit ratio of functools.lru_cache after warmup",
                     notes=[self.describe()])

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "skews": dict(self.skews), "maxsizes": list(self.maxsizes),
                "ratios": {k: [list(map(float, s)) for s in v] for k, v in self.ratios.items()},
                "keys": self.keys, "requests": self.requests, "warmup": self.warmup}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "HitRates":
        return cls({k: float(s) for k, s in data["skews"].items()}, [int(m) for m in data["maxsizes"]],
                   {k: [[float(x) for x in s] for s in v] for k, v in data["ratios"].items()},
                   int(data["keys"]), int(data["requests"]), int(data["warmup"]))


def hit_rates(workloads: Mapping[str, float], maxsizes: Sequence[int], *, keys: int = 10_000,
              requests: int = 20_000, warmup: int | None = None, seeds: int = 3) -> HitRates:
    """Run Zipf key streams through `functools.lru_cache` of each maxsize; returns HitRates.

    Args:
        workloads: name -> Zipf skew s (0 for uniform), e.g. {"uniform": 0, "Zipf s=1": 1.0}.
        maxsizes: the lru_cache sizes to try, ints >= 1.
        keys: distinct keys in each stream.
        requests: requests per stream, warmup included.
        warmup: requests at the start not counted (default: a tenth of `requests`).
        seeds: streams per workload (seeds 0, 1, ...), for the interval.
    """
    if not isinstance(workloads, Mapping) or not workloads:
        raise TypeError(f"workloads must be a non-empty mapping of name to Zipf skew, got {workloads!r:.60}")
    skews = {str(name): check_number(s, f"workloads[{name!r}]", low=0, hint="(a Zipf skew)")
             for name, s in workloads.items()}
    sizes = [check_int(m, "maxsizes[]", low=1) for m in maxsizes]
    if not sizes:
        raise ValueError("maxsizes must hold at least one size, got none")
    check_int(keys, "keys", low=1)
    check_int(requests, "requests", low=2)
    warmup = requests // 10 if warmup is None else check_int(warmup, "warmup", low=0, high=requests - 1)
    check_int(seeds, "seeds", low=1)
    ratios: dict[str, list[list[float]]] = {}
    for name, s in skews.items():
        streams = [zipf_keys(requests, keys, s, seed) for seed in range(seeds)]
        ratios[name] = [[lru_hit_rate(stream, size, warmup) for stream in streams] for size in sizes]
    return HitRates(skews, sizes, ratios, keys, requests, warmup)
