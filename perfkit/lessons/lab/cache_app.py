"""A cache-aside service: GET /users/{id} through a cache (Redis or in-process) in front of the database.

    with pk.database() as db, pk.cache_backend() as cache:
        db.seed(users=10_000)
        with serve_cache_aside(db, cache) as svc:
            pk.load_test(svc.url + "/users/7", rate=200)          # hits, once user 7 is cached
            pk.load_test(svc.url + "/users/7?cold=1", rate=200)   # misses, every one of them
            svc.stats()                                           # {"hits": ..., "misses": ...}

The app (`cache_aside_app`, served by pk.serve in a process of its own) answers:

    GET /                 {"app": "cache-aside", "cache": "redis" | "in-process"}
    GET /users/{id}       `cache_aside`: the cached row, else the database's, stored for `ttl` s
        ?cold=1           the same work under a key never asked for before: always a miss
        ?db_ms=50         a miss waits 50 ms more before its query: a slow query or a far
                          database, simulated and labelled so
    GET /db/users/{id}    the database only, no cache
    DELETE /users/{id}    invalidate the cached row
    GET /stats            {"hits": h, "misses": m} since the start or the last POST /stats/reset

Its configuration (database URL, cache URL and namespace, ttl) travels to the service process in
the environment variable `PERFKIT_CACHE_APP`, set only while the process starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import uuid
from typing import Any, AsyncIterator, Awaitable, Callable

from ...engine.checks import check_number
from ...engine.stats import Estimate
from ...engine.verdict import Verdict, claimed
from .cache import LocalCache, RedisCache, cache_backend
from .apps import add_counters
from .running import RunningApp, serve_configured

CONFIG_ENV = "PERFKIT_CACHE_APP"
USER_BY_ID = "SELECT * FROM users WHERE id = :id"
COLD_TTL = 60.0  # seconds a ?cold=1 entry lives

__all__ = ["cache_aside", "cache_aside_app", "serve_cache_aside", "CacheService", "hit_verdict"]


async def cache_aside(cache: Any, key: str, load: Callable[[], Awaitable[Any]], ttl: float) -> tuple[Any, str]:
    """Read `key` from the cache; on a miss `await load()`, store it for `ttl` seconds. -> (value, "hit" | "miss")"""
    cached = await cache.get(key)
    if cached is not None:  # not `if cached:` -- an empty value cached is still a hit
        return json.loads(cached), "hit"
    value = await load()
    await cache.set(key, json.dumps(value), ttl)
    return value, "miss"


def _plain(row: Any) -> dict[str, Any]:
    """A database row as JSON-ready values (dates as ISO text)."""
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()}


def cache_aside_app() -> Any:
    """The FastAPI app, configured from PERFKIT_CACHE_APP (see serve_cache_aside)."""
    from fastapi import FastAPI, HTTPException
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from .cache import async_backend

    config = json.loads(os.environ[CONFIG_ENV])
    ttl = config["ttl"]
    counts = {"hits": 0, "misses": 0}
    state: dict[str, Any] = {}
    query = text(USER_BY_ID)

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        state["engine"] = create_async_engine(config["db_url"], connect_args=config["connect_args"])
        state["cache"] = async_backend(config["cache_url"], config["namespace"])
        try:
            yield
        finally:
            await state["cache"].close()
            await state["engine"].dispose()

    app = FastAPI(title="perfkit cache-aside app", lifespan=lifespan, openapi_url=None, docs_url=None,
                  redoc_url=None)

    async def from_database(user_id: int, db_ms: float = 0.0) -> dict[str, Any]:
        if db_ms:
            await asyncio.sleep(db_ms / 1000)  # simulated: a slower query or a farther database
        async with state["engine"].connect() as conn:
            row = (await conn.execute(query, {"id": user_id})).mappings().first()
        if row is None:
            raise HTTPException(404, f"no user {user_id}")
        return _plain(row)

    @app.get("/")
    async def root() -> dict[str, str]:
        return {"app": "cache-aside", "cache": state["cache"].kind}

    @app.get("/users/{user_id}")
    async def user(user_id: int, cold: bool = False, db_ms: float = 0.0) -> Any:
        if not 0 <= db_ms <= 10_000:
            raise HTTPException(400, f"db_ms must be from 0 to 10,000 ms, got {db_ms!r}")
        key = f"user:{user_id}" + (f":cold:{uuid.uuid4().hex}" if cold else "")
        # a cold key is never read again: it expires soon, even if nobody clears the namespace
        value, outcome = await cache_aside(state["cache"], key, lambda: from_database(user_id, db_ms),
                                           min(ttl, COLD_TTL) if cold else ttl)
        counts["hits" if outcome == "hit" else "misses"] += 1
        return value

    @app.get("/db/users/{user_id}")
    async def user_from_database(user_id: int) -> Any:
        return await from_database(user_id)

    @app.delete("/users/{user_id}")
    async def invalidate(user_id: int) -> dict[str, bool]:
        return {"deleted": await state["cache"].delete(f"user:{user_id}")}

    add_counters(app, counts)

    return app


class CacheService(RunningApp):
    """The running cache-aside service: `url`, `stats()`, `describe()`; stop it with `stop()` or `with`."""

    timeout = 5.0

    def __init__(self, service: Any, cache_kind: str, cache_text: str, db_text: str, ttl: float) -> None:
        super().__init__(service)
        self.cache_kind, self.ttl = cache_kind, ttl
        self._cache_text, self._db_text = cache_text, db_text

    def stats(self) -> dict[str, int]:
        """{"hits": h, "misses": m} counted by the service since it started or was reset."""
        return super().stats()

    def describe(self) -> str:
        return f"cache: {self._cache_text}; database: {self._db_text}; ttl {self.ttl:g} s"


def serve_cache_aside(db: Any, cache: Any = None, *, ttl: float = 300.0) -> CacheService:
    """Serve `cache_aside_app` on 127.0.0.1 in a process of its own; returns the running CacheService.

    Args:
        db: an open Database from pk.database() (seeded: the app reads its `users` table).
        cache: where the service caches: a backend from pk.cache_backend() (a RedisCache is shared,
            its namespace too; a LocalCache means a dict inside the service's own process), a
            Redis URL, or None (PERFKIT_REDIS_URL if set, else in-process).
        ttl: seconds a cached row lives.

    Raises:
        TypeError: `db` is not an open Database, or `cache` is of another kind.
        CacheUnavailable: the Redis named by `cache` (or PERFKIT_REDIS_URL) does not answer.
    """
    if not all(hasattr(type(db), a) for a in ("async_url", "async_connect_args", "describe")):
        raise TypeError(f"db must be an open Database from pk.database(), got {type(db).__name__}")
    ttl = check_number(ttl, "ttl", low=0, low_open=True, unit="seconds")
    if cache is None or isinstance(cache, str):
        cache = cache_backend(cache)  # checks the URL and that Redis answers, in this process
    if isinstance(cache, RedisCache):
        cache_url, cache_text = cache.url, cache.describe()
    elif isinstance(cache, LocalCache):
        cache_url, cache_text = None, "an in-process dict in the service's own process"
    else:
        raise TypeError("cache must be None, a Redis URL str, or a backend from pk.cache_backend(), "
                        f"got {type(cache).__name__} {cache!r:.60}")
    config = {"db_url": db.async_url.render_as_string(hide_password=False),
              "connect_args": db.async_connect_args, "cache_url": cache_url,
              "namespace": cache.namespace, "ttl": ttl}
    service = serve_configured(f"{__name__}:cache_aside_app", CONFIG_ENV, config)
    return CacheService(service, cache.kind, cache_text, db.describe(), ttl)


def hit_verdict(hit: Any, miss: Any, by: float | None = None, *, percentile: str = "p50",
                claim: Any = None) -> Verdict:
    """Judge "a cache hit is at least `by` times faster than a miss" from two LoadResults.

    The ratio is miss / hit at `percentile`; its interval takes the far ends of both intervals
    (lowest miss over highest hit, and the reverse), as the two load tests are not paired.
    """
    a, b = hit.latency(percentile), miss.latency(percentile)
    by, claim_id = claimed(by, claim)
    ratio = Estimate(b.value / a.value, b.low / a.high if a.high else float("nan"),
                     b.high / a.low if a.low else float("inf"), "x")
    return Verdict(f"a cache hit ({percentile})", f"a miss ({percentile})", "faster", by, ratio, claim_id)
