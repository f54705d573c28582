"""The caching lesson's code: key streams, hit rates, TTL and LRU caches, async caches, the cache
backends (Redis and in-process) and the cache-aside service."""

import asyncio
import copy
import functools
import os
import random
import socket
import time

import numpy as np
import pytest

import perfkit as pk
from perfkit.lessons.async_cache import cache_result, cache_task
from perfkit.lessons.caching import KeyCycle, TTLCache, lru_hit_rate, zipf_keys
from perfkit.lessons.hitrates import HitRates, hit_rates
from perfkit.lessons.lab.cache import ENV, CacheUnavailable, LocalCache, cache_backend, resolve_url
from perfkit.lessons.lab.loadresult import LoadResult
from perfkit.lessons.lru import ListLRU, OrderedDictLRU



def _local_redis() -> str | None:
    """$PERFKIT_REDIS_URL, else a Redis on 127.0.0.1:6379 if one answers PING, else None."""
    if os.environ.get(ENV):
        return os.environ[ENV]
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            sock.settimeout(1)
            return "redis://127.0.0.1:6379" if sock.recv(16).startswith(b"+PONG") else None
    except OSError:
        return None


REDIS = _local_redis()
needs_redis = pytest.mark.skipif(not REDIS, reason=f"{ENV} is not set and no Redis answers on 127.0.0.1:6379")


# --- key streams and hit rates -----------------------------------------------------------------

def test_zipf_keys_are_seeded_in_range_and_skewed():
    keys = zipf_keys(20_000, keys=1_000, s=1.0, seed=3)
    assert keys == zipf_keys(20_000, keys=1_000, s=1.0, seed=3)
    assert keys != zipf_keys(20_000, keys=1_000, s=1.0, seed=4)
    assert min(keys) >= 1 and max(keys) <= 1_000 and len(keys) == 20_000
    top_share = lambda ks: np.sort(np.bincount(ks))[::-1][:10].sum() / len(ks)  # noqa: E731
    uniform = zipf_keys(20_000, keys=1_000, s=0.0)
    assert top_share(keys) > 0.3 > 0.05 > top_share(uniform)  # top 1% of keys: ~39% vs ~1-2%


@pytest.mark.parametrize("kwargs, error", [
    ({"count": 0}, ValueError), ({"count": 1.5}, TypeError), ({"count": 5, "keys": 0}, ValueError),
    ({"count": 5, "s": -1}, ValueError), ({"count": 5, "s": "1"}, TypeError),
])
def test_zipf_keys_refuses_bad_arguments(kwargs, error):
    with pytest.raises(error):
        zipf_keys(**kwargs)


def test_lru_hit_rate_counts_from_cache_info_after_warmup():
    # maxsize 1: only a repeat of the previous key hits
    assert lru_hit_rate([1, 1, 2, 2, 1, 3], maxsize=1) == pytest.approx(2 / 6)
    assert lru_hit_rate([1, 2, 1, 2, 1, 2], maxsize=2, warmup=2) == 1.0
    assert lru_hit_rate([1, 2, 3, 1, 2, 3], maxsize=2) == 0.0  # the LRU pathology: a cycle one too long
    with pytest.raises(ValueError, match="warmup must be fewer than the 3 keys"):
        lru_hit_rate([1, 2, 3], maxsize=2, warmup=3)


def test_hit_rates_estimates_verdicts_and_saving(tmp_path):
    rates = hit_rates({"uniform": 0.0, "skewed": 1.5}, maxsizes=[10, 100], keys=200, requests=4_000, seeds=3)
    assert rates.names == ["uniform", "skewed"] and rates.warmup == 400
    low, high = rates.rate("uniform", 10), rates.rate("skewed", 100)
    assert low.unit == "%" and low.low <= low.value <= low.high
    assert low.value < 10 < 80 < high.value  # 10 of 200 uniform keys fit; skewed traffic mostly hits
    assert rates.verdict("uniform", 10, above=80).status == "refuted"
    assert rates.verdict("skewed", 100, above=80, claim="caching.hit_ratio").claim == "caching.hit_ratio"
    assert rates.smallest_maxsize("skewed", 80) == 100 and rates.smallest_maxsize("uniform", 80) is None
    loaded = pk.load(rates.save(tmp_path / "rates.json"))
    assert isinstance(loaded, HitRates) and loaded.rate("skewed", 100) == high
    assert "uniform" in repr(rates) and "maxsize 100" in rates._repr_html_()
    with pytest.raises(KeyError, match="maxsize 50 is not among"):
        rates.rate("uniform", 50)
    with pytest.raises(ValueError, match="percentage"):
        rates.verdict("uniform", 10, above=180)


