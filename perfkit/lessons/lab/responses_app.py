"""The responses lesson's service: JSON of a chosen size, compressed or not, cached or not, exported whole or streamed.

    with pk.serve("perfkit.lessons.lab.responses_app:responses_app", factory=True) as svc:
        httpx.get(svc.url + "/gzip/items?n=1000", headers={"Accept-Encoding": "gzip"})

`responses_app()` mounts the same JSON app (`json_app`) five times, each behind other middleware,
so that one process serves every variant the lesson compares:

    /plain/...          no middleware
    /gzip/...           GZipMiddleware(minimum_size=1000, compresslevel=6), as document 002 sets it
    /cache-after-gzip/  004's order: a response cache added *after* GZipMiddleware (the pitfall)
    /cache-before-gzip/ the fix by order: the cache added first, so GZip compresses what it replays
    /cache-by-encoding/ the fix by key: the cache outside, keyed on Accept-Encoding, headers kept

Each JSON app answers:

    GET /items?n=100            n records returned as plain dicts, FastAPI's default path
    GET /items/model?n=100      the same through `response_model=list[Record]`
    GET /items/compact?n=100    through `CompactJSONResponse` (004's "optimized" class, redone small)
    GET /items/orjson?n=100     through `response_class=ORJSONResponse` (deprecated in FastAPI)
    GET /items/orjson-direct?n= an orjson-encoded `Response` returned by the handler
    GET /tokens?n=100           n random 32-hex-digit tokens: JSON that compresses badly

and the root app: GET / (what pk.serve polls), GET /export/whole?n= and GET /export/stream?n=
(a CSV export built in memory or streamed, `rows_per_chunk=` rows per chunk).
"""

from __future__ import annotations

import functools
import json
import random
from datetime import datetime, timedelta
from typing import Any, Iterator

from ...engine.optional import require

MAX_ITEMS = 1_000_000  # a request may ask for this many records or rows at most
MOUNTS = ("plain", "gzip", "cache-after-gzip", "cache-before-gzip", "cache-by-encoding")
_NAMES = ("Ada", "Grace", "Linus", "Guido", "Barbara", "Ken", "Margaret", "Dennis", "Frances", "Alan")
_TAGS = ("admin", "beta", "billing", "ops", "support", "trial")


