"""The algorithms lesson's code (perfkit.lessons.algorithms): indexes, queues, merges, inputs."""

import heapq
import itertools
import random

import pytest

from perfkit.lessons.algorithms import (LazyPriorityQueue, ListIndex, SetIndex, SortedListQueue, heap_merge,
                                        hold, make_documents, sorted_lists)


def test_documents_are_seeded_with_increasing_ids_and_skewed_words():
    docs = make_documents(2_000, words_per_doc=8, seed=1)
    assert docs == make_documents(2_000, words_per_doc=8, seed=1) != make_documents(2_000, seed=2)
    assert [d for d, _ in docs] == list(range(2_000)) and all(len(w) == 8 for _, w in docs)
    share = sum("w0" in words for _, words in docs) / len(docs)
    rare = sum("w1999" in words for _, words in docs) / len(docs)
    assert share > 0.4 > 0.01 > rare  # the commonest word is in about 2 documents in 3
    assert make_documents(3, first_id=10)[0][0] == 10
    with pytest.raises(ValueError):
        make_documents(-1)


def test_both_indexes_hold_the_same_ids_however_they_are_filled():
    docs = make_documents(300, seed=3)
    built = [ListIndex.build(docs), SetIndex.build(docs)]
    added = [ListIndex(), SetIndex()]
    for index in added:
        for doc_id, words in docs:
            index.add(doc_id, words)
    for word in ("w0", "w1", "w57", "absent"):
        expected = sorted({d for d, words in docs if word in words})
        for index in built + added:
            assert index.ids(word) == expected and index.count(word) == len(expected)


@pytest.mark.parametrize("kind", [ListIndex, SetIndex])
def test_adding_then_removing_the_newest_document_leaves_the_index_as_it_was(kind):
    docs = make_documents(51, seed=4)
    index = kind.build(docs[:50])
    before = {w: index.ids(w) for w in index.postings}
    doc_id, words = docs[50]
    index.add(doc_id, words + words[:1])  # a repeated word is indexed once
    assert all(doc_id in index.ids(w) for w in words)
    index.remove_newest(doc_id, words)
    assert {w: index.ids(w) for w in before} == before


@pytest.mark.parametrize("kind", [LazyPriorityQueue, SortedListQueue])
def test_queues_pop_lowest_priority_first_and_first_added_among_equals(kind):
    queue = kind()
    for task_id, priority in [("a", 2.0), ("b", 1.0), ("c", 2.0), ("d", 0.5)]:
        queue.add(task_id, priority)
    assert [queue.pop() for _ in range(4)] == ["d", "b", "a", "c"] and len(queue) == 0
    with pytest.raises(IndexError):
        queue.pop()


def test_both_queues_built_at_once_agree_with_a_sort_and_with_each_other_under_hold():
    rng = random.Random(5)
    tasks = [(t, t) for t in (rng.random() for _ in range(200))]
    heap, ordered = LazyPriorityQueue.from_tasks(tasks), SortedListQueue.from_tasks(tasks)
    delays = [rng.random() for _ in range(500)]
    assert [hold(heap, d) for d in delays] == [hold(ordered, d) for d in delays]
    assert len(heap) == len(ordered) == 200
    assert [heap.pop() for _ in range(200)] == [ordered.pop() for _ in range(200)]


def test_lazy_deletion_keeps_stale_entries_until_they_reach_the_top():
    queue = LazyPriorityQueue()
    for round_ in range(3):
        for task_id in range(10):
            queue.add(task_id, float(round_ * 10 + task_id))
    assert len(queue) == 10 and len(queue.heap) == 30
    assert [queue.pop() for _ in range(10)] == list(range(10))  # each at its newest priority
    assert not queue.heap


@pytest.mark.parametrize("k", [1, 2, 7, 50])
def test_sorted_lists_are_sorted_seeded_and_merge_to_the_sorted_whole(k):
    lists = sorted_lists(k, total=1_000, seed=2)
    assert len(lists) == k and sum(map(len, lists)) == 1_000 and lists == sorted_lists(k, total=1_000, seed=2)
    assert all(items == sorted(items) for items in lists)
    whole = sorted(itertools.chain(*lists))
    assert heap_merge(lists) == whole == list(heapq.merge(*lists))


def test_heap_merge_skips_empty_lists_and_sorted_lists_checks_its_arguments():
    assert heap_merge([[], [1, 3], [], [2]]) == [1, 2, 3] and heap_merge([]) == []
    with pytest.raises(ValueError):
        sorted_lists(5, total=3)
    with pytest.raises(TypeError):
        sorted_lists(2.5)
