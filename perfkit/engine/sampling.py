"""How one kernel is called and sampled: the compiled timing loop, the runner for sync and
async kernels, calibration of calls per sample, and the clock-steal measure.

`timing.measure` drives these in interleaved rounds; nothing here knows about rounds, budgets
or statistics.
"""

from __future__ import annotations

import gc
import itertools
import math
import time
from typing import Any, Callable

from .aio import LoopThread
from .errors import BudgetExceededError, KernelError
from .checks import check_seconds
from .kernels import Kernel

_CLOCK = time.perf_counter_ns
_CPU = time.thread_time_ns

# One loop per call shape, compiled like timeit does, with everything bound to fast locals.
# Returns (wall ns, this thread's CPU ns): wall minus CPU is time the CPU was taken away.
_SAMPLER = """
def sample(number, fn=fn, args=args, kwargs=kwargs, arg=arg, clock=clock, cpu=cpu, repeat=repeat):
    c0 = cpu(); t0 = clock()
    for _ in repeat(None, number):
        {call}
    t1 = clock(); c1 = cpu()
    return t1 - t0, c1 - c0
"""


def compile_sampler(call: str, fn: Any = None, args: tuple = (),
                    kwargs: dict | None = None) -> Callable[[int], tuple[int, int]]:
    namespace: dict[str, Any] = {"fn": fn, "args": args, "kwargs": kwargs or {},
                                 "arg": args[0] if len(args) == 1 else None,
                                 "clock": _CLOCK, "cpu": _CPU, "repeat": itertools.repeat}
    exec(_SAMPLER.format(call=call), namespace)  # noqa: S102 - fixed template, no user text
    return namespace["sample"]


def sync_sampler(kernel: Kernel) -> Callable[[int], tuple[int, int]]:
    if kernel.kwargs:
        call = "fn(*args, **kwargs)"
    else:
        call = {0: "fn()", 1: "fn(arg)"}.get(len(kernel.args), "fn(*args)")
    return compile_sampler(call, kernel.fn, kernel.args, kernel.kwargs)


empty_loop = compile_sampler("pass")


class KernelRunner:
    """Times one kernel: `call()` once, `sample(number)` -> nanoseconds for `number` calls."""

    def __init__(self, kernel: Kernel, loop: LoopThread | None, timeout: float) -> None:
        self.kernel = kernel
        self.loop = loop
        self.timeout = timeout
        self._sync = None if kernel.is_async else sync_sampler(kernel)

    def call(self) -> tuple[Any, float]:
        """Call the kernel once: (result, seconds)."""
        k = self.kernel
        t0 = time.perf_counter()
        try:
            if self.loop is None:
                result = k.fn(*k.args, **k.kwargs)
            else:
                result = self.loop.run(k.fn(*k.args, **k.kwargs), self.timeout,
                                       what=f"async kernel {k.name!r}")
        except (KernelError, BudgetExceededError):
            raise
        except Exception as exc:
            raise KernelError(k.name, exc, "checked") from exc
        seconds = time.perf_counter() - t0
        self._check_sync_time(seconds)
        return result, seconds

    def sample(self, number: int, disable_gc: bool) -> tuple[int, int]:
        """(wall ns, CPU ns) of `number` calls."""
        k = self.kernel
        gc_was_on = gc.isenabled()
        if disable_gc:
            gc.disable()
        try:
            if self._sync is not None:
                wall, cpu = self._sync(number)
                self._check_sync_time(wall / 1e9 / number)
                return wall, cpu
            return self.loop.run(self._async_sample(number), self.timeout,  # type: ignore[union-attr]
                                 what=f"async kernel {k.name!r}")
        except (KernelError, BudgetExceededError):
            raise
        except Exception as exc:
            raise KernelError(k.name, exc, "timed") from exc
        finally:
            if gc_was_on:
                gc.enable()

    def _check_sync_time(self, seconds_per_call: float) -> None:
        # A sync call cannot be stopped part-way (Python has no safe way to interrupt a
        # thread), but a call that ran past the timeout must not become a timing either.
        if self._sync is not None and seconds_per_call > self.timeout:
            raise BudgetExceededError(
                f"kernel {self.kernel.name!r} took {seconds_per_call:.3g} s in one call, more than "
                f"its timeout of {self.timeout:.3g} s; a sync kernel cannot be stopped part-way, so it "
                "was let finish and nothing was timed. Pass a larger timeout= (or budget=) if it "
                "really takes this long.")

    async def _async_sample(self, number: int) -> tuple[int, int]:
        fn, args, kwargs = self.kernel.fn, self.kernel.args, self.kernel.kwargs
        c0, t0 = _CPU(), _CLOCK()
        for _ in itertools.repeat(None, number):
            await fn(*args, **kwargs)
        t1, c1 = _CLOCK(), _CPU()
        return t1 - t0, c1 - c0



