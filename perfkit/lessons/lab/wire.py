"""What a response costs, seen from both ends: bytes and times at the client, CPU and memory at the server.

    got = fetch(svc.url + "/gzip/items?n=1000", gzip=True)        # one GET, timed
    got.wire_bytes, got.first_byte, got.first_body, got.total, got.json()
    fetch(url, gzip=True, bandwidth=1e6)                           # a slow link, simulated
    with server_usage(svc) as use:                                 # the service's process
        fetch(svc.url + "/export/whole?n=200000")
    use.cpu, use.peak_rss - use.rss_before
    server_cpu_per_request(svc, url, n=200)                        # an Estimate over repeats

`fetch` speaks HTTP/1.1 with http.client on a connection of its own, so the body is counted as it
came over the wire (before gzip is undone), and the times are the client's: when the status line
came (`first_byte`), when the first byte of the body came (`first_body`), when the last did (`total`).
`bandwidth=` simulates a slow link by reading at most that many bytes per second: the response
takes as long to arrive as it would over such a link (the server's socket buffer fills, and waits).

`server_usage` reads the service process's CPU time (psutil) and its peak resident memory: on
Linux the kernel's high-water mark (VmHWM), reset when the block starts; elsewhere psutil samples
every 5 ms, which can miss a peak shorter than that.
"""

from __future__ import annotations

import http.client
import json
import math
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ...engine.checks import check_int, check_number
from ...engine.optional import require
from ...engine.stats import Estimate
from .loadresult import over_repeats

_CHUNK = 16_384
_SAMPLE = 0.005  # seconds between RSS samples where the kernel keeps no high-water mark


@dataclass(frozen=True)
class Fetched:
    """One response, as the client got it."""

    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes  # as the application sees it: gzip undone when Content-Encoding says gzip
    wire_bytes: int  # body bytes as they came over the wire (compressed, if they were)
    first_byte: float  # seconds from sending the request to the status line
    first_body: float  # ... to the first byte of the body (nan for an empty body)
    total: float  # ... to the last byte of the body

    @property
    def encoding(self) -> str:
        """The Content-Encoding the server declared ("identity" when none)."""
        return self.headers.get("content-encoding", "identity")

    def json(self) -> Any:
        """The body parsed as JSON (raises what json.loads raises: undecodable bytes stay an error)."""
        return json.loads(self.body)


