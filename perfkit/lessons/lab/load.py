"""pk.load_test: put a service under load, at a fixed rate or with a fixed number of clients.

    with pk.serve("perfkit.lessons.lab.apps:delay_app", factory=True) as svc:
        r = pk.load_test(svc.url + "/sleep?ms=20", rate=200, duration=2)     # open loop
        r = pk.load_test(svc.url + "/work?ms=1", concurrency=8)               # closed loop
    r.p99, r.throughput, r.errors, r.client_limited, r.plot(), r.verdict("p95", below=0.1)

Open loop (`rate=`): request i is due at start + i / rate, whatever became of the others, as
users arriving at a site do. It is sent at its due time on a free keep-alive connection (a new one
if none is free, up to `MAX_CONNECTIONS`), and its latency counts from when it was *due*: a server
that stalls for 300 ms shows every request that came due meanwhile as late, instead of the few
that happened to be in flight (the "coordinated omission" of drivers that wait for an answer
before they send the next request). Requests go out within ~0.1 ms of their due time (see SPIN
below: waiting out the last 2.5 ms costs the client up to a quarter of a core); how late they were
sent is in `result.send_lag`.

Closed loop (`concurrency=`): N clients, each with its own connection, send one request after
another for `duration` seconds. Throughput is then what the server (or the client) manages, and
latency is the service time.

The driver is perfkit's own (Locust patches the kernel with gevent and rounds to whole
milliseconds; wrk is no Python package): it runs on perfkit's own event loop in a thread of its
own (engine/aio.py), so it works in a script and in a notebook alike, and sends with the minimal
client in client.py. benchmarks/load_vs_wrk.py compares it with wrk. The result says when the
client, not the server, was the limit: an open loop that sent less than 95% of its rate, or a
client process that used 90% or more of a CPU core (its CPU time counts every thread of this
process, a server run in-process included).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from typing import Any

from ...engine.aio import LoopThread
from .client import Connection, Request, error_kind, prepare
from .loadresult import LoadResult

MAX_CONNECTIONS = 512  # open loop: beyond this many, requests wait for a free connection
MAX_REQUESTS = 1_000_000  # per repeat: the records stay in memory
# asyncio's timers wake up to ~1 ms late, more on an idle machine (epoll counts whole milliseconds,
# and an idle CPU wakes slowly). The open loop sleeps until SPIN before a request is due, then
# yields to the loop until it is: send lag ~0.1 ms instead of ~1 ms. SPIN is at most SPIN_SHARE of
# the interval between requests, so the yielding costs at most that share of a core.
SPIN = 0.0025
SPIN_SHARE = 0.25

__all__ = ["load_test", "LoadResult"]


class _Pool:
    """Keep-alive connections to one host; a request waits for a free one beyond `limit`."""

    def __init__(self, host: str, port: int, limit: int) -> None:
        self.host, self.port, self.limit = host, port, limit
        self.idle: deque[Connection] = deque()
        self.waiters: deque[asyncio.Future[Connection]] = deque()
        self.count = self.waits = 0

    async def acquire(self) -> Connection:
        if self.idle:
            return self.idle.pop()
        if self.count < self.limit:
            self.count += 1
            return Connection(self.host, self.port)
        self.waits += 1
        waiter: asyncio.Future[Connection] = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        return await waiter

    def release(self, connection: Connection) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return
        self.idle.append(connection)

    def close(self) -> None:
        for connection in self.idle:
            connection.close()
        self.idle.clear()


class _Record:
    """Per request: due, start, end (perf_counter), status and error; appended as answers come."""

    def __init__(self) -> None:
        self.due: list[float] = []
        self.start: list[float] = []
        self.end: list[float] = []
        self.status: list[int] = []
        self.error: list[str] = []

    def run(self, t0: float, elapsed: float, cpu: float, waits: int) -> dict[str, Any]:
        order = sorted(range(len(self.due)), key=self.due.__getitem__)
        return {"due": [self.due[i] - t0 for i in order], "start": [self.start[i] - t0 for i in order],
                "end": [self.end[i] - t0 for i in order], "status": [self.status[i] for i in order],
                "error": [self.error[i] for i in order], "elapsed": elapsed, "cpu": cpu, "waits": waits}


async def _send(connection: Connection, request: Request, timeout: float) -> int:
    if hasattr(asyncio, "timeout"):  # Python 3.11+: cheaper than wait_for's extra task
        async with asyncio.timeout(timeout):
            return await connection.send(request)
    return await asyncio.wait_for(connection.send(request), timeout)


async def _one(pool: _Pool, request: Request, due: float | None, timeout: float, record: _Record) -> None:
    connection = await pool.acquire()
    start = time.perf_counter()  # sent: a request waiting for a free connection is not sent yet
    try:
        status = await _send(connection, request, timeout)
        error = f"HTTP {status}" if status >= 400 else ""
    except Exception as exc:  # noqa: BLE001 (every failure is counted by its kind)
        connection.close()
        status, error = 0, error_kind(exc)
    except BaseException:
        connection.close()
        raise
    finally:
        pool.release(connection)
    record.end.append(time.perf_counter())
    record.due.append(start if due is None else due)
    record.start.append(start)
    record.status.append(status)
    record.error.append(error)


async def _open_loop(pool: _Pool, requests: list[Request], rate: float, duration: float,
                     timeout: float, record: _Record) -> float:
    loop = asyncio.get_running_loop()
    n, interval = max(1, round(rate * duration)), 1.0 / rate
    spin = min(SPIN, SPIN_SHARE * interval)
    tasks: set[asyncio.Task[None]] = set()
    t0 = time.perf_counter() + 0.002
    try:
        for i in range(n):
            due = t0 + i * interval
            delay = due - time.perf_counter()
            if delay > spin:
                await asyncio.sleep(delay - spin)
            while time.perf_counter() < due:
                await asyncio.sleep(0)  # the loop still serves I/O; a timer alone wakes ~1 ms late
            task = loop.create_task(_one(pool, requests[i % len(requests)], due, timeout, record))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(set(tasks))
    finally:
        for task in tasks:
            task.cancel()
    return t0


async def _closed_loop(pool: _Pool, requests: list[Request], concurrency: int, duration: float,
                       timeout: float, record: _Record) -> float:
    t0 = time.perf_counter()
    stop = t0 + duration

    async def client(k: int) -> None:
        i = k
        while time.perf_counter() < stop:
            await _one(pool, requests[i % len(requests)], None, timeout, record)
            i += concurrency

    await asyncio.gather(*(client(k) for k in range(concurrency)))
    return t0


async def _drive(requests: list[Request], rate: float | None, concurrency: int | None, duration: float,
                 repeats: int, warmup: float, timeout: float) -> list[dict[str, Any]]:
    pool = _Pool(requests[0].host, requests[0].port, concurrency or MAX_CONNECTIONS)

    async def once(seconds: float) -> tuple[_Record, float]:
        record = _Record()
        if rate is not None:
            return record, await _open_loop(pool, requests, rate, seconds, timeout, record)
        return record, await _closed_loop(pool, requests, concurrency or 1, seconds, timeout, record)

    runs = []
    try:
        if warmup > 0:
            await once(warmup)
        for _ in range(repeats):
            waits, cpu = pool.waits, time.process_time()
            record, t0 = await once(duration)
            cpu = time.process_time() - cpu
            # the run lasts its duration, or until its last answer came if that was later
            elapsed = max(max(record.end, default=t0) - t0, duration)
            runs.append(record.run(t0, elapsed, cpu, pool.waits - waits))
    finally:
        pool.close()
    return runs


def _number(value: Any, name: str, rule: str, ok: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not ok(value):
        raise ValueError(f"{name} must be {rule}, got {value!r}")
    return float(value)


def load_test(target: Any, *, rate: float | None = None, concurrency: int | None = None,
              duration: float = 2.0, repeats: int = 3, method: str = "GET", warmup: float = 0.2,
              timeout: float = 5.0) -> LoadResult:
    """Send requests to `target` at a fixed rate (open loop) or from N clients (closed loop).

    Args:
        target: a URL ("http://127.0.0.1:8000/items/1"), a dict with url and optional method,
            headers, json or body, or a list of those, sent in turn (all to one host and port).
        rate: requests per second, each sent when due whatever became of the others (open loop).
        concurrency: clients that each send one request after another (closed loop). Give exactly
            one of rate and concurrency.
        duration: seconds each repeat sends for.
        repeats: runs, for the statistics' intervals (the value is the median over runs).
        method: the HTTP method of targets that do not name one.
        warmup: seconds of the same load sent first and not counted (connections, caches).
        timeout: seconds a request may take before it counts as a "timeout" error.

    Returns:
        A LoadResult: throughput, p50/p90/p99/max with intervals, errors by kind, every request.
    """
    if rate is not None and concurrency is not None:
        raise ValueError("give rate= (requests per second, open loop) or concurrency= (clients, closed loop), "
                         f"not both; got rate={rate!r} and concurrency={concurrency!r}")
    if rate is None and concurrency is None:
        raise ValueError("give rate= (requests per second, open loop) or concurrency= (clients, closed loop)")
    if rate is not None:
        rate = _number(rate, "rate", "a number of requests per second > 0", lambda x: x > 0)
    if concurrency is not None and (isinstance(concurrency, bool) or not isinstance(concurrency, int)
                                    or not 1 <= concurrency <= MAX_CONNECTIONS):
        raise ValueError(f"concurrency must be an int from 1 to {MAX_CONNECTIONS} (clients), got {concurrency!r}")
    duration = _number(duration, "duration", "a number of seconds > 0", lambda x: x > 0)
    warmup = _number(warmup, "warmup", "a number of seconds >= 0", lambda x: x >= 0)
    timeout = _number(timeout, "timeout", "a number of seconds > 0", lambda x: x > 0)
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be an int >= 1, got {repeats!r}")
    if rate is not None and rate * duration > MAX_REQUESTS:
        raise ValueError(f"rate x duration must be at most {MAX_REQUESTS:,} requests per repeat, "
                         f"got {rate * duration:,.0f}")
    specs = target if isinstance(target, (list, tuple)) else [target]
    if not specs:
        raise ValueError("target must name at least one request, got an empty list")
    requests = [prepare(spec, method) for spec in specs]
    if len({(r.host, r.port) for r in requests}) > 1:
        raise ValueError(f"every target must go to one host and port, got {sorted({r.url for r in requests})}")

    limit = (warmup + duration + timeout + 1) * (repeats + 1) + 5
    with LoopThread() as loop:
        runs = loop.run(_drive(requests, rate, concurrency, duration, repeats, warmup, timeout),
                        timeout=limit, what="the load test")
    return LoadResult([r.label for r in requests], "open" if rate is not None else "closed", rate,
                      concurrency, duration, runs, warmup, timeout,
                      MAX_CONNECTIONS if rate is not None else concurrency)
