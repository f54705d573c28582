"""perfkit's load driver against wrk: throughput and median latency at the same number of connections.

    python benchmarks/load_vs_wrk.py            (needs wrk on PATH: apt-get install wrk)

The lab service (uvicorn, one worker) serves an endpoint that keeps the CPU busy for 1 ms and one
that sleeps 5 ms. For each, with N = 1, 4 and 16 connections, wrk (`wrk -t1 -cN -d3s --latency`)
and `pk.load_test(url, concurrency=N, duration=3)` load it in turn; the table shows both and the
ratio perfkit/wrk, against the target: within 15% (0.85 - 1.15) for throughput and p50.

Then what one request costs the client in CPU time, perfkit's own client against httpx (the
reason the driver does not send with httpx; see perfkit/lessons/lab/client.py).

The script installs nothing; without wrk it says how to get it and skips the comparison.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import time

import perfkit as pk
from perfkit.engine.units import format_seconds

ENDPOINTS = ("/work?ms=1", "/sleep?ms=5")
CONNECTIONS = (1, 4, 16)
SECONDS = 3
TARGET = 0.15
_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0}


def wrk(url: str, connections: int) -> tuple[float, float]:
    """Requests per second and p50 latency (seconds) from one wrk run."""
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{SECONDS}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
    return rate, float(value) * _UNITS[unit]


def perfkit(url: str, connections: int) -> tuple[float, float, bool]:
    r = pk.load_test(url, concurrency=connections, duration=SECONDS, repeats=1, warmup=0.2)
    return r.throughput.value, r.p50.value, r.client_limited


def _mark(ratio: float) -> str:
    return "ok" if abs(ratio - 1) <= TARGET else "OUTSIDE"


def compare(base: str) -> None:
    print(f"{'endpoint':<14}{'N':>3}  {'wrk req/s':>10}{'perfkit':>10}{'ratio':>7}    "
          f"{'wrk p50':>9}{'perfkit':>10}{'ratio':>7}    target: ratio within 1 +- {TARGET:.2f}")
    for endpoint in ENDPOINTS:
        url = base + endpoint
        for n in CONNECTIONS:
            pk.load_test(url, concurrency=n, duration=0.5, repeats=1, warmup=0)  # warm the server
            w_rate, w_p50 = wrk(url, n)
            p_rate, p_p50, limited = perfkit(url, n)
            r_rate, r_p50 = p_rate / w_rate, p_p50 / w_p50
            print(f"{endpoint:<14}{n:>3}  {w_rate:>10,.0f}{p_rate:>10,.0f}{r_rate:>7.2f} {_mark(r_rate):>3}"
                  f"{format_seconds(w_p50):>9}{format_seconds(p_p50):>10}{r_p50:>7.2f} {_mark(r_p50)}"
                  f"{'  (perfkit: client-limited)' if limited else ''}")


def client_cost(base: str, n: int = 2000) -> None:
    """CPU time per request of perfkit's client and of httpx, 8 connections, a trivial endpoint."""
    from perfkit.lessons.lab.client import Connection, prepare

    request = prepare(base + "/health")

    async def own() -> None:
        async def one_client() -> None:
            connection = Connection(request.host, request.port)
            for _ in range(n // 8):
                await connection.send(request)
            connection.close()
        await asyncio.gather(*(one_client() for _ in range(8)))

    async def with_httpx() -> None:
        import httpx

        async with httpx.AsyncClient(trust_env=False, limits=httpx.Limits(max_connections=8)) as client:
            async def one_client() -> None:
                for _ in range(n // 8):
                    await client.get(request.url)
            await asyncio.gather(*(one_client() for _ in range(8)))

    for name, fn in (("perfkit's client", own), ("httpx.AsyncClient", with_httpx)):
        try:
            cpu = time.process_time()
            pk.run_async(fn())
        except ImportError:
            print(f"{name}: not installed, skipped")
            continue
        print(f"{name:<18} {format_seconds((time.process_time() - cpu) / n)} of client CPU per request")


def main() -> None:
    print(f"# measured on {pk.describe_machine()}")
    with pk.serve("perfkit.lessons.lab.apps:delay_app", factory=True) as svc:
        if shutil.which("wrk") is None:
            print("wrk is not on PATH: the comparison is skipped. Install it (Debian/Ubuntu: "
                  "apt-get install wrk; macOS: brew install wrk) and run this again.")
        else:
            compare(svc.url)
        print()
        client_cost(svc.url)


if __name__ == "__main__":
    main()
