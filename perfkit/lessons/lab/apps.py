"""Small FastAPI apps for the service lab: endpoints whose cost is known, so a load test has a truth.

An app is built by a factory, so the service process builds its own:

    with pk.serve("perfkit.lessons.lab.apps:delay_app", factory=True) as svc: ...
    with pk.serve(apps.delay_app, factory=True) as svc: ...        # the same

`hello` is the smallest ASGI app, without FastAPI: it answers every request with "hello"
(the service tests start it, as it starts fastest). `delay_app()` answers:

    GET /                 {"app": "delay"}                  (what serve() polls until ready)
    GET /health           {"ok": true}
    GET /sleep?ms=20      awaits asyncio.sleep(20 ms): waits without holding the event loop
    GET /work?ms=5        keeps the CPU busy for 5 ms inside `async def`: blocks the event loop,
                          as CPU-bound code in an async handler does
    GET /block?ms=300     time.sleep(300 ms) inside `async def`: stalls every request on the
                          server, the classic blocking call in async code
    GET /items/{id}       {"id": id, "name": "item id"}
    GET /status/{code}    answers with that status code (e.g. 500, for error counts)
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from ...engine.optional import require

MAX_MS = 60_000.0  # a single request may ask for a minute of delay at most


def _ms(ms: float) -> float:
    if not 0 <= ms <= MAX_MS:
        from fastapi import HTTPException

        raise HTTPException(400, f"ms must be from 0 to {MAX_MS:g}, got {ms!r}")
    return ms / 1000


def busy(seconds: float) -> int:
    """Keep the CPU busy for `seconds` of wall time; returns the loop count (so it is not optimised away)."""
    end = time.perf_counter() + seconds
    count = 0
    while time.perf_counter() < end:
        count += 1
    return count


async def hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A plain ASGI app: "hello" to every HTTP request; it takes part in uvicorn's lifespan."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", b"5")]})
    await send({"type": "http.response.body", "body": b"hello"})


def add_counters(app: Any, counts: dict[str, int]) -> None:
    """GET /stats gives the app's `counts`; POST /stats/reset sets each of them to 0 and gives them."""

    @app.get("/stats")
    async def stats() -> dict[str, int]:
        return dict(counts)

    @app.post("/stats/reset")
    async def reset() -> dict[str, int]:
        counts.update(dict.fromkeys(counts, 0))
        return dict(counts)


def delay_app() -> Any:
    """A FastAPI app with endpoints that sleep, work, block, list items and fail on request."""
    fastapi = require("fastapi", "the lab apps", "lab")
    app = fastapi.FastAPI(title="perfkit delay app", openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/")
    async def root() -> dict[str, str]:
        return {"app": "delay"}

    @app.get("/health")
    async def health() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/sleep")
    async def sleep(ms: float = 10.0) -> dict[str, float]:
        await asyncio.sleep(_ms(ms))
        return {"slept_ms": ms}

    @app.get("/work")
    async def work(ms: float = 1.0) -> dict[str, float]:
        busy(_ms(ms))
        return {"worked_ms": ms}

    @app.get("/block")
    async def block(ms: float = 100.0) -> dict[str, float]:
        time.sleep(_ms(ms))  # on purpose: blocks the event loop, and so every other request
        return {"blocked_ms": ms}

    @app.get("/items/{item_id}")
    async def item(item_id: int) -> dict[str, Any]:
        return {"id": item_id, "name": f"item {item_id}"}

    @app.get("/status/{code}")
    async def status(code: int) -> Any:
        if not 200 <= code <= 599:
            raise fastapi.HTTPException(400, f"code must be an HTTP status from 200 to 599, got {code}")
        return fastapi.responses.JSONResponse({"status": code}, status_code=code)

    return app