def test_hit_rates_plot_draws_a_line_per_workload():
    import matplotlib.pyplot as plt

    rates = hit_rates({"a": 0.5, "b": 1.0}, maxsizes=[5, 50], keys=100, requests=1_000, seeds=2)
    ax = rates.plot(target=80, mark=5)
    assert len([line for line in ax.get_lines() if line.get_label() in ("a", "b")]) == 2
    assert ax.get_ylim() == (0, 100)
    plt.close(ax.figure)


@pytest.mark.parametrize("workloads, maxsizes, error", [
    ({}, [10], TypeError), ([("a", 1.0)], [10], TypeError), ({"a": -1}, [10], ValueError),
    ({"a": 1.0}, [], ValueError), ({"a": 1.0}, [0], ValueError),
])
def test_hit_rates_refuses_bad_arguments(workloads, maxsizes, error):
    with pytest.raises(error):
        hit_rates(workloads, maxsizes, keys=10, requests=100)


def test_key_cycle_repeats_and_copies_apart():
    cycle = KeyCycle([1, 2, 3])
    assert [cycle() for _ in range(5)] == [1, 2, 3, 1, 2]
    twin = copy.deepcopy(cycle)
    assert twin() == cycle() == 3
    with pytest.raises(ValueError):
        KeyCycle([])


# --- TTL cache ---------------------------------------------------------------------------------

class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_ttl_cache_expires_entries_and_counts_reads():
    clock = FakeClock()
    cache = TTLCache(ttl=10, clock=clock)
    cache.set("a", 1)
    cache.set("b", 2, ttl=1)
    clock.now = 5
    assert cache.get("a") == 1 and cache.get("b") is None and "b" not in cache and "a" in cache
    clock.now = 10
    assert cache.get("a", "gone") == "gone"
    assert (cache.hits, cache.misses, cache.expired) == (1, 2, 2) and cache.hit_rate == pytest.approx(1 / 3)
    cache.set("c", 3)
    assert cache.delete("c") and not cache.delete("c") and cache.get("c") is None