@functools.lru_cache(maxsize=16)
def records(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """`n` user records as an API returns them (ints, short strings, a datetime, a float), seeded."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1)
    return [{"id": i, "name": f"{rng.choice(_NAMES)} {rng.choice(_NAMES)}son",
             "email": f"user{i}@example.com", "created_at": start + timedelta(minutes=rng.randrange(500_000)),
             "active": rng.random() < 0.8, "score": round(rng.uniform(0, 100), 2),
             "tags": rng.sample(_TAGS, rng.randint(0, 3))} for i in range(n)]


@functools.lru_cache(maxsize=16)
def tokens(n: int, seed: int = 0) -> list[str]:
    """`n` random 32-hex-digit tokens (API keys, hashes): text with little to compress."""
    rng = random.Random(seed)
    return [f"{rng.getrandbits(128):032x}" for _ in range(n)]


def user_rows(n: int) -> Iterator[tuple[int, str, str, str]]:
    """`n` rows (id, name, email, created) one at a time, as a database cursor hands them out."""
    for i in range(n):
        yield i, f"{_NAMES[i % 10]} {_NAMES[i * 7 % 10]}son", f"user{i}@example.com", f"2024-01-{i % 28 + 1:02d}"


def csv_line(row: tuple[Any, ...]) -> str:
    return ",".join(map(str, row)) + "\n"


def _encode(value: Any) -> Any:
    """004's `default` hook, kept small: what json.dumps cannot encode by itself."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, set):
        return list(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


@functools.cache
def record_model() -> Any:
    """The pydantic model of one record, for `response_model=list[Record]`."""
    from pydantic import BaseModel

    class Record(BaseModel):
        id: int
        name: str
        email: str
        created_at: datetime
        active: bool
        score: float
        tags: list[str]

    return Record


@functools.cache
def compact_json_response() -> Any:
    """004's `OptimizedJSONResponse`, redone small: compact separators and a `default` hook."""
    from fastapi.responses import JSONResponse

    class CompactJSONResponse(JSONResponse):
        def render(self, content: Any) -> bytes:
            return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                              default=_encode).encode("utf-8")

    return CompactJSONResponse


class ResponseCache:
    """A response cache as ASGI middleware, in the manner of document 004: GET responses kept by path
    and query, replayed without calling the app again.

    As 004 writes it (`by_encoding=False`), the key ignores the request's Accept-Encoding and a hit
    is replayed as `Response(content=body, media_type="application/json")`: the body alone, whatever
    headers came with it. `by_encoding=True` is the fix: Accept-Encoding is part of the key and the
    status and headers are kept with the body (Content-Encoding among them).
    """

    def __init__(self, app: Any, by_encoding: bool = False) -> None:
        self.app, self.by_encoding = app, by_encoding
        self.store: dict[tuple[str, ...], tuple[int, list[tuple[bytes, bytes]], bytes]] = {}

    def key(self, scope: dict[str, Any]) -> tuple[str, ...]:
        key = (scope["method"], scope["path"], scope["query_string"].decode("latin-1"))
        if self.by_encoding:
            accept = dict(scope["headers"]).get(b"accept-encoding", b"").decode("latin-1")
            key += ("gzip" if "gzip" in accept else "identity",)  # what GZipMiddleware decides on
        return key

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        key = self.key(scope)
        if key in self.store:  # a hit: replay what was kept
            status, headers, body = self.store[key]
            if not self.by_encoding:  # 004: Response(content=cached, media_type="application/json")
                headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def keep(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, keep)
        if start.get("status") == 200 and chunks:
            self.store[key] = (200, list(start.get("headers", [])), b"".join(chunks))


def _count(n: int) -> int:
    if not 0 <= n <= MAX_ITEMS:
        from fastapi import HTTPException

        raise HTTPException(400, f"n must be from 0 to {MAX_ITEMS:,}, got {n}")
    return n


def json_app(gzip: bool = False, minimum_size: int = 1000, level: int = 6, cache: str | None = None) -> Any:
    """The JSON endpoints, behind GZipMiddleware and a ResponseCache in the order `cache` names.

    Args:
        gzip: put GZipMiddleware(minimum_size=..., compresslevel=level) in front of the app.
        cache: None; "after-gzip" (004's order: added after GZip, so it runs first and keeps gzip
            bytes); "before-gzip" (added first: it keeps plain bytes, GZip compresses each reply);
            "by-encoding" (added last, keyed on Accept-Encoding, headers kept).
    """
    fastapi = require("fastapi", "the responses lesson's app", "lab")
    from fastapi.middleware.gzip import GZipMiddleware
    from fastapi.responses import ORJSONResponse, Response

    if cache not in (None, "after-gzip", "before-gzip", "by-encoding"):
        raise ValueError(f"cache must be None, 'after-gzip', 'before-gzip' or 'by-encoding', got {cache!r}")
    app = fastapi.FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    Record = record_model()

    @app.get("/items")
    async def items(n: int = 100):  # no return type: FastAPI's jsonable_encoder, then JSONResponse
        return records(_count(n))

    @app.get("/items/model", response_model=list[Record])
    async def items_model(n: int = 100):  # validated, then dumped to JSON by pydantic-core (Rust)
        return records(_count(n))

    @app.get("/items/compact", response_class=compact_json_response())
    async def items_compact(n: int = 100):
        return records(_count(n))

    @app.get("/items/orjson", response_class=ORJSONResponse)
    async def items_orjson(n: int = 100):
        return records(_count(n))

    @app.get("/items/orjson-direct")
    async def items_orjson_direct(n: int = 100):  # a Response returned as is: no encoder runs
        import orjson

        return Response(orjson.dumps(records(_count(n))), media_type="application/json")

    @app.get("/tokens")
    async def random_tokens(n: int = 100):
        return tokens(_count(n))

    # add_middleware wraps what is there: the middleware added LAST runs FIRST on a request
    if cache == "before-gzip":
        app.add_middleware(ResponseCache)
    if gzip:
        app.add_middleware(GZipMiddleware, minimum_size=minimum_size, compresslevel=level)
    if cache == "after-gzip":
        app.add_middleware(ResponseCache)  # 004's order: outermost, it keeps what GZip produced
    if cache == "by-encoding":
        app.add_middleware(ResponseCache, by_encoding=True)
    return app


def responses_app() -> Any:
    """The lesson's service: `json_app` mounted five ways (see MOUNTS), and the CSV export."""
    fastapi = require("fastapi", "the responses lesson's app", "lab")
    from fastapi.responses import Response, StreamingResponse

    app = fastapi.FastAPI(title="perfkit responses", openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/")
    async def root() -> dict[str, Any]:
        return {"app": "responses", "mounts": list(MOUNTS)}

    @app.get("/export/whole")
    async def export_whole(n: int = 100_000):
        rows = list(user_rows(_count(n)))  # every row in memory, as fetchall() would hold them
        body = "id,name,email,created\n" + "".join(csv_line(row) for row in rows)
        return Response(body, media_type="text/csv")

    @app.get("/export/stream")
    async def export_stream(n: int = 100_000, rows_per_chunk: int = 1000):
        _count(n)
        if not 1 <= rows_per_chunk <= MAX_ITEMS:
            raise fastapi.HTTPException(400, f"rows_per_chunk must be from 1 to {MAX_ITEMS:,}, got {rows_per_chunk}")

        async def chunks():  # one row at a time from the cursor, sent rows_per_chunk at a time
            yield "id,name,email,created\n"
            batch = []
            for row in user_rows(n):
                batch.append(csv_line(row))
                if len(batch) == rows_per_chunk:
                    yield "".join(batch)
                    batch = []
            if batch:
                yield "".join(batch)

        return StreamingResponse(chunks(), media_type="text/csv")

    app.mount("/plain", json_app())
    app.mount("/gzip", json_app(gzip=True))
    for order in ("after-gzip", "before-gzip", "by-encoding"):
        app.mount(f"/cache-{order}", json_app(gzip=True, cache=order))
    return app
