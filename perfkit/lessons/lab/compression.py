"""Compression: bytes on the wire with GZip and without, for responses of several sizes, as a result.

    sizes = wire_sizes(svc.url + "/gzip/items?n={n}", [1, 10, 100, 1000])      # through the service
    sizes = gzip_in_process({"1 KB": body1, "100 KB": body2}, level=6, minimum_size=1000)  # + CPU time
    sizes.saved("n=100")                     # 0.835: the share of bytes gzip saved
    sizes.verdict("n=100", claim="api.gzip-70-90")
    sizes.plot()                             # bytes on the wire against the uncompressed size

`wire_sizes` asks the service for each response twice, with `Accept-Encoding: gzip` and without,
and counts the body's bytes as they came. `gzip_in_process` runs Starlette's own GZipMiddleware
around an app that answers a fixed body, in this process, and also times it (pk.bench): the CPU a
response's compression costs the server, at the level and minimum size given. Byte counts are
exact, so their ratio is one number with no interval; a verdict on it is decided by that number.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from ...engine.checks import check_int
from ...engine.results import Result, draw, estimate, known
from ...engine.stats import Estimate
from ...engine.verdict import Verdict, claimed
from .wire import fetch


@dataclass(eq=False)
class Compression(Result):
    """Per response (a label each): its size uncompressed and as sent with gzip accepted.

    `seconds` (optional) holds, per label, the time the middleware took for one gzip response
    (an Estimate), and `identity_seconds` the same response when gzip was not accepted.
    """

    labels: list[str]
    plain_bytes: list[int]
    gzip_bytes: list[int]
    level: int | None = None
    minimum_size: int | None = None
    source: str = ""  # where the bytes were counted: "service" or "in-process"
    seconds: list[Estimate] = field(default_factory=list)
    identity_seconds: list[Estimate] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not (len(self.labels) == len(self.plain_bytes) == len(self.gzip_bytes)) or not self.labels:
            raise ValueError("labels, plain_bytes and gzip_bytes must be lists of one equal length >= 1, got "
                             f"{len(self.labels)}, {len(self.plain_bytes)} and {len(self.gzip_bytes)}")

    @property
    def names(self) -> list[str]:
        return list(self.labels)

    def __getitem__(self, label: str) -> tuple[int, int]:
        i = self.labels.index(known(label, self.labels, "response"))
        return self.plain_bytes[i], self.gzip_bytes[i]

    def ratio(self, label: str) -> Estimate:
        """Uncompressed bytes over bytes sent with gzip: 5x means gzip sent a fifth."""
        plain, sent = self[label]
        r = plain / sent if sent else math.inf
        return Estimate(r, r, r, "x")

    def saved(self, label: str) -> float:
        """The share of the bytes that gzip saved (0.8: 80% less bandwidth)."""
        plain, sent = self[label]
        return 1 - sent / plain if plain else 0.0

    def verdict(self, label: str, by: float | None = None, claim: Any = None) -> Verdict:
        """Judge "gzip is at least `by` times smaller than uncompressed" for one response;
        with `claim`, its factor (e.g. 70% less is 1 / 0.3 = 3.33x)."""
        by, claim_id = claimed(by, claim)
        return Verdict(f"gzip ({label})", f"uncompressed ({label})", "smaller", by, self.ratio(label), claim_id)

    def plot(self, ax: Any = None, **options: Any) -> Any:
        """Bytes on the wire against the uncompressed size (`what="time"`: the middleware's time)."""
        return draw(self, ax, **options)

    def _rows(self) -> list[list[str]]:
        from ...engine.units import format_bytes

        rows = []
        for i, label in enumerate(self.labels):
            row = [label, format_bytes(self.plain_bytes[i]), format_bytes(self.gzip_bytes[i]),
                   f"{self.saved(label):.0%}"]
            if self.seconds:
                row.append(str(self.seconds[i]))
            rows.append(row)
        return rows

    def _header(self) -> list[str]:
        return ["response", "uncompressed", "sent with gzip", "saved"] + (["time with gzip"] if self.seconds else [])

    def _caption(self) -> str:
        how = f"GZipMiddleware(minimum_size={self.minimum_size}, compresslevel={self.level})" \
            if self.level is not None else "GZipMiddleware"
        return f"Bytes of each response body, {how}, {self.source or 'measured'}"

    def __repr__(self) -> str:
        from ...engine.tables import text_table

        return f"Compression: {self._caption()}\n" + text_table(self._header(), self._rows(), left=(0,))

    def _repr_html_(self) -> str:
        from ...engine.tables import table

        return table(self._header(), self._rows(), caption=self._caption())

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "labels": self.labels, "plain_bytes": self.plain_bytes,
                "gzip_bytes": self.gzip_bytes, "level": self.level, "minimum_size": self.minimum_size,
                "source": self.source, "seconds": [e.to_dict() for e in self.seconds],
                "identity_seconds": [e.to_dict() for e in self.identity_seconds]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Compression":
        return cls(list(data["labels"]), list(data["plain_bytes"]), list(data["gzip_bytes"]), data.get("level"),
                   data.get("minimum_size"), data.get("source", ""),
                   [estimate(e) for e in data.get("seconds", [])],
                   [estimate(e) for e in data.get("identity_seconds", [])])


def wire_sizes(url_template: str, sizes: Sequence[int], *, level: int | None = None,
               minimum_size: int | None = None, unit: str = "") -> Compression:
    """Fetch `url_template.format(n=n)` for each n, with gzip accepted and without; count the bytes.

    Args:
        url_template: a URL with `{n}` where the size goes, e.g. svc.url + "/gzip/items?n={n}".
        sizes: the values of n.
        level, minimum_size: the middleware's settings, to label the result (the service decides them).
        unit: what n counts, to name each response ("record": "1 record", "300 records"); "" names it "n=300".
    """
    if "{n}" not in url_template:
        raise ValueError(f"url_template must hold {{n}} where each size goes, got {url_template!r}")
    if not sizes:
        raise ValueError("sizes must hold at least one n")
    labels, plain, sent = [], [], []
    for n in sizes:
        check_int(n, "each size", low=0)
        url = url_template.format(n=n)
        identity, gzipped = fetch(url), fetch(url, gzip=True)
        if identity.body != gzipped.body:
            raise ValueError(f"{url} answered differently with gzip accepted and without: the bodies differ "
                             f"once decoded ({len(identity.body):,} vs {len(gzipped.body):,} bytes)")
        labels.append(f"{n:,} {unit}{'s' * (n != 1)}" if unit else f"n={n:,}")
        plain.append(identity.wire_bytes)
        sent.append(gzipped.wire_bytes)
    return Compression(labels, plain, sent, level, minimum_size, "service")


def _fixed_body_app(body: bytes) -> Any:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return app


async def _call(app: Any, gzip: bool) -> bytes:
    """One GET through an ASGI app, in this process; returns the body as sent."""
    scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": "/", "raw_path": b"/", "query_string": b"",
             "root_path": "", "headers": [(b"accept-encoding", b"gzip" if gzip else b"identity")],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return b"".join(chunks)


def gzip_in_process(bodies: Mapping[str, bytes], *, level: int = 6, minimum_size: int = 1000,
                    time: bool = True, budget: float = 0.05) -> Compression:
    """Send each body through Starlette's GZipMiddleware in this process: bytes, and (with `time`)
    the middleware's time per response with gzip accepted and without (pk.bench, `budget` s each)."""
    from starlette.middleware.gzip import GZipMiddleware

    from ...engine.aio import run_async
    from ...engine.timing import bench

    check_int(level, "level", low=0, high=9, hint="(zlib's compression level)")
    check_int(minimum_size, "minimum_size", low=0)
    if not bodies:
        raise ValueError("bodies must map at least one label to a response body")
    labels, plain, sent, seconds, identity = [], [], [], [], []
    for label, body in bodies.items():
        if not isinstance(body, (bytes, bytearray)):
            raise TypeError(f"bodies[{label!r}] must be bytes, got {type(body).__name__}")
        app = GZipMiddleware(_fixed_body_app(bytes(body)), minimum_size=minimum_size, compresslevel=level)
        labels.append(label)
        plain.append(len(body))
        sent.append(len(run_async(_call(app, True))))
        if time:
            seconds.append(bench(functools.partial(_call, app, True), budget=budget).per_call)
            identity.append(bench(functools.partial(_call, app, False), budget=budget).per_call)
    return Compression(labels, plain, sent, level, minimum_size, "in-process", seconds, identity)
