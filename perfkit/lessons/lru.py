"""Two hand-written LRU caches with one interface (`get`, `set`, `len`), for the caching lesson.

`ListLRU` keeps recency the way one guideline document does and calls "O(1) access time": a list
of keys from least to most recently used, and a dict from each key to its place in that list.
Moving a key to the end shifts every key after it one place down, and their recorded places must
be renumbered: a read costs time in proportion to the number of keys behind the one read, O(n).

`OrderedDictLRU` is the usual O(1) way: `OrderedDict.move_to_end` and `popitem(last=False)`,
which relink a node of a doubly linked list. `functools.lru_cache` does the same in C.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Hashable

from ..engine.checks import check_int

__all__ = ["ListLRU", "OrderedDictLRU"]


class ListLRU:
    """An LRU cache that keeps recency in a list and each key's index in a dict: O(n) per read."""

    def __init__(self, capacity: int) -> None:
        self.capacity = check_int(capacity, "capacity", low=1)
        self.values: dict[Hashable, Any] = {}
        self.order: list[Hashable] = []  # least recently used first
        self.index: dict[Hashable, int] = {}  # key -> its position in self.order

    def get(self, key: Hashable, default: Any = None) -> Any:
        if key not in self.values:
            return default
        self._touch(key)
        return self.values[key]

    def set(self, key: Hashable, value: Any) -> None:
        if key in self.values:
            self._touch(key)
        elif len(self.values) >= self.capacity:
            self._evict()
        if key not in self.index:
            self.index[key] = len(self.order)
            self.order.append(key)
        self.values[key] = value

    def _touch(self, key: Hashable) -> None:
        """Move `key` to the most recent end; every key that stood behind it moves down a place."""
        place = self.index[key]
        del self.order[place]
        for i in range(place, len(self.order)):  # the renumbering: O(n) for a key near the front
            self.index[self.order[i]] = i
        self.index[key] = len(self.order)
        self.order.append(key)

    def _evict(self) -> None:
        oldest = self.order.pop(0)
        del self.values[oldest], self.index[oldest]
        for i, key in enumerate(self.order):
            self.index[key] = i

    def __len__(self) -> int:
        return len(self.values)


class OrderedDictLRU:
    """An LRU cache on an OrderedDict: `move_to_end` on a read, `popitem(last=False)` to evict."""

    def __init__(self, capacity: int) -> None:
        self.capacity = check_int(capacity, "capacity", low=1)
        self.values: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, default: Any = None) -> Any:
        if key not in self.values:
            return default
        self.values.move_to_end(key)
        return self.values[key]

    def set(self, key: Hashable, value: Any) -> None:
        self.values[key] = value
        self.values.move_to_end(key)
        if len(self.values) > self.capacity:
            self.values.popitem(last=False)

    def __len__(self) -> int:
        return len(self.values)
