"""LoadResult: what a load test measured, request by request, and its statistics over the repeats.

Every request is kept: when it was due, when it was sent, when its answer was read, its status
and what went wrong. Latency is counted from when a request was *due*, not from when it was sent,
so a server that stalls cannot hide the requests that waited behind it (coordinated omission);
the service time (sent to answered) is kept too.

Each statistic is taken per repeat (run), then summed up over the repeats: the value is the median
over the repeats, and its interval is Student's t 95% interval for the mean of the repeats, widened
to include that median. With a few repeats, that interval is wide, honestly so: a load test on a
shared machine varies from run to run by more than its requests vary within one run.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...engine.results import Result, known
from ...engine.stats import Estimate, t_quantile
from ...engine.targets import TargetVerdict, check_target
from ...engine.units import format_seconds, format_value

CLIENT_CPU = 0.9  # a client using this share of a core or more is taken to be the limit
SENT_SHARE = 0.95  # an open loop that sends less than this share of its rate is behind
_STATS = ("throughput", "p50", "p90", "p99", "max")
_ARRAYS = ("due", "start", "end", "status")


def over_repeats(values: Any, unit: str) -> Estimate:
    """Median of one value per repeat, with Student's t 95% interval of their mean (widened to hold
    the median; at 0 at the lowest). One repeat gives no interval: low = high = the value."""
    v = np.asarray([x for x in values if math.isfinite(x)], dtype=float)
    if v.size == 0:
        return Estimate(math.nan, math.nan, math.nan, unit)
    value = float(np.median(v))
    if v.size == 1:
        return Estimate(value, value, value, unit)
    half = t_quantile(0.975, v.size - 1) * float(v.std(ddof=1)) / math.sqrt(v.size)
    mean = float(v.mean())
    return Estimate(value, max(0.0, min(mean - half, value)), max(mean + half, value), unit)


def _format(value: float, unit: str) -> str:
    """format_value, with a plain 0 (a clipped interval's low end), not "0 ns"."""
    return f"0 {unit}" if value == 0 else format_value(value, unit)


def _percent(name: str) -> float:
    if name == "max":
        return 100.0
    try:
        q = float(name[1:]) if name.startswith("p") else math.nan
    except ValueError:
        q = math.nan
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be 'p50', 'p95', 'p99.9', ... or 'max', got {name!r}")
    return q


@dataclass(eq=False)
class LoadResult(Result):
    """A load test: every request of every repeat, and throughput and latency percentiles over them.

    `runs` holds one dict per repeat: arrays `due`, `start`, `end` (seconds from the run's start)
    and `status` (HTTP status; 0 when no answer came), the list `error` ("" when none, else its
    kind: "HTTP 500", "connection refused", "timeout", ...), and `elapsed`, `cpu` (seconds of the
    client's CPU time), `waits` (requests that waited for a free connection) for the run.
    """

    target: list[str]  # "GET http://..." for each request spec, sent in turn
    mode: str  # "open" (a fixed rate) | "closed" (a fixed number of clients)
    rate: float | None
    concurrency: int | None
    duration: float
    runs: list[dict[str, Any]]
    warmup: float = 0.0
    timeout: float = 5.0
    max_connections: int | None = None
    simulated_latency: float | None = None  # seconds a latency proxy added to each request, if any

    def __post_init__(self) -> None:
        for run in self.runs:
            for key in _ARRAYS:
                run[key] = np.asarray(run[key], dtype=int if key == "status" else float)

    # --- statistics ---------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return list(_STATS)

    def __getitem__(self, name: str) -> Estimate:
        return getattr(self, known(name, _STATS, "statistic"))

    def _ok(self, run: dict[str, Any]) -> np.ndarray:
        return (run["status"] >= 100) & (run["status"] < 400)

    def latency(self, percentile: str | float = "p50", service: bool = False) -> Estimate:
        """A latency percentile ("p95", 95, or "max") over the repeats, of the answered requests
        (status below 400); `service=True` counts from when each was sent instead of due."""
        q = _percent(percentile) if isinstance(percentile, str) else _percent(f"p{percentile}")
        per_run = []
        for run in self.runs:
            ok = self._ok(run)
            times = (run["end"] - (run["start"] if service else run["due"]))[ok]
            per_run.append(float(np.percentile(times, q)) if times.size else math.nan)
        return over_repeats(per_run, "s")

    @property
    def throughput(self) -> Estimate:
        """Answered requests (status below 400) per second, over the repeats."""
        return over_repeats([self._ok(r).sum() / r["elapsed"] for r in self.runs if r["elapsed"] > 0], "req/s")

    p50 = property(lambda self: self.latency("p50"), doc="Median latency (from when due), over the repeats.")
    p90 = property(lambda self: self.latency("p90"), doc="90th percentile latency, over the repeats.")
    p99 = property(lambda self: self.latency("p99"), doc="99th percentile latency, over the repeats.")
    max = property(lambda self: self.latency("max"), doc="The longest latency of each repeat, over the repeats.")

    @property
    def requests(self) -> int:
        return int(sum(r["due"].size for r in self.runs))

    @property
    def errors(self) -> dict[str, int]:
        """How many requests failed, by kind, over all repeats."""
        counts = Counter(kind for run in self.runs for kind in run["error"] if kind)
        return dict(counts.most_common())

    @property
    def sent_rate(self) -> float:
        """Requests sent per second (median over repeats): up to when the last one was sent in an
        open loop, so a client that falls behind its schedule shows a rate below the asked one."""
        rates = []
        for run in self.runs:
            if self.mode == "open" and self.rate and run["start"].size:
                rates.append(run["start"].size / (run["start"].max() + 1 / self.rate))
            elif run["elapsed"] > 0:
                rates.append(run["start"].size / run["elapsed"])
        return float(np.median(rates)) if rates else math.nan

    @property
    def client_cpu(self) -> float:
        """The share of one CPU core the client's process used while sending (median over repeats)."""
        shares = [r["cpu"] / r["elapsed"] for r in self.runs if r["elapsed"] > 0]
        return float(np.median(shares)) if shares else math.nan

    @property
    def send_lag(self) -> float:
        """Median of how late requests were sent after they were due (open loop; 0 in a closed one)."""
        lags = np.concatenate([r["start"] - r["due"] for r in self.runs]) if self.runs else np.array([])
        return float(np.median(lags)) if lags.size else math.nan

    @property
    def client_limited(self) -> bool:
        """Whether the client, not the server, was the limit (see `client_message`)."""
        return bool(self.client_message)

    @property
    def client_message(self) -> str:
        """Why the client was the limit, or "" when it was not."""
        reasons = []
        waited = sum(int(r.get("waits", 0)) for r in self.runs)
        if self.mode == "open" and self.rate and self.sent_rate < SENT_SHARE * self.rate and not waited:
            reasons.append(f"asked {_format(self.rate, 'req/s')}, sent {_format(self.sent_rate, 'req/s')}: "
                           "the client could not keep to its schedule")
        if self.client_cpu >= CLIENT_CPU:
            reasons.append(f"the client's process used {self.client_cpu:.0%} of a CPU core")
        if not reasons:
            return ""
        return ("client-limited: " + "; ".join(reasons) + ". The numbers may show the client's limit, not "
                "the server's: ask for less, or run the client on a less busy machine.")

    # --- judging ------------------------------------------------------------------------------
    def verdict(self, percentile: str = "p95", below: float | None = None, above: float | None = None,
                claim: str | None = None) -> TargetVerdict:
        """Judge a target: `verdict("p95", below=0.1)` is "p95 latency < 100 ms";
        `verdict("throughput", above=500)` is "at least 500 req/s". Give exactly one of below/above."""
        if (below is None) == (above is None):
            raise ValueError("give exactly one of below= (e.g. below=0.1 for a latency under 100 ms) or above=")
        relation, target = ("below", below) if below is not None else ("above", above)
        target = check_target(target, relation)
        if percentile == "throughput":
            return TargetVerdict("throughput", relation, target, self.throughput, claim)
        return TargetVerdict(f"{percentile} latency", relation, target, self.latency(percentile), claim)

    # --- showing ------------------------------------------------------------------------------
    def describe(self) -> str:
        """One line: the target, the mode, the repeats."""
        what = self.target[0] + (f" (+{len(self.target) - 1} more, in turn)" if len(self.target) > 1 else "")
        how = (f"open loop at {_format(self.rate, 'req/s')}" if self.mode == "open"
               else f"closed loop with {self.concurrency} client{'s' * (self.concurrency != 1)}")
        runs = f"{len(self.runs)} repeat{'s' * (len(self.runs) != 1)}"
        return f"{what}: {how}, {runs} x {self.duration:g} s, {self.requests:,} requests"

    def _rows(self) -> list[list[str]]:
        rows = []
        for name in _STATS:
            e = self[name]
            finite = math.isfinite(e.value)
            rows.append([name, _format(e.value, e.unit) if finite else "-",
                         f"{_format(e.low, e.unit)} - {_format(e.high, e.unit)}" if finite else "-"])
        return rows

    def _notes(self) -> list[str]:
        errors = ", ".join(f"{kind}: {count:,}" for kind, count in self.errors.items()) or "none"
        asked = f" of {_format(self.rate, 'req/s')} asked" if self.mode == "open" else ""
        lag = f", sent {format_seconds(self.send_lag)} after due (median)" if self.mode == "open" else ""
        notes = [f"sent {_format(self.sent_rate, 'req/s')}{asked}{lag}; client CPU "
                 f"{self.client_cpu:.0%} of a core; errors: {errors}",
                 "latency from when each request was due; intervals: " + (
                     f"Student's t 95% over {len(self.runs)} repeats" if len(self.runs) > 1
                     else "none (one repeat: repeats=3 or more for an interval)")]
        waited = sum(int(r.get("waits", 0)) for r in self.runs)
        if waited:
            notes.append(f"{waited:,} requests waited in the client for one of its {self.max_connections} "
                         "connections, all busy: the server did not keep up (their latency counts the wait)")
        if self.simulated_latency:
            notes.append(f"includes {format_seconds(self.simulated_latency)} of simulated network latency per request")
        return notes + ([self.client_message] if self.client_limited else [])

    def __repr__(self) -> str:
        from ...engine.tables import text_table

        body = text_table(["", "median", "95% interval"], self._rows(), left=(0,))
        return "\n".join([f"LoadResult {self.describe()}", body, *(f"  {n}" for n in self._notes())])

    def _repr_html_(self) -> str:
        from ...engine.tables import table

        return table(["", "median over repeats", "95% interval"], self._rows(), caption=self.describe(),
                     notes=self._notes())

    # --- saving -------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        runs = [{**{k: v for k, v in r.items() if k not in _ARRAYS},
                 **{k: np.asarray(r[k]).tolist() for k in _ARRAYS}} for r in self.runs]
        return {"kind": self.kind, "target": list(self.target), "mode": self.mode, "rate": self.rate,
                "concurrency": self.concurrency, "duration": self.duration, "warmup": self.warmup,
                "timeout": self.timeout, "max_connections": self.max_connections,
                "simulated_latency": self.simulated_latency,
                "summary": {name: self[name].to_dict() for name in _STATS}, "errors": self.errors,
                "runs": runs}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "LoadResult":
        return cls(list(data["target"]), data["mode"], data.get("rate"), data.get("concurrency"),
                   float(data["duration"]), [dict(r) for r in data["runs"]], float(data.get("warmup", 0.0)),
                   float(data.get("timeout", 5.0)), data.get("max_connections"), data.get("simulated_latency"))
