"""pk.cache_backend(): a cache for the lab, Redis when configured and an in-process dict otherwise.

    with pk.cache_backend() as cache:       # PERFKIT_REDIS_URL, or a TTLCache in this process
        cache.set("user:7", text, ttl=300)  # values are str (JSON, say), as Redis stores them
        cache.get("user:7"); cache.delete("user:7")
        cache.kind                          # "redis" | "in-process"

Both backends have the same methods, so a lesson runs on either and says which (`describe()`).
Each backend writes its keys under a namespace of its own (`perfkit:<random>:`), so runs sharing
a Redis never see each other's keys, and `close()` (or leaving the `with` block) deletes them.

An unreachable Redis is an error, never a silent fallback: `CacheUnavailable` names host:port and
what failed, within about `CONNECT_TIMEOUT` seconds. The service lab's apps run in a process of
their own and use the async twins (`async_backend`), built from the same URL and namespace.
"""

from __future__ import annotations

import os
import secrets
import weakref
from typing import Any
from urllib.parse import urlsplit

from ...engine.errors import PerfkitError
from ...engine.optional import require
from ..caching import TTLCache

ENV = "PERFKIT_REDIS_URL"
CONNECT_TIMEOUT = 1.0  # seconds to connect, and to wait for an answer
SCHEMES = ("redis", "rediss", "unix")
_START = "Start Redis there (`redis-server`, or `docker run -d -p 6379:6379 redis`)"

__all__ = ["cache_backend", "async_backend", "CacheUnavailable", "LocalCache", "RedisCache", "ENV"]


class CacheUnavailable(PerfkitError, ConnectionError):
    """The Redis server did not answer: the message says where, what failed and what to do."""


def resolve_url(url: Any) -> tuple[str | None, str]:
    """The Redis URL to use (None: the in-process cache) and where it came from."""
    source = "the url argument"
    if url is None:
        url, source = os.environ.get(ENV) or None, ENV
        if url is None:
            return None, f"{ENV} is not set"
    if not isinstance(url, str):
        raise TypeError(f"url must be a Redis URL str such as 'redis://127.0.0.1:6379/0', or None "
                        f"(then {ENV}, else an in-process cache); got {type(url).__name__} {url!r:.60}")
    scheme = urlsplit(url).scheme
    if scheme not in SCHEMES:
        raise ValueError(f"url must start with one of {[s + '://' for s in SCHEMES]}, e.g. "
                         f"'redis://127.0.0.1:6379/0'; {source} gave {url!r}")
    return url, source


def where(url: str) -> str:
    """host:port (or the socket path) of a Redis URL, without user or password."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return parts.path
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}"


def _namespace(namespace: Any) -> str:
    if namespace is None:
        return f"perfkit:{secrets.token_hex(4)}:"
    if not isinstance(namespace, str) or not namespace:
        raise TypeError(f"namespace must be a non-empty str (a key prefix) or None, got {namespace!r:.60}")
    return namespace


def _unavailable(url: str, source: str, exc: BaseException) -> CacheUnavailable:
    reason = str(exc).strip().rstrip(".") or type(exc).__name__
    hint = f"unset {ENV} to use an in-process cache" if source == ENV else "pass url=None for an in-process cache"
    return CacheUnavailable(f"Redis at {where(url)} (from {source}) did not answer as Redis within "
                            f"{CONNECT_TIMEOUT:g} s: {reason}. {_START}, or {hint}.")


class LocalCache:
    """A cache in this process: a TTLCache under a namespace. See cache_backend."""

    kind = "in-process"

    def __init__(self, namespace: str | None = None, note: str = "") -> None:
        self.namespace = _namespace(namespace)
        self.store = TTLCache()
        self._note = note

    def get(self, key: str) -> str | None:
        return self.store.get(self.namespace + key)

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        self.store.set(self.namespace + key, value, ttl)

    def delete(self, key: str) -> bool:
        return self.store.delete(self.namespace + key)

    def clear(self) -> None:
        self.store.clear()

    def close(self) -> None:
        self.clear()

    def describe(self) -> str:
        return "an in-process dict (a TTLCache in this process)" + (f": {self._note}" if self._note else "")

    def __enter__(self) -> "LocalCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"LocalCache({len(self.store):,} entries)"


class RedisCache:
    """A cache in a Redis server, every key under `namespace`. See cache_backend."""

    kind = "redis"

    def __init__(self, url: str, namespace: str | None = None, source: str = "the url argument") -> None:
        redis = require("redis", "a Redis cache (pk.cache_backend)", "lab")
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self.url, self.where, self.namespace = url, where(url), _namespace(namespace)
        # no retries: an unreachable server is reported at once, not after a backoff
        self.client = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT,
                                           socket_timeout=CONNECT_TIMEOUT, retry=Retry(NoBackoff(), 0),
                                           decode_responses=True)
        try:
            self.version = str(self.client.info("server").get("redis_version", "?"))
        except (redis.RedisError, OSError) as exc:
            self.client.close()
            raise _unavailable(url, source, exc) from None
        self.source = source
        # a cache never closed (a cell that failed half-way) still leaves no keys behind
        self._finalizer = weakref.finalize(self, _clear_and_close, self.client, self.namespace)

    def get(self, key: str) -> str | None:
        return self.client.get(self.namespace + key)

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        # px: the TTL in milliseconds, so fractions of a second work as they do in-process
        self.client.set(self.namespace + key, value, px=None if ttl is None else max(1, round(ttl * 1000)))

    def delete(self, key: str) -> bool:
        return bool(self.client.delete(self.namespace + key))

    def clear(self) -> None:
        """Delete this namespace's keys (only those: a shared Redis keeps everything else)."""
        _clear(self.client, self.namespace)

    def close(self) -> None:
        """Delete this namespace's keys and disconnect; also done at garbage collection and exit.
        Idempotent."""
        if self.client is None:
            return
        self._finalizer()
        self.client = None

    def describe(self) -> str:
        return f"Redis {self.version} at {self.where} (from {self.source}), keys under {self.namespace!r}"

    def __enter__(self) -> "RedisCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RedisCache({self.where}, namespace={self.namespace!r})"


