"""The background-and-blocking lesson's service: background jobs, and blocking calls in `def` and `async def`.

    with pk.serve("perfkit.lessons.lab.blocking_app:blocking_app", factory=True) as svc:
        pk.load_test({"url": svc.url + "/upload/background?ms=500", "method": "POST"}, rate=20)
        server_lag(svc)          # the longest the service's event loop was blocked since the last read

The app answers:

    GET  /                          {"app": "blocking"} (what pk.serve polls)
    GET  /ping                      a tiny answer from an `async def`: the probe of the loop's health
    POST /upload/inline?ms=500      processes the upload (a job of `ms`) before it answers
    POST /upload/background?ms=500  answers with a task id at once; the job runs as a BackgroundTask
         &kind=sleep                the job awaits asyncio.sleep (the document's simulation)
         &kind=cpu-thread           the job is pure-Python work in a `def`: Starlette runs it in a thread
         &kind=cpu-async            the same work in an `async def`: it runs on the event loop
    GET  /jobs                      {"running": r, "done": d}: background jobs under way and finished
    GET  /async/sleep?ms=50         `async def` that awaits asyncio.sleep: waits without the loop
    GET  /async/block?ms=50         `async def` that calls time.sleep: holds the event loop
    GET  /sync/block?ms=50          plain `def` that calls time.sleep: FastAPI runs it in its thread pool
    GET  /threads                   {"total": 40, "busy": b}: the thread pool's size and its busy threads
    POST /threads?total=80          resize the thread pool (anyio's default limiter), as an app can at startup
    GET  /lag                       {"max": s, "total": s}: the loop's longest delay since the last GET /lag

The loop's lag is measured inside the service by pk.loop_lag's ticker (every millisecond), started
with the app and read (and started over) by GET /lag.
"""

# no `from __future__ import annotations` here: FastAPI reads the endpoints' annotations at run time, and
# `BackgroundTasks`, imported inside blocking_app(), must be a class there, not a string to resolve
import asyncio
import contextlib
import itertools
import json
import time
import urllib.request
from typing import Any, AsyncIterator

from ...engine.aio import LoopLag
from ...engine.optional import require
from .apps import busy

MAX_MS = 60_000
KINDS = ("sleep", "cpu-thread", "cpu-async")


def process_upload_sleeping(ms: float) -> Any:
    """The document's heavy processing, simulated as it simulates it: an awaited sleep."""
    return asyncio.sleep(ms / 1000)


def process_upload_cpu(ms: float) -> int:
    """Heavy processing as it often is: pure-Python work, `ms` milliseconds of it."""
    return busy(ms / 1000)