# No call may take longer than a day: a longer wait is a slip, and past threading.TIMEOUT_MAX
# (~292 years) the wait itself overflows, an error that would then blame the kernel.
MAX_TIMEOUT = 86_400.0


def call_timeout(budget: float, timeout: float | None) -> float:
    """Seconds one call may take: `timeout`, or 10 x the (scaled) budget and at least 2 s;
    at most a day (MAX_TIMEOUT)."""
    if timeout is None:
        return min(max(10 * budget, 2.0), MAX_TIMEOUT)
    return check_seconds(timeout, "timeout", high=MAX_TIMEOUT, hint="(a day), or None")


def awaiting(fn: Callable[..., Any]) -> Callable[..., Any]:
    async def awaited(*args: Any, **kwargs: Any) -> Any:
        return await fn(*args, **kwargs)

    return awaited


def stolen_share(wall_ns: int, cpu_ns: int) -> float:
    return max(0.0, (wall_ns - cpu_ns) / wall_ns) if wall_ns > 0 else 0.0



def calibrate(runner: KernelRunner, first_call: float, target: float,
               disable_gc: bool) -> tuple[int, float]:
    """Calls per sample so that one sample lasts about `target` seconds, and seconds per call."""
    if target <= first_call < 20 * target:
        # One call is one guess: the first call of a 2 us kernel that the scheduler interrupted
        # (a 1-10 ms time slice on a busy machine) looked like a slow kernel, was sampled one
        # call at a time, and came out 2-3x off its twin in A/A runs. Two more calls, cheap for
        # a call this short, tell an interrupted call from a slow kernel.
        first_call = min(first_call, *(runner.sample(1, disable_gc)[0] / 1e9 for _ in range(2)))
    if first_call >= target:
        return 1, first_call
    number = 1
    while True:
        seconds = runner.sample(number, disable_gc)[0] / 1e9
        if seconds >= target / 5 or number >= 10**9:
            break
        number *= 10 if seconds < target / 100 else 2
    # the quickest of three: a sample the scheduler interrupted would make `number` too small
    seconds = min(seconds, *(runner.sample(number, disable_gc)[0] / 1e9 for _ in range(2)))
    return round_number(number * target / max(seconds, 1e-9)), seconds / number


_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def round_number(x: float) -> int:
    """Round calls-per-sample to a coarse 1-1.2-1.5-2-... grid, so kernels of about the same
    cost get the same number and samples of the same length (a longer sample is more often
    interrupted on a busy machine, which would bias the comparison)."""
    if x <= 1:
        return 1
    decade = 10 ** math.floor(math.log10(x))
    step = min(_STEPS, key=lambda m: abs(math.log(x / (m * decade))))
    return max(1, round(step * decade))


def calibrate_overhead(target: float) -> int:
    number = 1000
    seconds = empty_loop(number)[0] / 1e9
    return max(1000, math.ceil(number * target / max(seconds, 1e-9)))
