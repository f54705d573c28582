"""Tests for the background-and-blocking lesson: blocking_app's endpoints and helpers, and ConcurrencySweep.

Against the real service only what holds on any machine: a background upload answers before its job
is done, a blocking call in `async def` shows as loop lag, the thread pool has the size it reports.
The sweep's verdicts and chart on made-up results.
"""

from __future__ import annotations

import time
import urllib.error

import numpy as np
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("psutil")

import perfkit as pk  # noqa: E402
from perfkit.lessons.lab.blocking_app import (server_lag, start_jobs, thread_pool,  # noqa: E402
                                              wait_for_jobs)
from perfkit.lessons.lab.concurrency import ConcurrencySweep, concurrency_sweep  # noqa: E402
from perfkit.lessons.lab.endpoints import EndpointComparison  # noqa: E402
from perfkit.lessons.lab.loadresult import LoadResult  # noqa: E402
from perfkit.lessons.lab.wire import fetch  # noqa: E402

APP = "perfkit.lessons.lab.blocking_app:blocking_app"


@pytest.fixture(scope="module")
def svc():
    with pk.serve(APP, factory=True) as service:
        yield service


def test_a_background_upload_answers_before_its_job_is_done(svc):
    wait_for_jobs(svc)
    start = time.perf_counter()
    start_jobs(svc, "sleep", ms=300, jobs=2)
    answered = time.perf_counter() - start
    assert answered < 0.25  # both answered before either job could end
    before = fetch(svc.url + "/jobs").json()
    assert before["running"] == 2
    done = wait_for_jobs(svc, timeout=5)
    assert time.perf_counter() - start >= 0.29 and done >= 2


def test_an_inline_upload_waits_for_its_job(svc):
    import urllib.request

    start = time.perf_counter()
    request = urllib.request.Request(svc.url + "/upload/inline?ms=150", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
    assert time.perf_counter() - start >= 0.14


def test_a_blocking_call_in_async_def_shows_as_loop_lag_and_in_def_does_not(svc):
    server_lag(svc)  # start the record over
    fetch(svc.url + "/async/block?ms=120")
    assert server_lag(svc) >= 0.1
    fetch(svc.url + "/sync/block?ms=120")
    assert server_lag(svc) < 0.1
    start_jobs(svc, "cpu-async", ms=120, jobs=1)
    wait_for_jobs(svc)
    assert server_lag(svc) >= 0.1


def test_the_thread_pool_reports_and_takes_its_size(svc):
    assert thread_pool(svc)["total"] == 40  # anyio's default: what FastAPI's def endpoints share
    try:
        assert thread_pool(svc, total=7)["total"] == 7
    finally:
        thread_pool(svc, total=40)
    with pytest.raises(ValueError, match="total must be"):
        thread_pool(svc, total=0)


def test_helpers_refuse_bad_arguments(svc):
    with pytest.raises(ValueError, match="kind must be one of"):
        start_jobs(svc, "gpu")
    with pytest.raises(ValueError, match="jobs must be"):
        start_jobs(svc, "sleep", jobs=-1)
    with pytest.raises(urllib.error.HTTPError):
        start_jobs(svc, "sleep", ms=10**9)  # the service refuses a job over a minute
    assert fetch(svc.url + "/async/sleep?ms=-5").status == 400


def test_wait_for_jobs_gives_up_after_its_timeout(svc):
    start_jobs(svc, "sleep", ms=400, jobs=1)
    with pytest.raises(TimeoutError, match="still ran"):
        wait_for_jobs(svc, timeout=0.05)
    wait_for_jobs(svc)


# --- ConcurrencySweep --------------------------------------------------------------------------

def _load(latency: float, concurrency: int, n: int = 40) -> LoadResult:
    runs = []
    for k in range(3):
        due = np.arange(n) * 0.01
        runs.append({"due": due, "start": due, "end": due + latency * (1 + 0.02 * k), "status": [200] * n,
                     "error": [""] * n, "elapsed": n * latency / concurrency, "cpu": 0.1, "waits": 0})
    return LoadResult(["GET http://127.0.0.1:1/x"], "closed", None, concurrency, 0.3, runs)


def _sweep() -> ConcurrencySweep:
    comparisons = []
    for c in (10, 40, 80):
        pooled = 0.1 * max(1.0, c / 40)
        comparisons.append(EndpointComparison({"def": "/d", "async": "/a"},
                                              {"def": _load(pooled, min(c, 40)), "async": _load(0.1, c)},
                                              {"def": [0.001] * 3, "async": [0.001] * 3}))
    return ConcurrencySweep([10, 40, 80], comparisons)


def test_a_sweep_judges_at_one_number_of_clients():
    s = _sweep()
    assert s.names == ["def", "async"] and s[80]["def"].p50.value == pytest.approx(0.2, rel=0.05)
    assert s.verdict("async", faster_than="def", at=80, on="p50", by=1.5).holds
    assert s.verdict("async", faster_than="def", at=10, on="p50", by=1.5).status == "refuted"
    assert "80 clients" in s.verdict("async", faster_than="def", at=80).subject
    with pytest.raises(KeyError, match="not among"):
        s[20]
    assert len(s.throughput("def")) == 3 and "def" in repr(s)


def test_a_sweep_saves_loads_and_draws(tmp_path):
    s = _sweep()
    s.save(tmp_path / "s.json")
    back = pk.load(tmp_path / "s.json")
    assert back.clients == [10, 40, 80] and back[40]["async"].p50.value == pytest.approx(s[40]["async"].p50.value)
    assert "Throughput" in back.plot(service_time=0.1, pool=40).get_title()
    assert back.plot(what="p50", service_time=0.1, pool=40).get_ylim()[0] == 0
    with pytest.raises(ValueError, match="what must be"):
        back.plot(what="cpu")
    with pytest.raises(ValueError, match="equal length"):
        ConcurrencySweep([1, 2], [])


def test_concurrency_sweep_refuses_bad_clients(svc):
    with pytest.raises(ValueError, match="at least one"):
        concurrency_sweep(svc, {"x": "/ping"}, [])
    with pytest.raises(ValueError, match="int >= 1"):
        concurrency_sweep(svc, {"x": "/ping"}, [0])


def test_concurrency_sweep_against_the_service(svc):
    s = concurrency_sweep(svc, {"def": "/sync/block?ms=20", "async": "/async/sleep?ms=20"}, [2, 4],
                          duration=0.15, rounds=1)
    assert s.clients == [2, 4] and not s[4]["def"].errors
    assert s[4]["async"].throughput.value > s[2]["async"].throughput.value  # more clients, more answers
