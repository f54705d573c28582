"""N requests awaited one by one or all at once: the scenarios of the gather-vs-sequential lesson.

Every function here is an `async def` that makes `n` requests of `url` (an HTTP server such as
`LatencyServer`) or waits `n` times, and returns how many of them succeeded, so that
`pk.compare` can check that the variants agree before timing them:

    with pk.LatencyServer(latency=0.05) as server:
        pk.compare({"sequential": partial(fetch_sequential, server.url, 20),
                    "gather": partial(fetch_gather, server.url, 20)})

Each call makes its own client: an httpx client's connections belong to the event loop that
opened them, and perfkit runs async kernels on a loop of its own. The clients share one SSL
context (building one loads the CA bundle, tens of ms that a plain-http request never uses).
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import statistics
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

import httpx

from ..engine.aio import LoopLag, loop_lag, run_async
from .servers import _check_latency
from ..engine.units import format_seconds

_TIMEOUT = 30.0  # seconds; a request queued behind a small pool must not time out


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()


def _check_n(n: Any, name: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{name} must be an int >= 1, got {n!r}")
    return n


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


def _ok(response: httpx.Response) -> bool:
    return response.status_code == 200


async def fetch_sequential(url: str, n: int) -> int:
    """GET `url` `n` times, awaiting each response before sending the next request.

    Returns:
        How many responses were 200 OK.
    """
    _check_n(n)
    async with async_client() as client:
        return sum([_ok(await client.get(url)) for _ in range(n)])


async def fetch_gather(url: str, n: int, limit: int | None = None,
                       max_connections: int | None = None) -> int:
    """GET `url` `n` times concurrently with `asyncio.gather`.

    Args:
        url: the address to GET.
        n: how many requests.
        limit: at most this many requests in flight at once (an `asyncio.Semaphore`);
            None for no limit.
        max_connections: the client's connection-pool limit (`httpx.Limits`), which also
            bounds how many requests are in flight; None for httpx's default of 100.

    Returns:
        How many responses were 200 OK.
    """
    _check_n(n)
    semaphore = asyncio.Semaphore(_check_limit(limit)) if limit is not None else None
    async with async_client(max_connections) as client:
        async def one() -> bool:
            if semaphore is None:
                return _ok(await client.get(url))
            async with semaphore:
                return _ok(await client.get(url))

        return sum(await asyncio.gather(*(one() for _ in range(n))))


async def fetch_blocking(url: str, n: int) -> int:
    """The pitfall: `n` tasks under `asyncio.gather`, each calling a *blocking* client.

    Each `client.get` holds the event loop until its response is in, so the tasks run one
    after another: no faster than `fetch_sequential`, and nothing else on the loop can run.
    """
    _check_n(n)
    with sync_client() as client:
        async def one() -> bool:
            return _ok(client.get(url))  # blocks the loop: no await inside

        return sum(await asyncio.gather(*(one() for _ in range(n))))


async def fetch_to_thread(url: str, n: int) -> int:
    """The fix for a blocking client: each call runs in a worker thread (`asyncio.to_thread`).

    The default executor has min(32, cpu_count + 4) threads, so at most that many requests
    are in flight at once.
    """
    _check_n(n)
    with sync_client() as client:
        async def one() -> bool:
            return _ok(await asyncio.to_thread(client.get, url))

        return sum(await asyncio.gather(*(one() for _ in range(n))))


async def sleep_sequential(n: int, latency: float) -> int:
    """Await `asyncio.sleep(latency)` `n` times in a row: I/O with no client cost at all."""
    _check_n(n)
    latency = _check_latency(latency)
    for _ in range(n):
        await asyncio.sleep(latency)
    return n


async def sleep_gather(n: int, latency: float, limit: int | None = None) -> int:
    """`n` concurrent `asyncio.sleep(latency)`, at most `limit` at once (None: no limit)."""
    _check_n(n)
    latency = _check_latency(latency)
    semaphore = asyncio.Semaphore(_check_limit(limit)) if limit is not None else None

    async def one() -> bool:
        if semaphore is None:
            await asyncio.sleep(latency)
        else:
            async with semaphore:
                await asyncio.sleep(latency)
        return True

    return sum(await asyncio.gather(*(one() for _ in range(n))))


async def sleep_blocking(n: int, latency: float) -> int:
    """The pitfall with no network: `time.sleep` inside `async def` tasks under gather."""
    _check_n(n)
    latency = _check_latency(latency)

    async def one() -> bool:
        time.sleep(latency)  # blocks the loop
        return True

    return sum(await asyncio.gather(*(one() for _ in range(n))))


async def sleep_to_thread(n: int, latency: float) -> int:
    """`time.sleep` moved off the loop with `asyncio.to_thread`, `n` of them under gather."""
    _check_n(n)
    latency = _check_latency(latency)

    async def one() -> bool:
        await asyncio.to_thread(time.sleep, latency)
        return True

    return sum(await asyncio.gather(*(one() for _ in range(n))))


def measure_loop_lag(fn: Callable[..., Awaitable[Any]], *args: Any, interval: float = 0.001,
                     **kwargs: Any) -> LoopLag:
    """Run `await fn(*args, **kwargs)` once under `loop_lag`: how long was the loop blocked?

    Args:
        fn: an async function (or a partial of one), such as `fetch_blocking`.
        interval: how often the ticker that detects lag wants to run, in seconds.

    Returns:
        The LoopLag: `.max` is the longest stretch nothing else could run on the loop.
    """
    if not callable(fn):
        raise TypeError(f"fn must be an async function, got {type(fn).__name__}")

    async def watched() -> LoopLag:
        async with loop_lag(interval) as lag:
            await fn(*args, **kwargs)
        return lag

    return run_async(watched())


@dataclass(frozen=True)
class RequestCost:
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

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "concurrent": self.concurrent, "wall": self.wall,
                "loop_cpu": self.loop_cpu, "process_cpu": self.process_cpu}


def request_cost(url: str, n: int = 20, *, concurrent: bool = True, repeat: int = 5) -> RequestCost:
    """Time a batch of `n` requests and the CPU it burns; point it at a zero-latency server.

    One batch is run first and discarded (imports, first connections).

    Args:
        url: the server, e.g. `LatencyServer(latency=0).url`.
        n: requests per batch.
        concurrent: gather the batch (`fetch_gather`) or await one by one (`fetch_sequential`).
        repeat: batches measured; the medians are reported.
    """
    _check_n(n)
    _check_n(repeat, "repeat")
    fetch = fetch_gather if concurrent else fetch_sequential

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
