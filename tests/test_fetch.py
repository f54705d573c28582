"""Tests for perfkit.lessons.fetch against a real LatencyServer. Timings are checked with coarse bounds;
concurrency is checked exactly, through the server's own count of requests in flight."""

from __future__ import annotations

import time
from functools import partial

import pytest

import perfkit as pk
from perfkit.lessons.fetch import (
    RequestCost,
    fetch_blocking,
    fetch_gather,
    fetch_sequential,
    fetch_to_thread,
    measure_loop_lag,
    request_cost,
    sleep_blocking,
    sleep_gather,
    sleep_sequential,
    sleep_to_thread,
)


def timed(coro) -> tuple[object, float]:
    start = time.perf_counter()
    result = pk.run_async(coro)
    return result, time.perf_counter() - start


def test_sequential_sends_one_request_at_a_time():
    with pk.LatencyServer(latency=0.02) as server:
        got, elapsed = timed(fetch_sequential(server.url, 5))
        assert got == 5
        assert server.requests_served == 5
        assert server.max_in_flight == 1
    assert elapsed >= 5 * 0.02 * 0.9


def test_keep_alive_requests_are_not_delayed_by_nagle():
    # Regression: without TCP_NODELAY on the server, each request after the first on a
    # connection waited ~40 ms for a delayed ACK, so 20 took ~0.8 s at zero latency.
    with pk.LatencyServer(latency=0.0) as server:
        pk.run_async(fetch_sequential(server.url, 1))  # cold start: imports, SSL context
        _, elapsed = timed(fetch_sequential(server.url, 20))
    assert elapsed < 0.4


def test_gather_sends_all_requests_at_once():
    with pk.LatencyServer(latency=0.1) as server:
        got, elapsed = timed(fetch_gather(server.url, 10))
        assert got == 10
        assert server.max_in_flight == 10
    assert elapsed < 0.5  # one by one it would take 1 s


def test_gather_limit_bounds_requests_in_flight():
    with pk.LatencyServer(latency=0.05) as server:
        got, elapsed = timed(fetch_gather(server.url, 9, limit=3))
        assert got == 9
        assert 2 <= server.max_in_flight <= 3
    assert elapsed >= 3 * 0.05 * 0.9  # at least three waves


def test_gather_max_connections_bounds_requests_in_flight():
    with pk.LatencyServer(latency=0.05) as server:
        got, _ = timed(fetch_gather(server.url, 6, max_connections=2))
        assert got == 6
        assert server.max_in_flight <= 2


def test_server_capacity_makes_gather_wait_in_waves():
    with pk.LatencyServer(latency=0.05, max_concurrency=2) as server:
        got, elapsed = timed(fetch_gather(server.url, 6))
        assert got == 6
        assert server.max_in_flight == 2
    assert elapsed >= 3 * 0.05 * 0.9


def test_blocking_client_under_gather_runs_requests_one_after_another():
    with pk.LatencyServer(latency=0.03) as server:
        got, elapsed = timed(fetch_blocking(server.url, 5))
        assert got == 5
        assert server.max_in_flight == 1
    assert elapsed >= 5 * 0.03 * 0.9


def test_to_thread_runs_blocking_requests_concurrently():
    with pk.LatencyServer(latency=0.1) as server:
        got, elapsed = timed(fetch_to_thread(server.url, 4))
        assert got == 4
        assert server.max_in_flight >= 2
    assert elapsed < 0.35  # one by one it would take 0.4 s


def test_sleep_variants_return_n_and_take_the_expected_time():
    got, seq = timed(sleep_sequential(5, 0.03))
    assert got == 5 and seq >= 5 * 0.03 * 0.9
    got, gathered = timed(sleep_gather(5, 0.03))
    assert got == 5 and gathered < 0.1
    got, limited = timed(sleep_gather(6, 0.03, limit=2))
    assert got == 6 and limited >= 3 * 0.03 * 0.9
    got, blocked = timed(sleep_blocking(5, 0.03))
    assert got == 5 and blocked >= 5 * 0.03 * 0.9
    got, threaded = timed(sleep_to_thread(4, 0.05))
    assert got == 4 and threaded < 0.15


def test_loop_lag_sees_the_blocking_variant_only():
    blocked = measure_loop_lag(sleep_blocking, 5, 0.02)
    free = measure_loop_lag(partial(sleep_gather, 5, 0.02))
    assert blocked.max >= 5 * 0.02 * 0.9  # the whole batch held the loop
    assert free.max < 0.05


def test_request_cost_reports_per_request_figures():
    with pk.LatencyServer(latency=0.0) as server:
        cost = request_cost(server.url, n=5, repeat=2)
        one_by_one = request_cost(server.url, n=5, concurrent=False, repeat=2)
    assert isinstance(cost, RequestCost)
    assert cost.concurrent and not one_by_one.concurrent
    assert 0 < cost.loop_cpu <= cost.process_cpu * 1.05 + 1e-3
    assert cost.wall_per_request == pytest.approx(cost.wall / 5)
    assert cost.loop_cpu_per_request == pytest.approx(cost.loop_cpu / 5)
    assert cost.wall < 1.0
    assert "per request" in repr(cost) and "gathered" in repr(cost)
    assert cost.to_dict()["n"] == 5


def test_compare_accepts_partials_of_the_async_functions():
    with pk.LatencyServer(latency=0.02) as server:
        c = pk.compare({"sequential": partial(fetch_sequential, server.url, 5),
                        "gather": partial(fetch_gather, server.url, 5)}, budget=0.5)
    assert c.fastest == "gather"
    assert c.ratio("sequential", "gather").value > 1.5


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, None])
def test_bad_n_is_refused(bad):
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        pk.run_async(fetch_gather("http://127.0.0.1:9/", bad))


def test_bad_limit_and_latency_are_refused():
    with pytest.raises(ValueError, match="limit"):
        pk.run_async(fetch_gather("http://127.0.0.1:9/", 3, limit=0))
    with pytest.raises(ValueError, match="max_connections"):
        pk.run_async(fetch_gather("http://127.0.0.1:9/", 3, max_connections=0))
    with pytest.raises(ValueError, match="latency"):
        pk.run_async(sleep_gather(3, -0.1))
    with pytest.raises(TypeError, match="async function"):
        measure_loop_lag(42)


def test_plot_against_ideal_draws_measured_and_ideal_lines_and_checks_names():
    import matplotlib

    matplotlib.use("Agg")
    from perfkit.display.plots import plot_against_ideal

    async def limited(limit):
        return await sleep_gather(4, 0.002, limit)

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

    lags = {"blocked": measure_loop_lag(sleep_blocking, 3, 0.01),
            "free": measure_loop_lag(sleep_gather, 3, 0.01)}
    ax = plot_loop_lags(lags, marks={"one latency": 0.01})
    widths = [bar.get_width() for bar in ax.patches]
    assert len(widths) == 2 and widths[0] > widths[1]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["blocked", "free"]
    with pytest.raises(ValueError, match="empty"):
        plot_loop_lags({})
