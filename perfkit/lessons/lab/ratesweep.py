"""pk.rate_sweep: the load at which a latency target breaks, found by raising the request rate.

    with serve_targets_app(db) as svc:
        s = pk.rate_sweep(svc.url + "/users/7", rates=[50, 100, 200, 400, 800], below=0.2)
    s.broke_at          # the first rate at which "p95 < 200 ms" was refuted, or None
    s.conclusion        # in words, with the rates at which the client was the limit
    s.verdict(200)      # the target judged at 200 req/s (a TargetVerdict)
    s.plot()            # p95 against rate, the target as a line

Each rate is one pk.load_test in open loop (requests sent when due, latency counted from then),
with `repeats` short runs for an interval. Rates go up in order; once the target is refuted at
one rate, higher rates are not tried (`stop_after_break`): past a server's capacity the queue
only grows. A rate at which the client could not keep its schedule, or used 90% of a core, is
marked client-limited: there the numbers may show the client's limit, not the server's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

from ...engine.checks import check_int, check_number
from ...engine.results import Result, known
from ...engine.stats import Estimate
from ...engine.targets import TargetVerdict, check_target
from ...engine.units import format_seconds, format_value
from .load import load_test
from .loadresult import LoadResult

__all__ = ["RateSweep", "rate_sweep"]


def _rate(rate: float) -> str:
    return format_value(rate, "req/s")


def _interval(e: Estimate) -> str:
    """"263 ms, 95% interval 209 ms - 348 ms": an Estimate without nested parentheses."""
    return f"{format_seconds(e.value)}, 95% interval {format_seconds(e.low)} - {format_seconds(e.high)}"


@dataclass(eq=False)
class RateSweep(Result):
    """Load tests of one request at rising rates, judged against a latency target.

    `results` maps each rate tried, in order, to its LoadResult; `rates` lists every rate asked
    for, including those not tried once the target broke.
    """

    name: str  # what was requested, e.g. "GET /users/7"
    percentile: str  # "p95"
    target: float  # seconds: the latency must stay below it
    rates: list[float]
    results: dict[float, LoadResult]
    claim: str | None = None  # the id of the catalog claim the target comes from

    @property
    def names(self) -> list[float]:
        """The rates tried (requests per second); `s[rate]` is that rate's LoadResult."""
        return list(self.results)

    @property
    def tried(self) -> list[float]:
        return list(self.results)

    def __getitem__(self, rate: float) -> LoadResult:
        return self.results[known(rate, self.tried, "rate")]

    @property
    def latency(self) -> list[Estimate]:
        """The percentile's latency at each rate tried, with its 95% interval over the repeats."""
        return [r.latency(self.percentile) for r in self.results.values()]

    def verdict(self, rate: float) -> TargetVerdict:
        """"`percentile` latency below `target`" judged at one of the rates tried."""
        return self[rate].verdict(self.percentile, below=self.target, claim=self.claim)

    @property
    def verdicts(self) -> dict[float, TargetVerdict]:
        return {rate: self.verdict(rate) for rate in self.tried}

    @property
    def broke_at(self) -> float | None:
        """The first rate at which the target was refuted (its interval wholly above), or None."""
        return next((rate for rate, v in self.verdicts.items() if v.status == "refuted"), None)

    @property
    def held_up_to(self) -> float | None:
        """The highest rate below `broke_at` (or of all, if it never broke) at which the target held."""
        limit = self.broke_at if self.broke_at is not None else math.inf
        held = [rate for rate, v in self.verdicts.items() if v.holds and rate < limit]
        return max(held) if held else None

    @property
    def over_at(self) -> float | None:
        """The first rate at which the median run's latency went over the target (judged or not)."""
        return next((rate for rate, e in zip(self.tried, self.latency) if e.value > self.target), None)

    @property
    def outcome(self) -> str:
        """In a few words: "broke at 1,600 req/s", "over the target at 800 req/s (inconclusive)",
        or "did not break"."""
        if self.broke_at is not None:
            return f"broke at {_rate(self.broke_at)}"
        if self.over_at is not None:
            return f"over the target at {_rate(self.over_at)} (inconclusive)"
        return "did not break"

    @property
    def client_limited(self) -> list[float]:
        """The rates at which the client, not the server, was the limit (see LoadResult)."""
        return [rate for rate, r in self.results.items() if r.client_limited]

    @property
    def conclusion(self) -> str:
        """Where the target broke, or that it did not within the rates tried, in one sentence or two."""
        target = f"{self.percentile} < {format_seconds(self.target)}"
        if not self.results:
            return f"{self.name}: {target} was not tried at any rate"
        top = max(self.tried)
        unsure = [rate for rate, v in self.verdicts.items() if v.status == "inconclusive"]
        if self.broke_at is not None:
            e = self[self.broke_at].latency(self.percentile)
            held = f"; it held up to {_rate(self.held_up_to)}" if self.held_up_to else "; it held at no rate tried"
            text = f"{self.name}: {target} broke at {_rate(self.broke_at)} ({self.percentile}: {_interval(e)}){held}"
        elif self.over_at is not None:
            e = self[self.over_at].latency(self.percentile)
            text = (f"{self.name}: {target} was not refuted within the rates tried (up to {_rate(top)}), but the "
                    f"median run went over it at {_rate(self.over_at)} ({self.percentile}: {_interval(e)}): inconclusive "
                    "there, as the runs disagree")
        else:
            text = f"{self.name}: {target} did not break within the rates tried (up to {_rate(top)})"
            if unsure:
                text += f"; inconclusive at {', '.join(_rate(r) for r in unsure)}"
        limited = self.client_limited
        if limited:
            text += (f". The client was the limit at {', '.join(_rate(r) for r in limited)}: there the "
                     "numbers may show the client's limit, not the server's")
        return text + "."

    def __str__(self) -> str:
        return self.conclusion

    def __repr__(self) -> str:
        from ...engine.tables import text_table

        rows = []
        for rate, r in self.results.items():
            e = r.latency(self.percentile)
            rows.append([_rate(rate), format_seconds(e.value) if math.isfinite(e.value) else "-",
                         f"{format_seconds(e.low)} - {format_seconds(e.high)}" if math.isfinite(e.value) else "-",
                         format_value(r.throughput.value, "req/s"), self.verdict(rate).status,
                         "client-limited" if r.client_limited else ""])
        body = text_table(["rate", self.percentile, "95% interval", "answered", "target", ""], rows, left=(0,))
        return "\n".join([f"RateSweep {self.name}: {self.percentile} below {format_seconds(self.target)}",
                          body, f"  {self.conclusion}"])

    def _repr_html_(self) -> str:
        from ...engine.tables import escape

        return f"<pre>{escape(repr(self))}</pre>"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "percentile": self.percentile, "target": self.target,
                "rates": list(self.rates), "claim": self.claim,
                "results": [[rate, r.to_dict()] for rate, r in self.results.items()]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RateSweep":
        return cls(data["name"], data["percentile"], float(data["target"]), [float(r) for r in data["rates"]],
                   {float(rate): LoadResult.from_dict(r) for rate, r in data["results"]}, data.get("claim"))