def test_ttl_cache_without_ttl_keeps_and_with_maxsize_evicts_the_least_recent():
    cache = TTLCache(maxsize=2)
    cache.set("a", 1)
    cache.set("b", 2)
    cache.get("a")  # now b is the least recently used
    cache.set("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3 and len(cache) == 2
    assert "2 entries" in repr(cache)


@pytest.mark.parametrize("kwargs, error", [
    ({"ttl": 0}, ValueError), ({"ttl": "1"}, TypeError), ({"maxsize": 0}, ValueError),
    ({"clock": 3}, TypeError),
])
def test_ttl_cache_refuses_bad_arguments(kwargs, error):
    with pytest.raises(error):
        TTLCache(**kwargs)


# --- hand-written LRUs -------------------------------------------------------------------------

@pytest.mark.parametrize("cls", [ListLRU, OrderedDictLRU])
def test_lru_caches_behave_like_functools_lru_cache(cls):
    rng = random.Random(1)
    cache = cls(8)
    reference = functools.lru_cache(maxsize=8)(lambda k: k * 10)
    for _ in range(2_000):
        key = rng.randrange(16)
        before = reference.cache_info().hits
        reference(key)
        hit = reference.cache_info().hits > before
        assert (cache.get(key) is not None) == hit, key
        if not hit:
            cache.set(key, key * 10)
        assert len(cache) <= 8
    if cls is ListLRU:  # every recorded position is right
        assert all(cache.order[i] == k for k, i in cache.index.items())


@pytest.mark.parametrize("cls", [ListLRU, OrderedDictLRU])
def test_lru_caches_update_values_and_refuse_bad_capacity(cls):
    cache = cls(2)
    cache.set("a", 1)
    cache.set("a", 2)
    assert cache.get("a") == 2 and len(cache) == 1 and cache.get("zzz", "none") == "none"
    with pytest.raises(ValueError):
        cls(0)
    with pytest.raises(TypeError):
        cls(2.0)


# --- async caches ------------------------------------------------------------------------------

def _counted():
    calls = []

    async def fetch(key):
        calls.append(key)
        await asyncio.sleep(0.001)
        return {"key": key}

    return fetch, calls


def test_lru_cache_on_async_def_fails_on_the_second_await():
    fetch, _ = _counted()
    broken = functools.lru_cache(maxsize=8)(fetch)

    async def twice():
        await broken(1)
        await broken(1)

    with pytest.raises(RuntimeError, match="cannot reuse already awaited coroutine"):
        pk.run_async(twice())


@pytest.mark.parametrize("decorator, runs", [(cache_result, 20), (cache_task, 1)])
def test_async_caches_hit_and_differ_on_a_stampede(decorator, runs):
    fetch, calls = _counted()
    cached = decorator(maxsize=8)(fetch)

    async def scenario():
        together = await asyncio.gather(*(cached(1) for _ in range(20)))
        again = await cached(1)
        return together, again

    together, again = pk.run_async(scenario())
    assert together == [{"key": 1}] * 20 and again == {"key": 1}
    assert len(calls) == runs  # a result exists only once the first call is done; a task at once


@pytest.mark.parametrize("decorator", [cache_result, cache_task])
def test_async_caches_evict_beyond_maxsize(decorator):
    fetch, calls = _counted()
    cached = decorator(maxsize=2)(fetch)

    async def scenario():
        for key in (1, 2, 3, 1):  # 1 was evicted by 3
            await cached(key)

    pk.run_async(scenario())
    assert calls == [1, 2, 3, 1]


def test_cache_task_drops_a_failed_run():
    attempts = []

    @cache_task(maxsize=4)
    async def flaky(key):
        attempts.append(key)
        if len(attempts) == 1:
            raise OSError("the database went away")
        return key

    async def scenario():
        with pytest.raises(OSError):
            await flaky(1)
        return await flaky(1)

    assert pk.run_async(scenario()) == 1 and attempts == [1, 1]


@pytest.mark.parametrize("decorator", [cache_result, cache_task])
def test_async_caches_refuse_plain_functions_and_bad_maxsize(decorator):
    with pytest.raises(TypeError, match="async def"):
        decorator()(lambda key: key)
    with pytest.raises(ValueError):
        decorator(maxsize=0)


# --- cache backends ----------------------------------------------------------------------------

def test_resolve_url_reads_the_environment_and_checks_the_kind(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    assert resolve_url(None) == (None, f"{ENV} is not set")
    monkeypatch.setenv(ENV, "redis://127.0.0.1:1/0")
    assert resolve_url(None) == ("redis://127.0.0.1:1/0", ENV)
    with pytest.raises(TypeError, match="url must be a Redis URL str"):
        resolve_url(6379)
    with pytest.raises(ValueError, match="redis://"):
        resolve_url("http://127.0.0.1:6379")


def test_local_backend_without_a_url(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    with cache_backend() as cache:
        assert isinstance(cache, LocalCache) and cache.kind == "in-process"
        assert f"{ENV} is not set" in cache.describe()
        cache.set("k", "v", ttl=60)
        assert cache.get("k") == "v" and cache.delete("k") and cache.get("k") is None
    with pytest.raises(TypeError, match="namespace"):
        cache_backend(namespace=3)


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


def test_an_unreachable_redis_is_an_error_naming_host_and_port(monkeypatch):
    port = _closed_port()
    monkeypatch.setenv(ENV, f"redis://127.0.0.1:{port}/0")
    start = time.perf_counter()
    with pytest.raises(CacheUnavailable, match=f"127.0.0.1:{port} \\(from {ENV}\\).*unset {ENV}"):
        cache_backend()
    assert time.perf_counter() - start < 2
    assert issubclass(CacheUnavailable, pk.PerfkitError) and issubclass(CacheUnavailable, ConnectionError)


def test_a_silent_server_times_out_within_two_seconds():
    with socket.socket() as server:  # accepts connections (the kernel does) and never answers
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        port = server.getsockname()[1]
        start = time.perf_counter()
        with pytest.raises(CacheUnavailable, match=f"127.0.0.1:{port}"):
            cache_backend(f"redis://127.0.0.1:{port}/0")
        assert time.perf_counter() - start < 2.5


@needs_redis
def test_redis_backend_expires_deletes_and_clears_only_its_namespace():
    with cache_backend(REDIS) as cache, cache_backend(REDIS) as other:
        assert cache.kind == "redis" and cache.namespace != other.namespace and "Redis" in cache.describe()
        cache.set("a", "1", ttl=0.05)
        cache.set("b", "2")
        other.set("b", "other")
        assert cache.get("a") == "1" and cache.get("b") == "2"
        time.sleep(0.1)
        assert cache.get("a") is None
        assert cache.delete("b") and not cache.delete("b")
        cache.set("c", "3")
        cache.clear()
        assert cache.get("c") is None and other.get("b") == "other"
    assert cache.client is None  # closed; closing again does nothing
    cache.close()


# --- the cache-aside service -------------------------------------------------------------------

def _load(latencies):
    n = len(latencies)
    due = np.arange(n) / 100.0
    end = due + np.asarray(latencies)
    run = {"due": due, "start": due, "end": end, "status": [200] * n, "error": [""] * n,
           "elapsed": float(end.max()), "cpu": 0.01, "waits": 0}
    return LoadResult(["GET http://127.0.0.1:1/"], "open", 100.0, None, 1.0, [run, dict(run), dict(run)])


def test_hit_verdict_judges_the_ratio_of_two_load_tests():
    from perfkit.lessons.lab.cache_app import hit_verdict

    hit, miss = _load([0.001] * 50), _load([0.050] * 50)
    v = hit_verdict(hit, miss, by=20)
    assert v.status == "holds" and v.estimate.value == pytest.approx(50)
    assert hit_verdict(hit, _load([0.002] * 50), by=50).status == "refuted"


def test_plot_latencies_draws_bars_and_claims():
    import matplotlib.pyplot as plt

    results = {"hit": _load([0.001] * 20), "miss": _load([0.003] * 20)}
    ax = pk.plots.plot_latencies(results, claimed={"miss": 0.05})
    assert {t.get_text() for t in ax.get_yticklabels()} == {"hit", "miss"}
    assert [line.get_xdata()[0] for line in ax.get_lines() if line.get_label() == "claimed"] == [0.05]
    assert ax.get_xscale() == "log"
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="not in results"):
        pk.plots.plot_latencies(results, claimed={"mis": 0.05})


def test_serve_cache_aside_refuses_a_cache_or_db_of_the_wrong_kind():
    from perfkit.lessons.lab.cache_app import serve_cache_aside

    with pk.database() as db:
        with pytest.raises(TypeError, match="cache must be None, a Redis URL str, or a backend"):
            serve_cache_aside(db, cache=42)
        with pytest.raises(ValueError, match="redis://"):
            serve_cache_aside(db, cache="memcached://127.0.0.1:11211")
    with pytest.raises(TypeError, match="db must be an open Database"):
        serve_cache_aside("sqlite://", cache=None)


@pytest.mark.parametrize("url", [None, pytest.param(REDIS, marks=needs_redis)], ids=["in-process", "redis"])
def test_the_service_caches_counts_and_invalidates(url, monkeypatch):
    from perfkit.lessons.lab.cache_app import serve_cache_aside

    monkeypatch.delenv(ENV, raising=False)
    with pk.database() as db, cache_backend(url) as cache:
        db.seed(users=20, posts_per_user=0, comments_per_post=0, orders_per_user=0, wide_rows=0)
        with serve_cache_aside(db, cache, ttl=60) as svc:
            assert svc.get("/") == {"app": "cache-aside", "cache": cache.kind}
            first, second = svc.get("/users/3"), svc.get("/users/3")
            assert first == second and first["name"] == "user 3"
            assert svc.get("/users/3?cold=1") == first
            assert svc.stats() == {"hits": 1, "misses": 2}
            assert svc._call("DELETE", "/users/3") == {"deleted": True}
            svc.get("/users/3")
            assert svc.stats()["misses"] == 3
            svc.reset_stats()
            assert svc.stats() == {"hits": 0, "misses": 0}
            assert svc.get("/db/users/4")["id"] == 4


@needs_redis
def test_a_redis_cache_left_open_leaves_no_keys_once_collected():
    import gc

    import redis

    cache = cache_backend(REDIS)
    namespace = cache.namespace
    cache.set("a", "1")
    del cache
    gc.collect()
    client = redis.Redis.from_url(REDIS)
    try:
        assert list(client.scan_iter(match=namespace + "*")) == []
    finally:
        client.close()
