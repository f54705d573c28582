"""Caching an `async def` correctly: two small decorators, and why `functools.lru_cache` fails.

`functools.lru_cache` on an `async def` caches what calling it returns: a coroutine object.
The first caller awaits it; the next caller with the same arguments gets the same, finished
coroutine, and awaiting it again raises `RuntimeError: cannot reuse already awaited coroutine`.

The fixes keep something that can be used again:

    @cache_result(maxsize=128)     # the awaited *value*: a hit costs a dict lookup, but callers
    async def settings(user): ...  # that miss at the same time all run the function (a stampede)

    @cache_task(maxsize=128)       # an asyncio.Task: concurrent callers share one run; a Task
    async def settings(user): ...  # belongs to its event loop, and one that failed is dropped

`async_lru.alru_cache` (PyPI: async-lru) does what `cache_task` does, with more care.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Hashable, TypeVar

from ..engine.checks import check_int

__all__ = ["cache_result", "cache_task"]

T = TypeVar("T")


def _key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Hashable:
    return (args, tuple(sorted(kwargs.items()))) if kwargs else args


def _check(fn: Any, decorator: str) -> None:
    if not inspect.iscoroutinefunction(fn):
        what = getattr(fn, "__qualname__", type(fn).__name__)
        raise TypeError(f"{decorator} caches an `async def` function; {what} is not one "
                        "(for a plain function use functools.lru_cache)")


class _LRU(OrderedDict):
    """An OrderedDict that keeps at most `maxsize` entries, dropping the least recently used."""

    def __init__(self, maxsize: int | None) -> None:
        super().__init__()
        self.maxsize = maxsize

    def hit(self, key: Hashable) -> Any:
        self.move_to_end(key)
        return self[key]

    def put(self, key: Hashable, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        if self.maxsize is not None and len(self) > self.maxsize:
            self.popitem(last=False)


def _maxsize(maxsize: Any) -> int | None:
    return None if maxsize is None else check_int(maxsize, "maxsize", low=1, hint="(or None: no bound)")


def cache_result(maxsize: int | None = 128) -> Callable[[Callable[..., Awaitable[T]]], Callable[..., Awaitable[T]]]:
    """Cache what an `async def` returns, by its (hashable) arguments; `maxsize` entries at most."""
    size = _maxsize(maxsize)

    def decorate(fn: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        _check(fn, "cache_result")
        cache = _LRU(size)

        @functools.wraps(fn)
        async def cached(*args: Any, **kwargs: Any) -> T:
            key = _key(args, kwargs)
            if key in cache:
                return cache.hit(key)
            value = await fn(*args, **kwargs)  # callers that miss meanwhile run fn too
            cache.put(key, value)
            return value

        cached.cache_clear = cache.clear  # type: ignore[attr-defined]
        return cached

    return decorate


def cache_task(maxsize: int | None = 128) -> Callable[[Callable[..., Awaitable[T]]], Callable[..., Awaitable[T]]]:
    """Cache an asyncio.Task per (hashable) arguments: concurrent callers await the same run.

    A Task that raised is dropped, so the next call tries again instead of raising forever.
    A Task belongs to the event loop it was made on: use the cache from one loop.
    """
    size = _maxsize(maxsize)

    def decorate(fn: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        _check(fn, "cache_task")
        cache = _LRU(size)

        @functools.wraps(fn)
        async def cached(*args: Any, **kwargs: Any) -> T:
            key = _key(args, kwargs)
            if key in cache:
                task = cache.hit(key)
                if task.done():
                    return task.result()  # the usual hit: no waiting, no new future
            else:
                task = asyncio.ensure_future(fn(*args, **kwargs))
                cache.put(key, task)
                task.add_done_callback(functools.partial(_drop_failed, cache, key))
            # shield: a caller that is cancelled must not cancel the run the others await
            return await asyncio.shield(task)

        cached.cache_clear = cache.clear  # type: ignore[attr-defined]
        return cached

    return decorate


def _drop_failed(cache: _LRU, key: Hashable, task: asyncio.Future) -> None:
    if (task.cancelled() or task.exception() is not None) and cache.get(key) is task:
        del cache[key]
