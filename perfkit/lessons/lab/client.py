"""A minimal HTTP/1.1 keep-alive client on asyncio streams: what the load driver sends with.

Why not httpx: measured on a 2-core machine against a trivial endpoint (8 connections), an
httpx.AsyncClient request costs ~0.85-1.2 ms of client CPU, this client ~50-85 µs
(benchmarks/load_vs_wrk.py prints both). A driver in Python has one core at most (the GIL);
with httpx it tops out under ~1,000 req/s, below what one uvicorn worker serves, so a load test
would measure the client. With this one the driver keeps within 15% of wrk (same benchmark).

It speaks plain HTTP/1.1 to one host: a request is prepared once as bytes (`Request`), a response
is read as its status line, headers and body (Content-Length or chunked; until EOF otherwise), and
the connection is kept unless the server says `Connection: close`. No TLS, no redirects, no
cookies: it loads a local service, it is not a general client.
"""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@dataclass(frozen=True)
class Request:
    """One request, ready to send: `data` holds its bytes."""

    method: str
    url: str
    host: str
    port: int
    data: bytes

    @property
    def label(self) -> str:
        return f"{self.method} {self.url}"


def prepare(spec: Any, default_method: str = "GET") -> Request:
    """A Request from a URL string or a dict with `url` and optional method, headers, json, body."""
    if isinstance(spec, str):
        spec = {"url": spec}
    if not isinstance(spec, dict) or not isinstance(spec.get("url"), str):
        raise TypeError(f"target must be a URL string or a dict with a 'url' (and method, headers, json "
                        f"or body), or a list of those; got {spec!r:.80}")
    unknown = set(spec) - {"url", "method", "headers", "json", "body"}
    if unknown:
        raise ValueError(f"a request spec takes url, method, headers, json and body; unknown: {sorted(unknown)}")
    method = str(spec.get("method", default_method)).upper()
    if method not in _METHODS:
        raise ValueError(f"method must be one of {list(_METHODS)}, got {spec.get('method', default_method)!r}")
    parts = urlsplit(spec["url"])
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"the load driver sends plain HTTP to a local service: the url must start with "
                         f"http://host, got {spec['url']!r}")
    body: bytes = b""
    headers = {"Host": parts.netloc, "User-Agent": "perfkit-load"}
    if "json" in spec and "body" in spec:
        raise ValueError("give json or body, not both")
    if "json" in spec:
        body = json.dumps(spec["json"]).encode()
        headers["Content-Type"] = "application/json"
    elif "body" in spec:
        body = spec["body"].encode() if isinstance(spec["body"], str) else bytes(spec["body"])
    if body or method in ("POST", "PUT", "PATCH"):
        headers["Content-Length"] = str(len(body))
    headers.update({str(k): str(v) for k, v in dict(spec.get("headers") or {}).items()})
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    head = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return Request(method, spec["url"], parts.hostname, parts.port or 80, head.encode("latin-1") + b"\r\n" + body)


class Connection:
    """One keep-alive connection; `open` reconnects when the server closed the last one."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            sock = self.writer.get_extra_info("socket")
            if sock is not None:  # asyncio sets it too; say so, as it decides the latency of small writes
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    async def send(self, request: Request) -> int:
        """Send `request`, read the whole response; returns its status code."""
        await self.open()
        assert self.reader is not None and self.writer is not None
        self.writer.write(request.data)
        reader = self.reader
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, chunked, close = -1, False, lines[0].startswith(b"HTTP/1.0")
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = value.strip().lower() == b"close"
        if request.method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            pass
        elif chunked:
            await _read_chunked(reader)
        elif length >= 0:
            await reader.readexactly(length)
        else:  # no length: the body ends when the server closes
            await reader.read()
            close = True
        if close:
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _read_chunked(reader: asyncio.StreamReader) -> None:
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, then the blank line
                pass
            return
        await reader.readexactly(size + 2)


def error_kind(exc: BaseException) -> str:
    """A short name for what went wrong with a request, to count errors by kind."""
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return "timeout"
    if isinstance(exc, (ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError)):
        return "connection closed"
    if isinstance(exc, (ValueError, IndexError, asyncio.LimitOverrunError)):
        return "bad response"
    return type(exc).__name__
