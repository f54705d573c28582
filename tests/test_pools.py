"""Object pools and weak caches (perfkit.lessons.pools): what they hand out, keep and drop."""

import gc

import pytest

from perfkit.lessons.pools import CacheReplays, DictCache, ObjectPool, Record, WeakCache, replay


def test_a_released_object_is_handed_out_again_after_its_reset():
    made = []
    pool = ObjectPool(lambda: made.append({"data": []}) or made[-1], reset=lambda d: d["data"].clear(), max_size=2)
    first = pool.acquire()
    first["data"].append("secret")
    pool.release(first)
    again = pool.acquire()
    assert again is first and again["data"] == [] and len(made) == 1


def test_without_a_reset_the_next_caller_sees_the_old_data():
    pool = ObjectPool(lambda: {"data": []})
    obj = pool.acquire()
    obj["data"].append("secret")
    pool.release(obj)
    assert pool.acquire()["data"] == ["secret"]


def test_the_pool_keeps_at_most_max_size_and_ignores_foreign_or_double_releases():
    pool = ObjectPool(list, max_size=1)
    a, b = pool.acquire(), pool.acquire()
    pool.release(a)
    pool.release(b)  # beyond max_size: let go
    pool.release(a)  # released twice: ignored
    pool.release([])  # never handed out: ignored
    assert pool.free == [a] and not pool.in_use


@pytest.mark.parametrize("kwargs, error", [({"factory": 3}, TypeError), ({"factory": list, "max_size": -1}, ValueError),
                                           ({"factory": list, "reset": "no"}, TypeError)])
def test_pool_arguments_are_checked(kwargs, error):
    with pytest.raises(error):
        ObjectPool(**kwargs)


def test_a_weak_cache_refuses_dicts_and_forgets_what_nobody_holds():
    cache = WeakCache()
    cache.set("d", {"id": 1})
    assert cache.refused == 1 and len(cache) == 0
    value = Record("r")
    cache.set("r", value)
    assert cache.get("r") is value and cache.hits == 1
    del value
    gc.collect()  # CPython frees it at once; the collection is for other interpreters
    assert cache.get("r") is None and cache.misses == 1 and len(cache) == 0


def test_replay_counts_hits_and_what_each_cache_kept():
    keys = [1, 2, 1, 1, 3, 2]
    plain = replay("dict", DictCache(), keys, lambda k: {"id": k})
    weak_dicts = replay("weak dicts", WeakCache(), keys, lambda k: {"id": k})
    dropped = replay("weak records", WeakCache(), keys, Record)
    held = replay("weak records, held", WeakCache(), keys, Record, hold=2)
    assert (plain.hits, plain.kept) == (3, 3)
    assert (weak_dicts.hits, weak_dicts.refused, weak_dicts.kept) == (0, 6, 0)
    assert (dropped.hits, dropped.kept) == (0, 0)
    # the caller holds the last 2 values: 1 is still held at its two repeats; 2 was let go by then
    assert held.hits == 2 and held.kept == 2
    runs = CacheReplays((plain, held))
    assert runs.names == ["dict", "weak records, held"] and runs["dict"] is plain
    assert "3 hits in 6 requests (50%)" in str(runs)
    with pytest.raises(KeyError, match="the replays are"):
        runs["nope"]


def test_replay_checks_its_arguments():
    with pytest.raises(TypeError):
        replay("x", WeakCache(), [1], "not callable")
    with pytest.raises(ValueError):
        replay("x", WeakCache(), [1], Record, hold=-1)
