"""What the caching lesson measures with: skewed key streams, an LRU's hit rate, a TTL cache.

    keys = pk.zipf_keys(20_000, keys=10_000, s=1.0)   # a few keys asked for often, most rarely
    lru_hit_rate(keys, maxsize=128, warmup=2_000)      # share of hits after the warmup, from cache_info()
    cache = pk.TTLCache(ttl=0.5)                       # entries expire 0.5 s after they were set
    cache.set("user:7", row); cache.get("user:7"); cache.delete("user:7")

Real traffic is skewed: a few users, products or pages get most requests. A Zipf law is the
usual model: the key of rank r is asked for with probability proportional to 1 / r**s. With
s = 0 every key is as likely as any other (uniform); at s = 1 the top 1% of 10,000 keys get about
half of all requests. How often a cache hits depends on that skew and on how many keys fit.
"""

from __future__ import annotations

import functools
import time
from collections import OrderedDict
from typing import Any, Callable, Hashable, Sequence

import numpy as np

from ..engine.checks import check_callable, check_int, check_number

__all__ = ["zipf_keys", "lru_hit_rate", "TTLCache", "KeyCycle"]

_MISSING = object()


def zipf_keys(count: int, keys: int = 10_000, s: float = 1.0, seed: int = 0) -> list[int]:
    """`count` requests for keys 1..`keys`, the key of popularity rank r drawn with weight 1 / r**s.

    The ranks are spread over the ids by a seeded shuffle, so the popular keys are not simply the
    smallest ids. The same arguments give the same stream.

    Args:
        count: how many requests (keys) to draw.
        keys: how many distinct keys there are (ids 1 to `keys`).
        s: the skew: 0 is uniform, 1 the classic Zipf law, larger is more skewed.
        seed: the random seed.

    Returns:
        A list of `count` ints, each from 1 to `keys`.
    """
    check_int(count, "count", low=1)
    check_int(keys, "keys", low=1)
    s = check_number(s, "s", low=0, hint="(the skew; 0 is uniform)")
    check_int(seed, "seed")
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, keys + 1, dtype=float) ** s
    ranks = rng.choice(keys, size=count, p=weights / weights.sum())
    ids = rng.permutation(keys) + 1  # the id that has popularity rank r
    return ids[ranks].tolist()


def lru_hit_rate(keys: Sequence[Hashable], maxsize: int | None, warmup: int = 0) -> float:
    """The share of `keys` after the first `warmup` that a `functools.lru_cache(maxsize)` answers
    from its cache, read from `cache_info()` as a service would monitor it.

    Args:
        keys: the requests, in order.
        maxsize: the cache's maxsize (None: unbounded).
        warmup: requests at the start that fill the cache and are not counted.

    Returns:
        hits / (hits + misses) after the warmup, from 0 to 1.
    """
    if maxsize is not None:
        check_int(maxsize, "maxsize", low=0, hint="(or None for no bound)")
    check_int(warmup, "warmup", low=0)
    if warmup >= len(keys):
        raise ValueError(f"warmup must be fewer than the {len(keys):,} keys, got {warmup:,}")
    cached = functools.lru_cache(maxsize=maxsize)(_identity)
    for key in keys[:warmup]:
        cached(key)
    before = cached.cache_info()
    for key in keys[warmup:]:
        cached(key)
    after = cached.cache_info()
    hits, misses = after.hits - before.hits, after.misses - before.misses
    return hits / (hits + misses)


def _identity(key: Any) -> Any:
    return key


class KeyCycle:
    """Calls return `keys[0]`, `keys[1]`, ... and start over: the keys a kernel asks for in turn.

    Plain data (a list and a position), so perfkit can give each kernel its own copy.
    """

    def __init__(self, keys: Sequence[Hashable]) -> None:
        if len(keys) == 0:
            raise ValueError("keys must hold at least one key, got none")
        self.keys, self.position = list(keys), 0

    def __call__(self) -> Hashable:
        key = self.keys[self.position]
        self.position = (self.position + 1) % len(self.keys)
        return key


class TTLCache:
    """A dict whose entries expire `ttl` seconds after they were set, optionally bounded (LRU).

    A read of an expired entry is a miss and removes it; nothing runs in the background.
    `hits`, `misses` and `expired` count what the reads found.

    Args:
        ttl: seconds an entry lives (None: until deleted or evicted); `set` may override it.
        maxsize: most entries kept; beyond it the least recently used one goes (None: no bound).
        clock: the time source, `time.monotonic` by default (a test passes a fake one).
    """

    def __init__(self, ttl: float | None = None, maxsize: int | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = self._check_ttl(ttl)
        self.maxsize = None if maxsize is None else check_int(maxsize, "maxsize", low=1, hint="(or None)")
        self.clock = check_callable(clock, "clock")
        self._data: OrderedDict[Hashable, tuple[Any, float]] = OrderedDict()
        self.hits = self.misses = self.expired = 0

    @staticmethod
    def _check_ttl(ttl: Any, name: str = "ttl") -> float | None:
        if ttl is None:
            return None
        return check_number(ttl, name, low=0, low_open=True, unit="seconds", hint="(or None: no expiry)")

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value stored under `key`, or `default` when there is none or it expired."""
        entry = self._data.get(key, _MISSING)
        if entry is _MISSING:
            self.misses += 1
            return default
        value, expires = entry
        if expires <= self.clock():
            del self._data[key]
            self.expired += 1
            self.misses += 1
            return default
        if self.maxsize is not None:
            self._data.move_to_end(key)
        self.hits += 1
        return value

    def set(self, key: Hashable, value: Any, ttl: float | None = None) -> None:
        """Store `value` under `key` for `ttl` seconds (default: the cache's ttl)."""
        ttl = self.ttl if ttl is None else self._check_ttl(ttl)
        self._data[key] = (value, self.clock() + ttl if ttl is not None else float("inf"))
        self._data.move_to_end(key)
        if self.maxsize is not None and len(self._data) > self.maxsize:
            self._data.popitem(last=False)

    def delete(self, key: Hashable) -> bool:
        """Invalidate `key`: whether there was an entry to remove."""
        return self._data.pop(key, _MISSING) is not _MISSING

    def clear(self) -> None:
        """Remove every entry (the counters stay)."""
        self._data.clear()

    @property
    def hit_rate(self) -> float:
        """hits / reads so far (NaN before the first read)."""
        reads = self.hits + self.misses
        return self.hits / reads if reads else float("nan")

    def __len__(self) -> int:
        return len(self._data)  # expired entries not read since count until read

    def __contains__(self, key: Hashable) -> bool:
        entry = self._data.get(key, _MISSING)
        return entry is not _MISSING and entry[1] > self.clock()

    def __repr__(self) -> str:
        ttl = "no expiry" if self.ttl is None else f"ttl={self.ttl:g} s"
        bound = "" if self.maxsize is None else f", maxsize={self.maxsize:,}"
        return (f"TTLCache({ttl}{bound}: {len(self):,} entries, {self.hits:,} hits, "
                f"{self.misses:,} misses, {self.expired:,} expired)")