def _clear(client: Any, namespace: str) -> None:
    batch: list[str] = []
    for key in client.scan_iter(match=namespace + "*", count=1_000):
        batch.append(key)
        if len(batch) == 1_000:
            client.delete(*batch)
            batch = []
    if batch:
        client.delete(*batch)


def _clear_and_close(client: Any, namespace: str) -> None:
    try:
        _clear(client, namespace)
    except Exception:  # noqa: BLE001 (at exit Redis may be gone already: nothing left to clean)
        pass
    finally:
        client.close()


def cache_backend(url: str | None = None, *, namespace: str | None = None) -> LocalCache | RedisCache:
    """A cache for the lab: Redis at `url` (or PERFKIT_REDIS_URL), else a dict in this process.

    Args:
        url: "redis://host:port/db" (rediss:// and unix:// too). None: PERFKIT_REDIS_URL if it
            is set and not empty, else an in-process cache.
        namespace: the prefix of every key (default: "perfkit:<random>:").

    Raises:
        TypeError: `url` is not a str or None.
        ValueError: `url` is not a Redis URL.
        CacheUnavailable: Redis did not answer within about CONNECT_TIMEOUT seconds (the
            message names host:port), or something else answered.
    """
    resolved, source = resolve_url(url)
    if resolved is None:
        return LocalCache(namespace, note=source)
    return RedisCache(resolved, namespace, source)


class AsyncLocalCache:
    """The in-process cache with async methods, for an app's event loop (see async_backend)."""

    kind = "in-process"

    def __init__(self, namespace: str) -> None:
        self.sync = LocalCache(namespace)

    async def get(self, key: str) -> str | None:
        return self.sync.get(key)

    async def set(self, key: str, value: str, ttl: float | None = None) -> None:
        self.sync.set(key, value, ttl)

    async def delete(self, key: str) -> bool:
        return self.sync.delete(key)

    async def close(self) -> None:
        self.sync.close()


class AsyncRedisCache:
    """Redis through redis.asyncio, with RedisCache's keys and TTLs (see async_backend)."""

    kind = "redis"

    def __init__(self, url: str, namespace: str) -> None:
        from redis import asyncio as aioredis

        self.namespace = namespace
        self.client = aioredis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT,
                                              decode_responses=True)

    async def get(self, key: str) -> str | None:
        return await self.client.get(self.namespace + key)

    async def set(self, key: str, value: str, ttl: float | None = None) -> None:
        await self.client.set(self.namespace + key, value, px=None if ttl is None else max(1, round(ttl * 1000)))

    async def delete(self, key: str) -> bool:
        return bool(await self.client.delete(self.namespace + key))

    async def close(self) -> None:
        await self.client.aclose()


def async_backend(url: str | None, namespace: str) -> AsyncLocalCache | AsyncRedisCache:
    """The async cache an app uses: Redis at `url`, or (None) a dict in the app's own process."""
    if url is None:
        return AsyncLocalCache(namespace)
    require("redis", "a Redis cache in an app", "lab")
    return AsyncRedisCache(url, namespace)
