"""Object pools and weak caches, as one guideline document writes them, and a replay of requests.

    pool = ObjectPool(make_record, reset=clear_record, max_size=50)
    record = pool.acquire(); ...; pool.release(record)

    cache = WeakCache()                                # a WeakValueDictionary behind get/set
    run = replay("weak", cache, keys, load, hold=20)   # -> CacheReplay: requests, hits, entries kept

`ObjectPool` hands out released objects again instead of making new ones. CPython already keeps
free lists of dicts, lists and small memory blocks, so for small objects the pool only adds
bookkeeping; for an object that is costly to make (a large zeroed buffer) it saves that cost.

`WeakCache` keeps values through weak references: an entry lives only while someone else holds
its value. Dicts, lists, strings, ints and tuples cannot be weakly referenced at all, and `set`
drops them silently (the TypeError is swallowed, as in the document's version).
"""

from __future__ import annotations

import weakref
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Iterable

from ..engine.checks import check_callable, check_int

__all__ = ["ObjectPool", "WeakCache", "DictCache", "CacheReplay", "CacheReplays", "replay", "Record"]


class ObjectPool:
    """Objects made by `factory`, handed out by `acquire` and taken back by `release`.

    Args:
        factory: makes a new object when the pool has none free.
        reset: called on a released object before it is handed out again (None: nothing).
        max_size: most free objects kept; a release beyond it lets the object go.
    """

    def __init__(self, factory: Callable[[], Any], reset: Callable[[Any], None] | None = None,
                 max_size: int = 100) -> None:
        self.factory = check_callable(factory, "factory")
        self.reset = check_callable(reset, "reset", or_none=True)
        self.max_size = check_int(max_size, "max_size", low=0)
        self.free: list[Any] = []
        self.in_use: set[int] = set()  # ids of the objects handed out

    def acquire(self) -> Any:
        obj = self.free.pop() if self.free else self.factory()
        self.in_use.add(id(obj))
        return obj

    def release(self, obj: Any) -> None:
        if id(obj) not in self.in_use:
            return  # not ours, or released twice
        self.in_use.remove(id(obj))
        if self.reset is not None:
            self.reset(obj)
        if len(self.free) < self.max_size:
            self.free.append(obj)


class WeakCache:
    """A cache whose values are weak references: `get`, `set`, and counts of hits and misses."""

    def __init__(self) -> None:
        self.entries: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
        self.hits = self.misses = self.refused = 0

    def get(self, key: Hashable) -> Any:
        value = self.entries.get(key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def set(self, key: Hashable, value: Any) -> None:
        try:
            self.entries[key] = value
        except TypeError:  # cannot be weakly referenced (dict, str, int, ...): dropped silently
            self.refused += 1

    def __len__(self) -> int:
        return len(self.entries)


class DictCache(WeakCache):
    """The same interface over a plain dict: it keeps every value until deleted."""

    def __init__(self) -> None:
        super().__init__()
        self.entries = {}  # type: ignore[assignment]


class Record:
    """A small object of a class of one's own: it can be weakly referenced, a dict cannot."""

    __slots__ = ("key", "payload", "__weakref__")

    def __init__(self, key: Hashable, payload: Any = None) -> None:
        self.key, self.payload = key, payload

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and (self.key, self.payload) == (other.key, other.payload)

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class CacheReplay:
    """What a cache did over a stream of requests."""

    name: str
    requests: int
    hits: int
    refused: int  # values `set` could not keep (not weakly referenceable)
    kept: int  # entries in the cache after the last request (the caller still holding its values)

    @property
    def hit_ratio(self) -> float:
        return self.hits / self.requests if self.requests else 0.0

    def __str__(self) -> str:
        return (f"{self.name}: {self.hits:,} hits in {self.requests:,} requests ({self.hit_ratio:.0%}), "
                f"{self.kept:,} entries kept at the end")


@dataclass(frozen=True)
class CacheReplays:
    """Several replays of the same stream, side by side; `.plot()` draws hit ratio and entries kept."""

    replays: tuple[CacheReplay, ...]

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.replays]

    def __getitem__(self, name: str) -> CacheReplay:
        for r in self.replays:
            if r.name == name:
                return r
        raise KeyError(f"no replay {name!r}; the replays are {self.names}")

    def __str__(self) -> str:
        return "\n".join(map(str, self.replays))

    __repr__ = __str__

    def plot(self, ax: Any = None) -> Any:
        """Bars of the hit ratio, each labelled with the entries kept; returns the Axes."""
        from ..display.plots import plot_cache_replays

        return plot_cache_replays(self, ax=ax)


def replay(name: str, cache: WeakCache, keys: Iterable[Hashable], load: Callable[[Hashable], Any],
           hold: int = 0) -> CacheReplay:
    """Serve each key: from `cache` on a hit, else `load(key)` and `cache.set`.

    After each request the caller keeps the value for the next `hold` requests (a session that
    still uses it) and then drops it; with `hold=0` it is dropped right away.
    """
    check_callable(load, "load")
    check_int(hold, "hold", low=0)
    held: deque[Any] = deque(maxlen=hold)  # maxlen=0 keeps nothing
    requests = 0
    for key in keys:
        requests += 1
        value = cache.get(key)
        if value is None:
            value = load(key)
            cache.set(key, value)
        held.append(value)
        del value  # the only other reference: with hold=0 the value is gone now
    kept = len(cache)  # while the caller still holds its last `hold` values
    held.clear()
    return CacheReplay(name, requests, cache.hits, cache.refused, kept)