def rate_sweep(target: Any, rates: Sequence[float], *, below: float, percentile: str = "p95",
               duration: float = 0.25, repeats: int = 3, warmup: float = 0.1, stop_after_break: bool = True,
               claim: str | None = None, name: str | None = None) -> RateSweep:
    """Load-test `target` at each rate in turn (lowest first) and judge "`percentile` < `below`".

    Args:
        target: what pk.load_test sends: a URL, or a request dict.
        rates: requests per second to try, each > 0; tried from the lowest up.
        below: the latency target, in seconds (0.1 for "< 100 ms").
        percentile: the latency judged: "p95", "p99", ...
        duration, repeats, warmup: of each load test (seconds, runs, seconds). Short runs keep a
            sweep quick; `repeats` >= 3 gives each rate an interval.
        stop_after_break: stop at the first rate at which the target is refuted.
        claim: the id of the catalog claim the target comes from, carried by the verdicts.
        name: what the charts and the conclusion call the target (default: its URL's path).

    Returns:
        A RateSweep: `.broke_at`, `.conclusion`, `.verdict(rate)`, `.plot()`.
    """
    if isinstance(rates, (str, bytes)) or not isinstance(rates, Sequence) or not rates:
        raise ValueError(f"rates must be a non-empty list of requests per second, e.g. [50, 100, 200], got {rates!r:.60}")
    ordered = sorted({float(check_number(r, "each rate", low=0, low_open=True, unit="requests per second"))
                      for r in rates})
    below = check_target(below, "below")
    check_int(repeats, "repeats", low=1)
    if name is None:
        url = target if isinstance(target, str) else target.get("url", "") if isinstance(target, dict) else ""
        path = "/" + url.split("://", 1)[-1].split("/", 1)[-1] if "://" in url else url
        name = f"GET {path}" if path else "the target"
    results: dict[float, LoadResult] = {}
    sweep = RateSweep(name, percentile, below, ordered, results, claim)
    for rate in ordered:
        results[rate] = load_test(target, rate=rate, duration=duration, repeats=repeats, warmup=warmup)
        if stop_after_break and sweep.verdict(rate).status == "refuted":
            break
    return sweep