def _parts(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"url must be a plain http://host[:port]/path URL, got {url!r}")
    return parts.hostname, parts.port or 80, (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def fetch(url: str, *, gzip: bool = False, bandwidth: float | None = None, decode: bool = True,
          timeout: float = 30.0) -> Fetched:
    """GET `url` on a new connection, and time it.

    Args:
        url: an http:// URL.
        gzip: send `Accept-Encoding: gzip` (else `identity`).
        bandwidth: bytes per second the body may arrive at (a slow link, simulated); None: as fast as it comes.
        decode: undo gzip when the response says Content-Encoding: gzip (a client would); bytes that
            are compressed but not declared so stay as they came, as they would for any client.
        timeout: seconds the connection may wait for the server.
    """
    host, port, target = _parts(url)
    if bandwidth is not None:
        check_number(bandwidth, "bandwidth", low=0, low_open=True, hint="(bytes per second, or None)")
    check_number(timeout, "timeout", low=0, low_open=True)
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        start = time.perf_counter()
        conn.request("GET", target, headers={"Accept-Encoding": "gzip" if gzip else "identity"})
        response = conn.getresponse()
        first_byte = time.perf_counter() - start
        chunks, got, first_body = [], 0, math.nan
        body_start = time.perf_counter()
        while True:
            chunk = response.read1(_CHUNK)
            if not chunk:
                break
            if not chunks:
                first_body = time.perf_counter() - start
            chunks.append(chunk)
            got += len(chunk)
            if bandwidth is not None:  # the link lets `got` bytes through by body_start + got / bandwidth
                wait = body_start + got / bandwidth - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
        total = time.perf_counter() - start
        headers = {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()
    body = b"".join(chunks)
    if decode and headers.get("content-encoding") == "gzip":
        body = zlib.decompress(body, wbits=31)  # 31: a gzip header and trailer
    return Fetched(response.status, headers, body, got, first_byte, first_body, total)


def _process(service: Any) -> Any:
    psutil = require("psutil", "measuring the service's process", "lab")
    pid = getattr(service, "pid", None)
    if not isinstance(pid, int) or not getattr(service, "running", False):
        raise ValueError(f"service must be a running Service from pk.serve, got {service!r:.80}")
    return psutil.Process(pid)


def _cpu(process: Any) -> float:
    """User and system seconds of the process and its children (uvicorn's workers)."""
    t = process.cpu_times()
    return t.user + t.system + t.children_user + t.children_system


class ServerUsage:
    """CPU seconds and peak resident memory of a service's process over a `with` block (see server_usage)."""

    def __init__(self, service: Any) -> None:
        self._process = _process(service)
        self._status = Path(f"/proc/{self._process.pid}/status")
        self._clear = Path(f"/proc/{self._process.pid}/clear_refs")
        self.cpu = math.nan  # seconds of CPU the process used in the block
        self.rss_before = self.peak_rss = 0  # bytes
        self._cpu0 = 0.0
        self._peak, self._stop = 0, threading.Event()
        self._sampler: threading.Thread | None = None
        self.method = ""

    def _hwm(self) -> int | None:
        try:
            for line in self._status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return None

    def _sample(self) -> None:
        while not self._stop.wait(_SAMPLE):
            self._peak = max(self._peak, self._process.memory_info().rss)

    def __enter__(self) -> "ServerUsage":
        self.rss_before = self._process.memory_info().rss
        try:
            self._clear.write_text("5")  # 5: reset the peak RSS to the current RSS (Linux 4.0+)
            self.method = "VmHWM" if self._hwm() is not None else ""
        except OSError:
            self.method = ""
        if not self.method:
            self.method = f"sampled every {_SAMPLE * 1000:g} ms"
            self._peak = self.rss_before
            self._sampler = threading.Thread(target=self._sample, name="perfkit-rss", daemon=True)
            self._sampler.start()
        self._cpu0 = _cpu(self._process)
        return self

    def __exit__(self, *exc: object) -> None:
        self.cpu = _cpu(self._process) - self._cpu0
        if self._sampler is not None:
            self._stop.set()
            self._sampler.join()
            self.peak_rss = max(self._peak, self._process.memory_info().rss)
        else:
            self.peak_rss = self._hwm() or self._process.memory_info().rss

    @property
    def peak_growth(self) -> int:
        """Bytes the peak resident memory rose above what the process held when the block began."""
        return max(0, self.peak_rss - self.rss_before)

    def __repr__(self) -> str:
        from ...engine.units import format_bytes, format_seconds

        return (f"ServerUsage(cpu={format_seconds(self.cpu)}, peak growth={format_bytes(self.peak_growth)}, "
                f"peak by {self.method or 'not measured yet'})")


def server_usage(service: Any) -> ServerUsage:
    """Measure the CPU time and peak memory of `service`'s process over a block:
    `with server_usage(svc) as use: ...`, then `use.cpu`, `use.peak_growth`."""
    return ServerUsage(service)


def server_cpu_per_request(service: Any, url: str, *, gzip: bool = False, n: int = 200,
                           repeats: int = 3) -> Estimate:
    """Seconds of the server's CPU per request: `n` GETs of `url` one after another on one
    keep-alive connection, `repeats` times; the median over repeats with a 95% interval.

    The process's CPU clock counts in ticks (10 ms on Linux): give `n` requests enough work for
    a repeat to take 0.1 s of CPU or more.
    """
    check_int(n, "n", low=1)
    check_int(repeats, "repeats", low=1)
    process = _process(service)
    host, port, target = _parts(url)
    headers = {"Accept-Encoding": "gzip" if gzip else "identity"}
    conn = http.client.HTTPConnection(host, port, timeout=30)
    per_request = []
    try:
        for repeat in range(repeats + 1):  # the first round warms up and is not counted
            before = _cpu(process)
            for _ in range(n):
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise ValueError(f"GET {url} answered {response.status}, not 200")
            if repeat:
                per_request.append((_cpu(process) - before) / n)
    finally:
        conn.close()
    return over_repeats(per_request, "s")
