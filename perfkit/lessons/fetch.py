"""The plumbing of the gather-vs-sequential lesson: HTTP clients, loop lag, the CPU a batch costs.

The fetch functions under test are the caller's (the notebook's): `async def fetch(url, n)`
that makes `n` requests of `url` (an HTTP server such as `LatencyServer`) and returns how many
succeeded, so that `pk.compare` can check that the variants agree before timing them:

    async def gathered(url, n):
        async with async_client() as client:
            responses = await asyncio.gather(*(client.get(url) for _ in range(n)))
        return sum(r.status_code == 200 for r in responses)

    with pk.LatencyServer(latency=0.05) as server:
        pk.compare({"gather": partial(gathered, server.url, 20), ...})

Each batch should open its own client: an httpx client's connections belong to the event loop
that opened them, and perfkit runs async kernels on a loop of its own. The clients made here
share one SSL context (building one loads the CA bundle, tens of ms that a plain-http request
never uses).
"""

from __future__ import annotations

import functools
import ssl
import statistics
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping

import httpx

from ..engine.aio import LoopLag, loop_lag, run_async
from ..engine.checks import check_int
from ..engine.kernels import Default, given, kernel_kwargs
from ..engine.results import Result, known
from ..engine.units import format_seconds

_TIMEOUT = 30.0  # seconds; a request queued behind a small pool must not time out


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()


def _check_n(n: Any, name: str = "n") -> int:
    return check_int(n, name, low=1)


def _check_limit(limit: Any, name: str = "limit") -> int | None:
    return None if limit is None else _check_n(limit, name)


def async_client(max_connections: int | None = None) -> httpx.AsyncClient:
    """An httpx.AsyncClient for a loopback server: no proxies from the environment, long timeout.

    Args:
        max_connections: the pool's limit on open connections (httpx's default is 100).
    """
    limits = httpx.Limits(max_connections=_check_limit(max_connections, "max_connections") or 100,
                          max_keepalive_connections=20)
    return httpx.AsyncClient(verify=_ssl_context(), trust_env=False, timeout=_TIMEOUT,
                             limits=limits)


def sync_client() -> httpx.Client:
    """The blocking httpx.Client, configured like `async_client`."""
    return httpx.Client(verify=_ssl_context(), trust_env=False, timeout=_TIMEOUT)


def measure_loop_lag(fn: Callable[..., Awaitable[Any]], /, *args: Any, interval: float = Default(0.001),  # type: ignore[assignment]
                     kwargs: Mapping[str, Any] | None = None, **fn_kwargs: Any) -> LoopLag:
    """Run `await fn(*args, **kwargs)` once under `loop_lag`: how long was the loop blocked?

    `interval` and `kwargs` are measure_loop_lag's own, every other keyword is fn's; an
    `interval=` that fn takes too is refused as ambiguous (TypeError), as in pk.bench.

    Args:
        fn: an async function (or a partial of one), e.g. one that calls a blocking client.
        interval: how often the ticker that detects lag wants to run, in seconds.

    Returns:
        The LoopLag: `.max` is the longest stretch nothing else could run on the loop.
    """
    if not callable(fn):
        raise TypeError(f"fn must be an async function, got {type(fn).__name__}")
    kwargs = kernel_kwargs(fn, "measure_loop_lag", {"interval": interval}, kwargs, fn_kwargs)
    interval = given(interval)

    async def watched() -> LoopLag:
        async with loop_lag(interval) as lag:
            await fn(*args, **kwargs)
        return lag

    return run_async(watched())


@dataclass(frozen=True)
class RequestCost(Result):
    """What a batch of requests costs besides waiting for the server (medians of `repeat` runs).

    Attributes:
        n: requests per batch.
        concurrent: True if the batch was gathered, False if awaited one by one.
        wall: seconds the batch took.
        loop_cpu: CPU seconds the event-loop thread spent (the client: httpx, anyio, asyncio).
        process_cpu: CPU seconds of the whole process (includes an in-process server's threads).
    """

    n: int
    concurrent: bool
    wall: float
    loop_cpu: float
    process_cpu: float

    @property
    def names(self) -> list[str]:
        """One name for the one batch: "gathered" or "sequential"."""
        return ["gathered" if self.concurrent else "sequential"]

    def __getitem__(self, name: str) -> "RequestCost":
        known(name, self.names, "batch")
        return self

    @property
    def wall_per_request(self) -> float:
        return self.wall / self.n

    @property
    def loop_cpu_per_request(self) -> float:
        return self.loop_cpu / self.n

    @property
    def process_cpu_per_request(self) -> float:
        return self.process_cpu / self.n

    def __repr__(self) -> str:
        how = "gathered" if self.concurrent else "one by one"
        return (f"RequestCost({self.n} requests {how}: {format_seconds(self.wall)} in all, "
                f"{format_seconds(self.wall_per_request)} per request; CPU per request: "
                f"{format_seconds(self.loop_cpu_per_request)} in the event-loop thread, "
                f"{format_seconds(self.process_cpu_per_request)} in the whole process)")

    def _repr_html_(self) -> str:
        from ..engine.tables import table

        return table(["batch", "requests", "wall per request", "loop-thread CPU per request",
                      "process CPU per request"],
                     [[self.names[0], self.n, format_seconds(self.wall_per_request),
                       format_seconds(self.loop_cpu_per_request), format_seconds(self.process_cpu_per_request)]],
                     notes=["medians of repeated batches; CPU of the loop thread is the client's own cost"])

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "n": self.n, "concurrent": self.concurrent, "wall": self.wall,
                "loop_cpu": self.loop_cpu, "process_cpu": self.process_cpu}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RequestCost":
        return cls(int(data["n"]), bool(data["concurrent"]), float(data["wall"]),
                   float(data["loop_cpu"]), float(data["process_cpu"]))


def request_cost(fetch: Callable[[str, int], Awaitable[int]], url: str, n: int = 20, *,
                 concurrent: bool = True, repeat: int = 5) -> RequestCost:
    """Time a batch `await fetch(url, n)` and the CPU it burns; point it at a zero-latency server.

    One batch is run first and discarded (imports, first connections).

    Args:
        fetch: an async function that makes `n` requests of `url` and returns how many
            answered 200 OK.
        url: the server, e.g. `LatencyServer(latency=0).url`.
        n: requests per batch.
        concurrent: whether `fetch` gathers its requests (True) or awaits them one by one;
            it names the batch in the result.
        repeat: batches measured; the medians are reported.
    """
    if not callable(fetch):
        raise TypeError(f"fetch must be an async function of (url, n), got {type(fetch).__name__}")
    _check_n(n)
    _check_n(repeat, "repeat")

    async def batch() -> tuple[float, float, float]:
        t0, c0, p0 = time.perf_counter(), time.thread_time(), time.process_time()
        got = await fetch(url, n)
        if got != n:
            raise RuntimeError(f"only {got} of {n} requests to {url} answered 200 OK")
        return time.perf_counter() - t0, time.thread_time() - c0, time.process_time() - p0

    async def batches() -> list[tuple[float, float, float]]:
        await batch()  # warm-up
        return [await batch() for _ in range(repeat)]

    runs = run_async(batches())
    wall, loop_cpu, process_cpu = (statistics.median(column) for column in zip(*runs))
    return RequestCost(n, concurrent, wall, loop_cpu, process_cpu)
