"""Tests for perfkit.lessons.fetch against a real LatencyServer. Timings are checked with coarse bounds;
concurrency is checked exactly, through the server's own count of requests in flight.

The fetch functions under test in notebook 04 are the notebook's own; the small ones here drive
the clients, the loop-lag probe and request_cost the same way."""

from __future__ import annotations

import asyncio
import time
from functools import partial

import httpx
import pytest

import perfkit as pk
from perfkit.lessons.fetch import RequestCost, async_client, measure_loop_lag, request_cost, sync_client


def ok(responses) -> int:
    return sum(r.status_code == 200 for r in responses)


async def one_by_one(url: str, n: int) -> int:
    async with async_client() as client:
        return ok([await client.get(url) for _ in range(n)])


async def gathered(url: str, n: int, max_connections: int | None = None) -> int:
    async with async_client(max_connections) as client:
        return ok(await asyncio.gather(*(client.get(url) for _ in range(n))))


async def blocking_under_gather(url: str, n: int) -> int:
    with sync_client() as client:
        async def get():
            return client.get(url)  # no await: blocks the loop

        return ok(await asyncio.gather(*(get() for _ in range(n))))


async def sleep_gathered(n: int, latency: float, limit: int | None = None) -> int:
    semaphore = asyncio.Semaphore(limit or n)

    async def wait():
        async with semaphore:
            await asyncio.sleep(latency)

    await asyncio.gather(*(wait() for _ in range(n)))
    return n


async def time_sleep_under_gather(n: int, latency: float) -> int:
    async def wait():
        time.sleep(latency)  # blocks the loop

    await asyncio.gather(*(wait() for _ in range(n)))
    return n


def timed(coro) -> tuple[object, float]:
    start = time.perf_counter()
    result = pk.run_async(coro)
    return result, time.perf_counter() - start


def test_clients_ignore_proxies_from_the_environment_and_wait_long(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    with pk.LatencyServer(latency=0.0) as server:
        assert pk.run_async(one_by_one(server.url, 2)) == 2
        with sync_client() as client:
            assert client.get(server.url).status_code == 200
            assert client.timeout.read >= 10


def test_keep_alive_requests_are_not_delayed_by_nagle():
    # Regression: without TCP_NODELAY on the server, each request after the first on a
    # connection waited ~40 ms for a delayed ACK, so 20 took ~0.8 s at zero latency.
    with pk.LatencyServer(latency=0.0) as server:
        pk.run_async(one_by_one(server.url, 1))  # cold start: imports, SSL context
        _, elapsed = timed(one_by_one(server.url, 20))
    assert elapsed < 0.4


def test_the_async_client_sends_gathered_requests_at_once():
    with pk.LatencyServer(latency=0.1) as server:
        got, elapsed = timed(gathered(server.url, 10))
        assert got == 10
        assert server.max_in_flight == 10
    assert elapsed < 0.5  # one by one it would take 1 s


def test_max_connections_bounds_requests_in_flight():
    with pk.LatencyServer(latency=0.05) as server:
        got, elapsed = timed(gathered(server.url, 6, max_connections=2))
        assert got == 6
        assert server.max_in_flight <= 2
    assert elapsed >= 3 * 0.05 * 0.9  # at least three waves


def test_bad_max_connections_is_refused():
    for bad in (0, -1):
        with pytest.raises(ValueError, match="max_connections must be an int >= 1"):
            async_client(bad)
    for bad in (1.5, True, "2"):
        with pytest.raises(TypeError, match="max_connections must be an int >= 1"):
            async_client(bad)
    assert isinstance(async_client(), httpx.AsyncClient)


def test_loop_lag_sees_the_blocking_variant_only():
    blocked = measure_loop_lag(time_sleep_under_gather, 5, 0.02)
    free = measure_loop_lag(partial(sleep_gathered, 5, 0.02))
    assert blocked.max >= 5 * 0.02 * 0.9  # the whole batch held the loop
    assert free.max < 0.05
    with pytest.raises(TypeError, match="async function"):
        measure_loop_lag(42)


def test_a_blocking_client_under_gather_holds_the_loop_for_the_whole_batch():
    with pk.LatencyServer(latency=0.03) as server:
        lag = measure_loop_lag(blocking_under_gather, server.url, 4)
        assert server.max_in_flight == 1
    assert lag.max >= 4 * 0.03 * 0.9


def test_request_cost_times_the_callers_fetch_function():
    with pk.LatencyServer(latency=0.0) as server:
        cost = request_cost(gathered, server.url, n=5, repeat=2)
        seq = request_cost(one_by_one, server.url, n=5, concurrent=False, repeat=2)
        assert server.requests_served == 5 * (1 + 2) * 2  # a warm-up batch and two measured, each
    assert isinstance(cost, RequestCost)
    assert cost.concurrent and not seq.concurrent
    assert 0 < cost.loop_cpu <= cost.process_cpu * 1.05 + 1e-3
    assert cost.wall_per_request == pytest.approx(cost.wall / 5)
    assert cost.loop_cpu_per_request == pytest.approx(cost.loop_cpu / 5)
    assert cost.wall < 1.0
    assert "per request" in repr(cost) and "gathered" in repr(cost)
    assert cost.to_dict()["n"] == 5


def test_request_cost_refuses_bad_input_and_a_failing_batch():
    with pytest.raises(TypeError, match="fetch must be an async function"):
        request_cost("http://127.0.0.1:9/", "http://127.0.0.1:9/")
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        request_cost(gathered, "http://127.0.0.1:9/", n=0)

    async def half(url, n):
        return n // 2

    with pytest.raises(RuntimeError, match="only 2 of 4 requests"):
        request_cost(half, "http://127.0.0.1:9/", n=4, repeat=1)


def test_compare_accepts_partials_of_async_fetch_functions():
    with pk.LatencyServer(latency=0.02) as server:
        c = pk.compare({"one by one": partial(one_by_one, server.url, 5),
                        "gather": partial(gathered, server.url, 5)}, budget=0.5)
    assert c.fastest == "gather"
    assert c.ratio("one by one", "gather").value > 1.5


def test_plot_against_ideal_draws_measured_and_ideal_lines_and_checks_names():
    import matplotlib

    matplotlib.use("Agg")
    from perfkit.display.plots import plot_against_ideal

    async def limited(limit):
        return await sleep_gathered(4, 0.002, limit)

    s = pk.sweep({"sem": limited}, n=[1, 2, 4], budget=0.6, progress=False)
    ax = plot_against_ideal(s, {"sem": [0.008, 0.004, 0.002]}, xlabel="limit", title="waves")
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["sem: measured", "sem: ideal"]
    assert ax.get_xscale() == "log" and ax.get_title() == "waves"
    with pytest.raises(ValueError, match="does not have"):
        plot_against_ideal(s, {"other": [1, 2, 3]}, xlabel="x", title="t")
    with pytest.raises(ValueError, match="3 x values"):
        plot_against_ideal(s, {"sem": [1, 2]}, xlabel="x", title="t")


def test_plot_loop_lags_draws_one_bar_per_variant():
    import matplotlib

    matplotlib.use("Agg")
    from perfkit.display.plots import plot_loop_lags

    lags = {"blocked": measure_loop_lag(time_sleep_under_gather, 3, 0.01),
            "free": measure_loop_lag(sleep_gathered, 3, 0.01)}
    ax = plot_loop_lags(lags, marks={"one latency": 0.01})
    widths = [bar.get_width() for bar in ax.patches]
    assert len(widths) == 2 and widths[0] > widths[1]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["blocked", "free"]
    with pytest.raises(ValueError, match="empty"):
        plot_loop_lags({})
