"""The algorithms lesson's code: an inverted index two ways, two priority queues, a heap merge.

    docs = make_documents(10_000)               # (doc_id, words) with a Zipf-like vocabulary
    index = ListIndex.build(docs)               # posting lists as one guideline document keeps them
    index.add(10_000, docs[0][1])               # its add: `not in` on the list, then insort: O(n)
    SetIndex.build(docs).add(10_000, words)     # a set per word: O(1) per word

`ListIndex.add` and `LazyPriorityQueue` are minimal versions of patterns one document recommends;
`SetIndex` and `SortedListQueue` are what they are measured against. `build` fills an index the
quick way (ids arrive in order, so each list is appended to), so a sweep can start from n
documents without paying the slow path n times.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import random
from collections import defaultdict
from typing import Any, Hashable, Iterable, Sequence

from ..engine.checks import check_int

__all__ = ["make_documents", "ListIndex", "SetIndex", "LazyPriorityQueue", "SortedListQueue",
           "hold", "heap_merge", "sorted_lists"]

Document = tuple[int, list[str]]


def make_documents(n: int, words_per_doc: int = 8, vocabulary: int = 2_000, seed: int = 0,
                   first_id: int = 0) -> list[Document]:
    """`n` documents of `words_per_doc` words, ids from `first_id` up, seeded.

    Words are drawn with probability 1/rank from `vocabulary` words ("w0" most common): the few
    common words appear in a large share of the documents, so their posting lists grow with n.
    """
    check_int(n, "n", low=0)
    check_int(words_per_doc, "words_per_doc", low=1)
    check_int(vocabulary, "vocabulary", low=1)
    rng = random.Random(seed)
    words = [f"w{rank}" for rank in range(vocabulary)]
    cum = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(vocabulary)))
    return [(first_id + i, rng.choices(words, cum_weights=cum, k=words_per_doc)) for i in range(n)]


class ListIndex:
    """Word -> sorted list of document ids; `add` checks `doc_id not in` the list, then insorts."""

    def __init__(self) -> None:
        self.postings: defaultdict[str, list[int]] = defaultdict(list)

    @classmethod
    def build(cls, documents: Iterable[Document]) -> "ListIndex":
        """The index of `documents`, whose ids must increase, filled by appending."""
        index = cls()
        for doc_id, words in documents:
            for word in words:
                ids = index.postings[word]
                if not ids or ids[-1] < doc_id:
                    ids.append(doc_id)
        return index

    def add(self, doc_id: int, words: Iterable[str]) -> None:
        for word in words:
            if doc_id not in self.postings[word]:  # scans the whole list when the id is new
                bisect.insort(self.postings[word], doc_id)

    def remove_newest(self, doc_id: int, words: Iterable[str]) -> None:
        """Undo `add` of the newest document (its id is the largest): O(1) per word."""
        for word in set(words):
            ids = self.postings[word]
            if ids and ids[-1] == doc_id:
                ids.pop()

    def count(self, word: str) -> int:
        return len(self.postings.get(word, ()))

    def ids(self, word: str) -> list[int]:
        return list(self.postings.get(word, ()))


class SetIndex:
    """Word -> set of document ids; sorted only when a caller asks for the ids."""

    def __init__(self) -> None:
        self.postings: defaultdict[str, set[int]] = defaultdict(set)

    @classmethod
    def build(cls, documents: Iterable[Document]) -> "SetIndex":
        index = cls()
        for doc_id, words in documents:
            index.add(doc_id, words)
        return index

    def add(self, doc_id: int, words: Iterable[str]) -> None:
        for word in words:
            self.postings[word].add(doc_id)

    def remove_newest(self, doc_id: int, words: Iterable[str]) -> None:
        for word in words:
            self.postings[word].discard(doc_id)

    def count(self, word: str) -> int:
        return len(self.postings.get(word, ()))

    def ids(self, word: str) -> list[int]:
        return sorted(self.postings.get(word, ()))


class LazyPriorityQueue:
    """A heap of (priority, counter, task id); re-adding a task leaves its old entry in the heap.

    A stale entry is skipped when it is popped (lazy deletion), so after many updates the heap
    holds more entries than there are live tasks: `len(queue.heap)` against `len(queue)`.
    """

    def __init__(self) -> None:
        self.heap: list[tuple[float, int, Hashable]] = []
        self.current: dict[Hashable, int] = {}  # task id -> the counter of its live entry
        self.counter = 0

    @classmethod
    def from_tasks(cls, tasks: Iterable[tuple[Hashable, float]]) -> "LazyPriorityQueue":
        """A queue holding (task id, priority) pairs, built in one heapify."""
        queue = cls()
        for task_id, priority in tasks:
            queue.current[task_id] = queue.counter
            queue.heap.append((priority, queue.counter, task_id))
            queue.counter += 1
        heapq.heapify(queue.heap)
        return queue

    def add(self, task_id: Hashable, priority: float) -> None:
        self.current[task_id] = self.counter
        heapq.heappush(self.heap, (priority, self.counter, task_id))
        self.counter += 1

    def pop(self) -> Hashable:
        """The live task with the lowest priority (first added among equals)."""
        while self.heap:
            _, counter, task_id = heapq.heappop(self.heap)
            if self.current.get(task_id) == counter:
                del self.current[task_id]
                return task_id
        raise IndexError("pop from an empty queue")

    def __len__(self) -> int:
        return len(self.current)


class SortedListQueue:
    """A list kept sorted with `bisect.insort`, lowest priority last, so `pop()` takes it from the end."""

    def __init__(self) -> None:
        self.items: list[tuple[float, int, Hashable]] = []
        self.counter = 0

    @classmethod
    def from_tasks(cls, tasks: Iterable[tuple[Hashable, float]]) -> "SortedListQueue":
        """A queue holding (task id, priority) pairs, built in one sort."""
        queue = cls()
        queue.items = sorted((-priority, -i, task_id) for i, (task_id, priority) in enumerate(tasks))
        queue.counter = len(queue.items)
        return queue

    def add(self, task_id: Hashable, priority: float) -> None:
        bisect.insort(self.items, (-priority, -self.counter, task_id))  # shifts the items after it
        self.counter += 1

    def pop(self) -> Hashable:
        if not self.items:
            raise IndexError("pop from an empty queue")
        return self.items.pop()[2]

    def __len__(self) -> int:
        return len(self.items)


def hold(queue: Any, delay: float) -> float:
    """One step of the "hold" benchmark: take the next task, schedule it again `delay` later.

    Task ids are their due times, so the queue keeps its size and its spread of priorities.
    """
    due = queue.pop()
    queue.add(due + delay, due + delay)
    return due


def heap_merge(lists: Sequence[Sequence[Any]]) -> list[Any]:
    """Merge sorted lists by hand with a heap of (value, list number, position), as one document does."""
    heap = [(items[0], i, 0) for i, items in enumerate(lists) if items]
    heapq.heapify(heap)
    merged = []
    while heap:
        value, i, j = heapq.heappop(heap)
        merged.append(value)
        if j + 1 < len(lists[i]):
            heapq.heappush(heap, (lists[i][j + 1], i, j + 1))
    return merged


def sorted_lists(k: int, total: int = 20_000, seed: int = 0) -> list[list[float]]:
    """`k` sorted lists of random floats, `total` items in all (as evenly as they divide), seeded."""
    check_int(k, "k", low=1)
    check_int(total, "total", low=k, hint="(at least one item per list)")
    rng = random.Random(seed * 1_000_003 + k)
    sizes = [total // k + (i < total % k) for i in range(k)]
    return [sorted(rng.random() for _ in range(size)) for size in sizes]
