"""Tests for perfkit.lessons.servers.LatencyServer. Timings are checked with coarse bounds only."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import pytest

from perfkit.lessons.servers import LatencyServer


def _new_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t not in before and t.is_alive()]


def _port_refuses(url: str) -> bool:
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", urlsplit(url).port), timeout=1).close()
    return True


async def _gather(url: str, n: int) -> list[httpx.Response]:
    async with httpx.AsyncClient(timeout=30) as client:
        return await asyncio.gather(*(client.get(url) for _ in range(n)))


def test_get_returns_200_and_json_body():
    with LatencyServer(latency=0.0) as server:
        response = httpx.get(server.url + "some/path", timeout=10)
        assert response.status_code == 200
        assert response.json() == {"path": "/some/path", "latency": 0.0}
        assert server.requests_served == 1


def test_latency_is_honoured_coarsely():
    with LatencyServer(latency=0.1) as server, httpx.Client(timeout=10) as client:
        client.get(server.url)  # connect once, so the timed request measures latency only
        start = time.perf_counter()
        client.get(server.url)
        elapsed = time.perf_counter() - start
    assert 0.09 <= elapsed <= 1.0


def test_latency_query_parameter_overrides_per_request():
    with LatencyServer(latency=0.0) as server, httpx.Client(timeout=10) as client:
        start = time.perf_counter()
        response = client.get(server.url + "?latency=0.2")
        elapsed = time.perf_counter() - start
        bad = client.get(server.url + "?latency=-1")
    assert response.json()["latency"] == 0.2
    assert elapsed >= 0.19
    assert bad.status_code == 400
    assert "latency" in bad.json()["error"]


def test_concurrent_requests_overlap_with_gather():
    with LatencyServer(latency=0.2) as server:
        start = time.perf_counter()
        responses = asyncio.run(_gather(server.url, 10))
        elapsed = time.perf_counter() - start
        assert server.requests_served == 10
        assert server.max_in_flight >= 2
    assert [r.status_code for r in responses] == [200] * 10
    assert elapsed < 0.5 * 10 * 0.2


def test_concurrent_requests_overlap_with_threads():
    with LatencyServer(latency=0.2) as server, ThreadPoolExecutor(10) as pool:
        start = time.perf_counter()
        codes = list(pool.map(lambda _: httpx.get(server.url, timeout=30).status_code, range(10)))
        elapsed = time.perf_counter() - start
        in_flight = server.max_in_flight
    assert codes == [200] * 10
    # each httpx.get builds a client (an SSL context: CPU), so time alone is noisy on a busy
    # machine; the server's own count shows the overlap
    assert in_flight >= 3
    assert elapsed < 10 * 0.2


def test_max_concurrency_limits_requests_in_flight():
    with LatencyServer(latency=0.1, max_concurrency=2) as server:
        start = time.perf_counter()
        responses = asyncio.run(_gather(server.url, 6))
        elapsed = time.perf_counter() - start
        assert server.max_in_flight <= 2
        assert server.requests_served == 6
    assert [r.status_code for r in responses] == [200] * 6
    assert elapsed >= 0.25  # three waves of two at 0.1 s each


def test_stop_leaves_no_thread_and_closes_port():
    before = set(threading.enumerate())
    with httpx.Client(timeout=10) as client:  # keeps its connection alive past the server
        with LatencyServer(latency=0.01) as server:
            url = server.url
            for _ in range(3):
                client.get(url)
            assert server.running
        assert not server.running
        assert _new_threads(before) == []
        assert _port_refuses(url)


def test_stop_when_body_raises():
    before = set(threading.enumerate())
    with pytest.raises(ZeroDivisionError):
        with LatencyServer(latency=0.01) as server:
            url = server.url
            httpx.get(url, timeout=10)
            1 / 0
    assert _new_threads(before) == []
    assert _port_refuses(url)


def test_stop_on_keyboard_interrupt():
    before = set(threading.enumerate())
    with pytest.raises(KeyboardInterrupt):
        with LatencyServer() as server:
            url = server.url
            raise KeyboardInterrupt
    assert _new_threads(before) == []
    assert _port_refuses(url)


def test_stop_wakes_requests_sleeping_in_latency():
    before = set(threading.enumerate())
    server = LatencyServer(latency=30, max_concurrency=1).start()
    clients = [threading.Thread(target=_get_ignoring_errors, args=(server.url,)) for _ in range(3)]
    for thread in clients:
        thread.start()
    deadline = time.monotonic() + 5
    while server.max_in_flight < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    start = time.perf_counter()
    server.stop()
    stop_seconds = time.perf_counter() - start
    for thread in clients:
        thread.join(10)
    assert server.max_in_flight == 1
    assert stop_seconds < 5  # not the 30 s latency, nor the queue behind it
    assert server.requests_served == 0
    assert _new_threads(before) == []


def _get_ignoring_errors(url: str) -> None:
    try:
        httpx.get(url, timeout=60)
    except httpx.HTTPError:
        pass  # the server drops requests in progress when it stops


def test_stop_is_idempotent_and_start_twice_raises():
    server = LatencyServer(latency=0)
    server.stop()  # never started: nothing to do
    server.start()
    with pytest.raises(RuntimeError, match="already running"):
        server.start()
    server.stop()
    server.stop()
    assert not server.running
    with pytest.raises(RuntimeError, match="not running"):
        server.url


def test_restart_after_stop_serves_again():
    server = LatencyServer(latency=0)
    with server:
        httpx.get(server.url, timeout=10)
    with server:
        assert httpx.get(server.url, timeout=10).status_code == 200
        assert server.requests_served == 1  # counters restart with the server


def test_repr_shows_url_latency_and_running():
    server = LatencyServer(latency=0.05)
    assert "running=False" in repr(server)
    with server:
        text = repr(server)
        assert server.url in text
        assert "latency=0.05" in text
        assert "running=True" in text


@pytest.mark.parametrize(
    ("kwargs", "name", "error"),
    [
        ({"latency": -1}, "latency", ValueError),
        ({"latency": float("nan")}, "latency", ValueError),
        ({"latency": "0.1"}, "latency", TypeError),
        ({"max_concurrency": 0}, "max_concurrency", ValueError),
        ({"max_concurrency": 1.5}, "max_concurrency", TypeError),
        ({"port": -1}, "port", ValueError),
        ({"port": 70_000}, "port", ValueError),
    ],
)
def test_invalid_arguments_raise_an_error_naming_them(kwargs, name, error):
    with pytest.raises(error, match=f"^{name} must be") as info:
        LatencyServer(**kwargs)
    assert repr(next(iter(kwargs.values()))) in str(info.value)
