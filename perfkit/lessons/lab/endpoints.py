"""Several endpoints of one service under the same load, in interleaved rounds, with the server's CPU per request.

    e = compare_endpoints(svc, {"dict": "/plain/items?n=300", "response_model": "/plain/items/model?n=300"},
                          concurrency=4, duration=0.3, rounds=3)
    e["dict"]                                  # a LoadResult: p50, p99, throughput over the rounds
    e.cpu["dict"]                              # an Estimate: seconds of server CPU per request
    e.verdict("response_model", faster_than="dict", on="cpu")
    e.plot()                                   # CPU per request and throughput, side by side

Each round load-tests every endpoint once (`pk.load_test`, one repeat, in a shuffled order), so a
slow spell of the machine hits them alike, as pk.compare's rounds do. Around each test the
service's process CPU time is read (psutil): divided by the requests answered, it is what one
request cost the server, whatever the client's own CPU did meanwhile (on a 2-core machine the load
driver competes with the server, so throughput also measures the client; CPU per request does not).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from ...engine.checks import check_int
from ...engine.results import Result, draw, known
from ...engine.stats import Estimate
from ...engine.verdict import Verdict, claimed
from .load import load_test
from .loadresult import LoadResult, over_repeats
from .loadverdicts import latency_ratio
from .wire import server_usage

ON = ("cpu", "throughput", "p50", "p90", "p99")


@dataclass(eq=False)
class EndpointComparison(Result):
    """Per endpoint name: its LoadResult over the rounds and the server CPU per request of each round."""

    paths: dict[str, str]
    loads: dict[str, LoadResult]
    cpu_samples: dict[str, list[float]]  # seconds of server CPU per request, one per round
    lag_samples: dict[str, list[float]] = field(default_factory=dict)  # the server loop's longest block, per round

    @property
    def names(self) -> list[str]:
        return list(self.paths)

    def __getitem__(self, name: str) -> LoadResult:
        return self.loads[known(name, self.names, "endpoint")]

    @property
    def cpu(self) -> dict[str, Estimate]:
        """Server CPU seconds per request, by endpoint: the median over rounds, with its 95% interval."""
        return {name: over_repeats(self.cpu_samples[name], "s") for name in self.names}

    @property
    def lag(self) -> dict[str, Estimate]:
        """The longest the server's event loop was blocked during each test, by endpoint (when measured)."""
        return {name: over_repeats(self.lag_samples[name], "s") for name in self.names if name in self.lag_samples}

    def ratio(self, subject: str, baseline: str, on: str = "cpu") -> Estimate:
        """How many times faster `subject` is than `baseline` (above 1: the subject wins), judged `on`
        CPU per request, throughput or a latency percentile; the interval takes the far ends of both."""
        known(subject, self.names, "endpoint", "subject")
        known(baseline, self.names, "endpoint", "baseline")
        if on in ("p50", "p90", "p99"):
            return latency_ratio(self.loads[subject], self.loads[baseline], on)
        if on == "throughput":
            a, b = self.loads[baseline].throughput, self.loads[subject].throughput
        elif on == "cpu":
            a, b = self.cpu[subject], self.cpu[baseline]
        else:
            raise ValueError(f"on must be one of {list(ON)}, got {on!r}")
        low = b.low / a.high if a.high > 0 else math.nan
        high = b.high / a.low if a.low > 0 else math.inf
        return Estimate(b.value / a.value if a.value else math.inf, low, high, "x")

    def verdict(self, subject: str, faster_than: str, by: float | None = None, *, on: str = "cpu",
                claim: Any = None) -> Verdict:
        """Judge "`subject` is at least `by` times faster than `faster_than`" on CPU per request (the
        default), throughput or a latency percentile. `claim` (a catalog id) gives the factor."""
        by, claim_id = claimed(by, claim)
        what = {"cpu": "server CPU per request", "throughput": "throughput"}.get(on, f"{on} latency")
        return Verdict(f"{subject} ({what})", f"{faster_than} ({what})", "faster", by,
                       self.ratio(subject, faster_than, on), claim_id)

    def plot(self, ax: Any = None, **options: Any) -> Any:
        """Server CPU per request (bars, 95% whiskers), throughput written beside each."""
        return draw(self, ax, **options)

    def _rows(self) -> list[list[str]]:
        from ...engine.units import format_seconds, format_value

        rows, lag = [], self.lag
        for name in self.names:
            r, cpu = self.loads[name], self.cpu[name]
            row = [name, self.paths[name], str(cpu), format_value(r.throughput.value, "req/s"),
                   format_seconds(r.p50.value), format_seconds(r.p99.value)]
            if lag:
                row.append(format_seconds(lag[name].value))
            rows.append(row + [", ".join(f"{k}: {v}" for k, v in r.errors.items()) or "none"])
        return rows

    def _header(self) -> list[str]:
        return (["endpoint", "path", "server CPU per request", "throughput", "p50", "p99"]
                + (["loop blocked (longest)"] if self.lag else []) + ["errors"])

    def describe(self) -> str:
        first = next(iter(self.loads.values()))
        how = (f"closed loop, {first.concurrency} clients" if first.mode == "closed"
               else f"open loop at {first.rate:g} req/s")
        return f"{len(self.names)} endpoints, {how}, {len(first.runs)} interleaved rounds of {first.duration:g} s"

    def __repr__(self) -> str:
        from ...engine.tables import text_table

        return f"EndpointComparison: {self.describe()}\n" + text_table(self._header(), self._rows(), left=(0, 1))

    def _repr_html_(self) -> str:
        from ...engine.tables import table

        return table(self._header(), self._rows(), caption=self.describe(),
                     notes=["values: medians over rounds; CPU: the service process's CPU time over the "
                            "requests it answered"])

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "paths": self.paths, "loads": {k: v.to_dict() for k, v in self.loads.items()},
                "cpu_samples": self.cpu_samples, "lag_samples": self.lag_samples}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "EndpointComparison":
        return cls(dict(data["paths"]), {k: LoadResult.from_dict(v) for k, v in data["loads"].items()},
                   {k: list(v) for k, v in data["cpu_samples"].items()},
                   {k: list(v) for k, v in data.get("lag_samples", {}).items()})


