"""ConcurrencySweep: endpoints of one service under 10, 40, 80, ... clients: where a pool runs out.

    s = concurrency_sweep(svc, {"def + time.sleep": "/sync/block?ms=100",
                                "async def + asyncio.sleep": "/async/sleep?ms=100"}, [10, 40, 80])
    s.throughput("def + time.sleep")          # one Estimate per number of clients
    s.verdict("async def + asyncio.sleep", faster_than="def + time.sleep", at=80, on="throughput")
    s.plot(service_time=0.1, pool=40)         # throughput against clients, with the ideal and the cap

At each number of clients the endpoints are load-tested in interleaved rounds (compare_endpoints,
closed loop): each client sends one request after another, so with a service time of 100 ms and
`c` clients an endpoint that serves them all at once answers c / 0.1 s requests per second. One
that can serve only `pool` at a time (FastAPI's thread pool for `def` endpoints) tops out at
pool / 0.1 s, and its latency grows as c / pool service times.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from ...engine.results import Result, draw, known
from ...engine.stats import Estimate
from ...engine.verdict import Verdict
from .endpoints import EndpointComparison, compare_endpoints


@dataclass(eq=False)
class ConcurrencySweep(Result):
    """One EndpointComparison per number of clients."""

    clients: list[int]
    comparisons: list[EndpointComparison]

    def __post_init__(self) -> None:
        if len(self.clients) != len(self.comparisons) or not self.clients:
            raise ValueError(f"clients and comparisons must be lists of one equal length >= 1, got "
                             f"{len(self.clients)} and {len(self.comparisons)}")

    @property
    def names(self) -> list[str]:
        return self.comparisons[0].names

    def __getitem__(self, clients: int) -> EndpointComparison:
        return self.comparisons[self.clients.index(known(clients, self.clients, "number of clients"))]

    def throughput(self, name: str) -> list[Estimate]:
        """Requests answered per second at each number of clients."""
        known(name, self.names, "endpoint")
        return [c[name].throughput for c in self.comparisons]

    def latency(self, name: str, percentile: str = "p50") -> list[Estimate]:
        """A latency percentile at each number of clients."""
        known(name, self.names, "endpoint")
        return [c[name].latency(percentile) for c in self.comparisons]

    def verdict(self, subject: str, faster_than: str, at: int, by: float | None = None, *,
                on: str = "throughput", claim: Any = None) -> Verdict:
        """Judge "`subject` is at least `by` times faster than `faster_than`" with `at` clients."""
        v = self[at].verdict(subject, faster_than, by, on=on, claim=claim)
        return Verdict(f"{v.subject}, {at} clients", f"{v.baseline}, {at} clients", v.relation, v.by,
                       v.estimate, v.claim)

    def plot(self, ax: Any = None, **options: Any) -> Any:
        """Throughput (or `what="p50"`) against the number of clients; see plot_concurrency_sweep."""
        return draw(self, ax, **options)

    def _rows(self) -> list[list[str]]:
        from ...engine.units import format_seconds, format_value

        return [[name, str(c), format_value(self[c][name].throughput.value, "req/s"),
                 format_seconds(self[c][name].p50.value), format_seconds(self[c][name].p99.value)]
                for name in self.names for c in self.clients]

    _HEADER = ["endpoint", "clients", "throughput", "p50", "p99"]

    def __repr__(self) -> str:
        from ...engine.tables import text_table

        return f"ConcurrencySweep: {self.comparisons[0].describe()}\n" + text_table(self._HEADER, self._rows(), left=(0,))

    def _repr_html_(self) -> str:
        from ...engine.tables import table

        return table(self._HEADER, self._rows(), caption=f"Clients {self.clients}: medians over rounds")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "clients": self.clients, "comparisons": [c.to_dict() for c in self.comparisons]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ConcurrencySweep":
        return cls(list(data["clients"]), [EndpointComparison.from_dict(c) for c in data["comparisons"]])


def concurrency_sweep(service: Any, paths: Mapping[str, str], clients: Sequence[int], *, duration: float = 0.3,
                      rounds: int = 2, warmup_round: bool = False, **options: Any) -> ConcurrencySweep:
    """Run compare_endpoints(service, paths, concurrency=c, ...) for each c in `clients`.

    Args:
        service: a running Service from pk.serve.
        paths: name -> path on the service.
        clients: the numbers of clients (closed loop), e.g. [10, 40, 80].
        duration, rounds, warmup_round, **options: passed to compare_endpoints.
    """
    if not clients:
        raise ValueError("clients must hold at least one number of clients, e.g. [10, 40, 80]")
    for c in clients:
        if isinstance(c, bool) or not isinstance(c, int) or c < 1:
            raise ValueError(f"each number of clients must be an int >= 1, got {c!r}")
    comparisons = [compare_endpoints(service, paths, concurrency=c, duration=duration, rounds=rounds,
                                     warmup_round=warmup_round, **options) for c in clients]
    return ConcurrencySweep(list(clients), comparisons)
