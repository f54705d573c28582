"""Nothing perfkit switches on is left running when the measured code raises or is interrupted.

tracemalloc slows every allocation, a profiler slows every call or line, and memory_profiler
samples from a child process: each must be off again after an exception, and after a real
Ctrl-C (SIGINT) that arrives while the measured function runs.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
from typing import Any, Callable, Iterator

import pytest

import perfkit as pk

SLEEP = 5.0  # long enough that the interrupt always lands inside the measured function


def raises() -> None:
    raise ValueError("bad input")


async def raises_async() -> None:
    await asyncio.sleep(0)
    raise ValueError("bad input")


def small_work() -> int:
    total = 0
    for i in range(100):
        total += i
    return total


MEASURES: dict[str, Callable[[Callable[..., Any]], Any]] = {
    "memory": pk.memory,
    "memory_timeline": pk.memory_timeline,
    "profile_calls": pk.profile_calls,
    "profile_lines": pk.profile_lines,
}
ASYNC_MEASURES = ["memory", "profile_calls", "profile_lines"]  # memory_timeline is sync only


@pytest.fixture
def ctrl_c() -> Iterator[Callable[[float], None]]:
    """`arm(delay)`: send this process a real SIGINT after `delay` seconds, as Ctrl-C would."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timers: list[threading.Timer] = []

    def arm(delay: float) -> None:
        timer = threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT))
        timers.append(timer)
        timer.start()

    try:
        yield arm
    finally:
        for timer in timers:
            timer.join()
        signal.signal(signal.SIGINT, previous)


def assert_nothing_left_running(trace_before: Any) -> None:
    assert not tracemalloc.is_tracing()
    assert sys.getprofile() is None
    assert sys.gettrace() is trace_before
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        samplers = [p for p in multiprocessing.active_children() if type(p).__name__ == "MemTimer"]
        loops = [t for t in threading.enumerate() if t.name == "perfkit-loop"]
        if not samplers and not loops:
            break
        time.sleep(0.02)
    assert samplers == [], "memory_profiler's sampling process is still running"
    assert loops == [], "perfkit's event-loop thread is still running"


def assert_measures_again(name: str) -> None:
    """The same measurement works afterwards, i.e. no profiler or tracer was left half-on."""
    result = MEASURES[name](small_work)
    if name == "profile_calls":
        assert result.result == 4950 and result.rows[0].name == "small_work"
    elif name == "profile_lines":
        assert result.result == 4950
        assert {r.source.strip(): r.hits for r in result.main.rows}["total += i"] == 100
    elif name == "memory":
        assert result.result == 4950
    else:
        assert result.times.size >= 1


@pytest.mark.parametrize("name", list(MEASURES))
def test_an_exception_leaves_nothing_running(name):
    trace_before = sys.gettrace()
    with pytest.raises(pk.KernelError) as info:
        MEASURES[name](raises)
    assert isinstance(info.value.__cause__, ValueError)
    assert_nothing_left_running(trace_before)
    assert_measures_again(name)


@pytest.mark.parametrize("name", ASYNC_MEASURES)
def test_an_exception_in_an_async_function_leaves_nothing_running(name):
    trace_before = sys.gettrace()
    with pytest.raises(pk.KernelError) as info:
        MEASURES[name](raises_async)
    assert isinstance(info.value.__cause__, ValueError)
    assert_nothing_left_running(trace_before)
    assert_measures_again(name)


@pytest.mark.parametrize("name", list(MEASURES))
def test_ctrl_c_leaves_nothing_running(name, ctrl_c):
    def interrupted() -> None:
        ctrl_c(0.05)  # armed from inside, so the signal lands while the function sleeps
        time.sleep(SLEEP)

    trace_before = sys.gettrace()
    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        MEASURES[name](interrupted)
    assert time.perf_counter() - started < SLEEP / 2, "the interrupt did not stop the call"
    assert_nothing_left_running(trace_before)
    assert_measures_again(name)


@pytest.mark.parametrize("name", ASYNC_MEASURES)
def test_ctrl_c_during_an_async_function_leaves_nothing_running(name, ctrl_c):
    async def interrupted() -> None:
        ctrl_c(0.05)
        await asyncio.sleep(SLEEP)

    trace_before = sys.gettrace()
    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        MEASURES[name](interrupted)
    assert time.perf_counter() - started < SLEEP / 2, "the interrupt did not stop the call"
    assert_nothing_left_running(trace_before)
    assert_measures_again(name)


def test_memory_keeps_tracemalloc_on_if_it_was_on_before():
    tracemalloc.start()
    try:
        with pytest.raises(pk.KernelError):
            pk.memory(raises)
        assert tracemalloc.is_tracing()
    finally:
        tracemalloc.stop()


def test_an_exception_in_memory_timeline_spares_other_child_processes():
    # memory_profiler alone SIGKILLs every child of the process when the function raises
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with pytest.raises(pk.KernelError):
            pk.memory_timeline(raises)
        time.sleep(0.1)
        assert bystander.poll() is None, "memory_timeline killed an unrelated child process"
    finally:
        bystander.kill()
        bystander.wait()