def compare_endpoints(service: Any, paths: Mapping[str, str], *, concurrency: int | None = None,
                      rate: float | None = None, duration: float = 0.3, rounds: int = 3,
                      headers: Mapping[str, str] | None = None, method: str = "GET", seed: int = 0,
                      before: Mapping[str, Callable[[], Any]] | None = None, after: Callable[[], Any] | None = None,
                      lag: Callable[[], float] | None = None, warmup_round: bool = True) -> EndpointComparison:
    """Load-test each endpoint of `service` in `rounds` interleaved rounds; see the module's docstring.

    Args:
        service: a running Service from pk.serve.
        paths: name -> path on the service ("/plain/items?n=300").
        concurrency, rate: the load of every test (one of them), as pk.load_test takes them.
        duration: seconds of each test; rounds: tests per endpoint (the statistics' repeats).
        headers: sent with every request, e.g. {"Accept-Encoding": "gzip"}.
        method: the HTTP method of every request ("POST" for an upload).
        seed: the order of the endpoints in each round is shuffled with it.
        before: name -> a function called just before each of that name's tests (e.g. start jobs).
        after: called after every test (e.g. wait until the jobs are done).
        lag: called just before each test and just after it; what it returns after is kept as the
            server loop's longest block during the test (e.g. blocking_app.server_lag).
        warmup_round: first a short round that is not kept (connections, first-call costs).
    """
    if not paths:
        raise ValueError("paths must map at least one name to a path, e.g. {'items': '/items'}")
    for name, path in paths.items():
        if not isinstance(path, str) or not path.startswith("/"):
            raise ValueError(f"paths[{name!r}] must be a path starting with '/', got {path!r}")
    check_int(rounds, "rounds", low=1)
    base = service.url
    shuffle = random.Random(seed).shuffle
    runs: dict[str, list[LoadResult]] = {name: [] for name in paths}
    cpu: dict[str, list[float]] = {name: [] for name in paths}
    order = list(paths)
    lags: dict[str, list[float]] = {name: [] for name in paths} if lag is not None else {}
    hooks = dict(before or {})
    unknown = sorted(set(hooks) - set(paths))
    if unknown:
        raise ValueError(f"before names endpoints that are not in paths: {unknown}; the names are {list(paths)}")
    for round_ in range(0 if warmup_round else 1, rounds + 1):  # round 0 warms up and is not kept
        shuffle(order)
        for name in order:
            target = {"url": base + paths[name], "headers": dict(headers or {}), "method": method}
            if lag is not None:
                lag()  # starts the server's record over
            if name in hooks:
                hooks[name]()
            with server_usage(service) as use:
                result = load_test(target, concurrency=concurrency, rate=rate,
                                   duration=duration if round_ else min(duration, 0.1), repeats=1, warmup=0)
            blocked = lag() if lag is not None else math.nan
            if after is not None:
                after()
            if round_:
                answered = sum(int(((r["status"] >= 100) & (r["status"] < 400)).sum()) for r in result.runs)
                runs[name].append(result)
                cpu[name].append(use.cpu / answered if answered else math.nan)
                if lag is not None:
                    lags[name].append(blocked)
    loads = {}
    for name, results in runs.items():
        first = results[0]
        loads[name] = LoadResult(first.target, first.mode, first.rate, first.concurrency, first.duration,
                                 [run for r in results for run in r.runs], 0.0, first.timeout, first.max_connections)
    return EndpointComparison(dict(paths), loads, cpu, lags)
