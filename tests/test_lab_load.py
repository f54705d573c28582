"""Tests for perfkit.lessons.lab.load (the load driver) and loadresult (LoadResult).

Against a real service, only coarse bounds (the machine is shared); the statistics, the
client-limit rule and saving are tested on made-up runs.
"""

from __future__ import annotations

import math
import socket
import threading
import time
import urllib.request

import numpy as np
import pytest

pytest.importorskip("fastapi")

import perfkit as pk
from perfkit.lessons.lab.client import prepare
from perfkit.lessons.lab.loadresult import LoadResult, over_repeats


@pytest.fixture(scope="module")
def url():
    with pk.serve("perfkit.lessons.lab.apps:delay_app", factory=True) as svc:
        yield svc.url


# --- arguments ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, argument", [
    ({"rate": 0}, "rate"), ({"rate": -5}, "rate"), ({"rate": math.nan}, "rate"),
    ({"rate": 10, "concurrency": 2}, "not both"), ({}, "rate= .* or concurrency="),
    ({"concurrency": 0}, "concurrency"), ({"rate": 10, "duration": 0}, "duration"),
    ({"rate": 10, "repeats": 0}, "repeats"), ({"rate": 10, "timeout": -1}, "timeout"),
])
def test_bad_arguments_name_themselves(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        pk.load_test("http://127.0.0.1:1/", **kwargs)


def test_request_specs_are_checked():
    with pytest.raises(ValueError, match="http://"):
        prepare("https://example.com/")
    with pytest.raises(TypeError, match="URL string or a dict"):
        prepare(42)
    with pytest.raises(ValueError, match="unknown: \\['jsn'\\]"):
        prepare({"url": "http://127.0.0.1:1/", "jsn": {}})
    request = prepare({"url": "http://127.0.0.1:8/items?x=1", "method": "post", "json": {"a": 1}})
    assert request.data.startswith(b"POST /items?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8\r\n")
    assert request.data.endswith(b'Content-Length: 8\r\n\r\n{"a": 1}')
    with pytest.raises(ValueError, match="one host and port"):
        pk.load_test(["http://127.0.0.1:1/", "http://127.0.0.1:2/"], rate=1)


# --- against a service with a known delay -----------------------------------------------------

def test_open_loop_keeps_its_rate_and_sees_the_delay(url):
    r = pk.load_test(url + "/sleep?ms=20", rate=50, duration=1.0, repeats=1, warmup=0.1)
    assert r.requests == 50 and not r.errors
    assert 35 <= r.throughput.value <= 65  # 50 req/s within 30%
    assert 0.020 <= r.p50.value < 0.080
    assert r.p50.value <= r.p90.value <= r.p99.value <= r.max.value
    assert r.sent_rate == pytest.approx(50, rel=0.3)


def test_closed_loop_cannot_beat_its_clients_over_the_delay(url):
    r = pk.load_test(url + "/sleep?ms=20", concurrency=4, duration=0.5, repeats=1, warmup=0)
    assert 0 < r.throughput.value <= 4 / 0.020
    assert r.p50.value >= 0.020
    assert np.allclose(r.runs[0]["due"], r.runs[0]["start"])  # closed loop: due when sent


def test_a_stall_shows_in_every_request_due_during_it(url):
    # The server blocks its event loop for 300 ms once. Latency counted from when each request
    # was due shows every request that came due during the stall as late, not only the one in flight.
    def stall():
        time.sleep(0.4)
        urllib.request.urlopen(url + "/block?ms=300", timeout=5).read()

    thread = threading.Thread(target=stall)
    thread.start()
    try:
        r = pk.load_test(url + "/sleep?ms=2", rate=100, duration=1.2, repeats=1, warmup=0)
    finally:
        thread.join()
    latency = r.runs[0]["end"] - r.runs[0]["due"]
    assert r.max.value >= 0.3
    assert (latency > 0.150).sum() >= 5


def test_errors_are_counted_by_kind(url):
    r = pk.load_test([url + "/status/500", url + "/health"], rate=40, duration=0.5, repeats=1, warmup=0)
    assert r.errors == {"HTTP 500": 10}
    assert r.throughput.value == pytest.approx(20, rel=0.5)  # only the answers below 400 count
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # bound, never listening: connections are refused
        r = pk.load_test(f"http://127.0.0.1:{closed}/", rate=20, duration=0.25, repeats=1, warmup=0)
    assert r.errors == {"connection refused": 5}
    assert r.throughput.value == 0 and math.isnan(r.p50.value)


# --- LoadResult on made-up runs ---------------------------------------------------------------

def _run(latencies, rate=100.0, late=0.0, cpu=0.1, status=200):
    n = len(latencies)
    due = np.arange(n) / rate
    start = due + late * np.arange(n) / max(n - 1, 1)
    end = due + np.asarray(latencies)
    return {"due": due, "start": start, "end": end, "status": [status] * n, "error": [""] * n,
            "elapsed": float(end.max()), "cpu": cpu * float(end.max()), "waits": 0}


def _result(runs, rate=100.0):
    return LoadResult(["GET http://127.0.0.1:1/"], "open", rate, None, 1.0, runs)


def test_over_repeats_is_the_median_with_a_t_interval():
    e = over_repeats([10.0, 12.0, 14.0], "req/s")
    assert e.value == 12.0
    assert e.low == pytest.approx(12 - 4.303 * 2 / math.sqrt(3), rel=1e-3)
    assert e.high == pytest.approx(12 + 4.303 * 2 / math.sqrt(3), rel=1e-3)
    assert over_repeats([5.0], "s") == pk.Estimate(5.0, 5.0, 5.0, "s")
    assert over_repeats([0.001, 0.001, 0.009], "s").low == 0.0  # never below zero


def test_percentiles_and_verdicts_on_made_up_runs():
    runs = [_run(np.linspace(0.010, 0.030, 100)) for _ in range(3)]
    r = _result(runs)
    assert r.p50.value == pytest.approx(0.020)
    assert r.latency("p95").value == pytest.approx(0.029, abs=1e-4)
    assert r.verdict("p95", below=0.1).status == "holds"
    assert r.verdict("p95", below=0.01).status == "refuted"
    assert r.verdict("throughput", above=1000).status == "refuted"
    assert str(r.verdict("p95", below=0.1)).startswith("holds: p95 latency is 29.0 ms")
    with pytest.raises(ValueError, match="exactly one of below"):
        r.verdict("p95")
    with pytest.raises(ValueError, match="percentile"):
        r.verdict("median", below=1)
    with pytest.raises(KeyError, match="p95"):
        r["p95"]
    varied = _result([_run(np.full(100, v)) for v in (0.08, 0.10, 0.12)])
    assert varied.verdict("p95", below=0.1).status == "inconclusive"


def test_the_client_is_named_as_the_limit_when_it_is():
    on_time = _result([_run(np.full(100, 0.01))])
    assert not on_time.client_limited and on_time.client_message == ""
    behind = _result([_run(np.full(100, 0.01), late=0.8)])  # the last request sent 0.8 s late
    assert behind.sent_rate == pytest.approx(100 / 1.79, rel=0.01)
    assert behind.client_limited and "asked 100 req/s, sent 56 req/s" in behind.client_message
    busy = _result([_run(np.full(100, 0.01), cpu=0.97)])
    assert busy.client_limited and "97% of a CPU core" in busy.client_message
    assert "client-limited" in repr(busy)


def test_a_load_result_saves_loads_and_draws(tmp_path):
    r = _result([_run(np.linspace(0.010, 0.030, 50)) for _ in range(2)])
    again = pk.load(r.save(tmp_path / "load.json"))
    assert isinstance(again, LoadResult) and again.machine is not None
    assert again.p99 == r.p99 and again.throughput == r.throughput
    verdict = r.verdict("p99", below=0.05)
    assert pk.load(verdict.save(tmp_path / "verdict.json")).status == "holds"
    assert r.plot().get_ylabel().startswith("latency")
    assert verdict.plot().get_title().startswith("holds")
    assert "p99" in r._repr_html_() and "95% interval" in repr(r)