def blocking_app() -> Any:
    """The FastAPI app described in the module's docstring."""
    fastapi = require("fastapi", "the blocking lesson's app", "lab")
    from fastapi import BackgroundTasks, HTTPException
    from anyio import to_thread

    counts = {"running": 0, "done": 0}
    ids = itertools.count(1)
    lag = LoopLag(0.001)

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        with lag:  # a ticker on the service's own loop, every millisecond
            yield

    app = fastapi.FastAPI(title="perfkit blocking", lifespan=lifespan, openapi_url=None, docs_url=None,
                          redoc_url=None)

    def ms_checked(ms: float) -> float:
        if not 0 <= ms <= MAX_MS:
            raise HTTPException(400, f"ms must be from 0 to {MAX_MS}, got {ms}")
        return ms

    async def job_sleeping(ms: float) -> None:
        counts["running"] += 1
        await process_upload_sleeping(ms)
        counts["running"] -= 1
        counts["done"] += 1

    def job_cpu_thread(ms: float) -> None:  # a `def` task: Starlette runs it in the thread pool
        counts["running"] += 1
        process_upload_cpu(ms)
        counts["running"] -= 1
        counts["done"] += 1

    async def job_cpu_async(ms: float) -> None:  # an `async def` task: it runs on the loop itself
        counts["running"] += 1
        process_upload_cpu(ms)
        counts["running"] -= 1
        counts["done"] += 1

    jobs = {"sleep": job_sleeping, "cpu-thread": job_cpu_thread, "cpu-async": job_cpu_async}

    @app.get("/")
    async def root() -> dict[str, str]:
        return {"app": "blocking"}

    @app.get("/ping")
    async def ping() -> dict[str, bool]:
        return {"ok": True}

    @app.post("/upload/inline")
    async def upload_inline(ms: float = 500) -> dict[str, Any]:
        await job_sleeping(ms_checked(ms))  # the user waits for the processing
        return {"task_id": next(ids), "status": "done"}

    @app.post("/upload/background")
    async def upload_background(background_tasks: BackgroundTasks, ms: float = 500,
                                kind: str = "sleep") -> dict[str, Any]:
        if kind not in jobs:
            raise HTTPException(400, f"kind must be one of {list(KINDS)}, got {kind!r}")
        background_tasks.add_task(jobs[kind], ms_checked(ms))  # runs after the response is sent
        return {"task_id": next(ids), "status": "processing"}

    @app.get("/jobs")
    async def job_counts() -> dict[str, int]:
        return dict(counts)

    @app.get("/async/sleep")
    async def async_sleep(ms: float = 50) -> dict[str, float]:
        await asyncio.sleep(ms_checked(ms) / 1000)
        return {"slept_ms": ms}

    @app.get("/async/block")
    async def async_block(ms: float = 50) -> dict[str, float]:
        time.sleep(ms_checked(ms) / 1000)  # on purpose: a blocking call holds the event loop
        return {"blocked_ms": ms}

    @app.get("/sync/block")
    def sync_block(ms: float = 50) -> dict[str, float]:  # `def`: FastAPI runs it in a worker thread
        time.sleep(ms_checked(ms) / 1000)
        return {"blocked_ms": ms}

    @app.get("/threads")
    async def threads() -> dict[str, int]:
        limiter = to_thread.current_default_thread_limiter()
        return {"total": int(limiter.total_tokens), "busy": int(limiter.borrowed_tokens)}

    @app.post("/threads")
    async def resize_threads(total: int) -> dict[str, int]:
        if not 1 <= total <= 1000:
            raise HTTPException(400, f"total must be from 1 to 1000 threads, got {total}")
        to_thread.current_default_thread_limiter().total_tokens = total
        return await threads()

    @app.get("/lag")
    async def loop_lag() -> dict[str, float]:
        report = {"max": lag.max, "total": lag.total}
        lag.lags.clear()  # the next GET /lag reports from here on
        return report

    return app


def _get(url: str, method: str = "GET", timeout: float = 10.0) -> Any:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def server_lag(service: Any) -> float:
    """The longest the service's event loop was blocked (seconds) since the last call; starts over."""
    return float(_get(service.url + "/lag")["max"])


def thread_pool(service: Any, total: int | None = None) -> dict[str, int]:
    """The service's thread pool for `def` endpoints: {"total": size, "busy": threads in use};
    with `total`, resize it first."""
    if total is None:
        return _get(service.url + "/threads")
    if isinstance(total, bool) or not isinstance(total, int) or not 1 <= total <= 1000:
        raise ValueError(f"total must be an int from 1 to 1000 (threads), got {total!r}")
    return _get(f"{service.url}/threads?total={total}", "POST")


def start_jobs(service: Any, kind: str = "sleep", ms: float = 500, jobs: int = 1) -> None:
    """Queue `jobs` background jobs of `kind` ("sleep", "cpu-thread", "cpu-async"), `ms` each, and return
    once every upload was answered (the jobs run on)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {list(KINDS)}, got {kind!r}")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 0:
        raise ValueError(f"jobs must be an int >= 0, got {jobs!r}")
    for _ in range(jobs):
        _get(f"{service.url}/upload/background?ms={ms:g}&kind={kind}", "POST")


def wait_for_jobs(service: Any, timeout: float = 30.0) -> int:
    """Wait until no background job runs; returns how many have finished since the service started."""
    deadline = time.monotonic() + timeout
    while True:
        counts = _get(service.url + "/jobs", timeout=timeout)
        if counts["running"] == 0:
            return int(counts["done"])
        if time.monotonic() > deadline:
            raise TimeoutError(f"{counts['running']} background jobs still ran after {timeout:g} s")
        time.sleep(0.01)
