"""CPU work and queued tasks on an event loop: what the other tasks on the loop see.

    n = spin_count(0.1)                    # spin(n) takes about 100 ms on this machine
    seen = await beside(job_coroutine)     # 10 ms I/O tasks in flight while the job runs
    seen.io_median, seen.lag.max, seen.job # how long they took, the longest block, the job's time
    lag, seconds = await watched(coro)     # one coroutine under pk.loop_lag, and its duration
    running = Running()                    # counts tasks running at once: `await running.job(0.1)`
    plot_running({"name": running, ...}, title)  # jobs running at once against time, a panel each

`spin` lives here rather than in a notebook because a process pool pickles the function it
runs by module and name, and a function defined in a notebook's `__main__` cannot be found by a
worker process started with spawn or forkserver.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Mapping, Sequence

from ..engine.aio import LoopLag, loop_lag
from ..engine.checks import check_int, check_seconds
from ..engine.units import format_seconds

__all__ = ["spin", "spin_count", "Beside", "beside", "watched", "Running", "plot_running"]


def spin(n: int) -> int:
    """Pure-Python CPU work: n rounds of integer arithmetic, holding the GIL all along."""
    total = 0
    for i in range(n):
        total = (total + i * i) % 1_000_003
    return total


def spin_count(seconds: float, probe: int = 200_000) -> int:
    """The n for which `spin(n)` takes about `seconds` here (the fastest of three probes)."""
    check_seconds(seconds, "seconds")
    check_int(probe, "probe", low=1_000)
    fastest = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        spin(probe)
        fastest = min(fastest, time.perf_counter() - start)
    return max(1, round(probe * seconds / fastest))


@dataclass(frozen=True)
class Beside:
    """What I/O tasks on the loop saw while one job ran: their durations, the loop's lag, the job's time."""

    io_took: list[float]  # seconds each I/O task took, from its start to its end
    lag: LoopLag
    job: float  # seconds the job took

    @property
    def io_median(self) -> float:
        return statistics.median(self.io_took)


async def beside(job: Awaitable[Any], tasks: int = 5, io: float = 0.01) -> Beside:
    """Await `job` while `tasks` I/O tasks, each `await asyncio.sleep(io)`, are in flight.

    The I/O tasks start their waits before the job begins, as requests already in progress
    would; a task that takes longer than `io` was kept waiting by a loop that could not run it.
    """
    check_int(tasks, "tasks", low=1)
    check_seconds(io, "io")

    async def io_task() -> float:
        start = time.perf_counter()
        await asyncio.sleep(io)
        return time.perf_counter() - start

    async with loop_lag() as lag:
        pending = [asyncio.create_task(io_task()) for _ in range(tasks)]
        try:
            await asyncio.sleep(0)  # the I/O tasks start their waits first
            start = time.perf_counter()
            await job
            took = time.perf_counter() - start
            io_took = list(await asyncio.gather(*pending))
        finally:
            for task in pending:  # on an error, no task outlives the call
                task.cancel()
    return Beside(io_took, lag, took)


async def watched(coro: Awaitable[Any]) -> tuple[LoopLag, float]:
    """Await `coro` under a 1 ms `loop_lag` ticker: the lag it caused and the seconds it took."""
    async with loop_lag() as lag:
        start = time.perf_counter()
        await coro
        took = time.perf_counter() - start
    return lag, took


@dataclass
class Running:
    """Counts the jobs running at once: each `await running.job(seconds)` is one job that waits."""

    now: int = 0
    peak: int = 0
    timeline: list[tuple[float, int]] = field(default_factory=list)  # (seconds since start, running)
    _start: float = field(default_factory=time.perf_counter)

    def _mark(self, change: int) -> None:
        self.now += change
        self.peak = max(self.peak, self.now)
        self.timeline.append((time.perf_counter() - self._start, self.now))

    async def job(self, seconds: float) -> None:
        """One job: counted as running from its first step until its wait is over."""
        self._mark(+1)
        try:
            await asyncio.sleep(seconds)
        finally:
            self._mark(-1)

    @property
    def drained(self) -> float:
        """Seconds from the counter's creation to the last job's end."""
        return self.timeline[-1][0] if self.timeline else 0.0


def plot_running(runs: Mapping[str, Running], title: str, axs: Sequence[Any] | None = None) -> list[Any]:
    """Jobs running at once against time: one panel per variant, on a shared time axis.

    Args:
        runs: variant name -> its Running counter.
        title: the figure's title.
        axs: one Axes per variant to draw on; None for a new figure.

    Returns:
        The Axes, one per variant.
    """
    if not runs:
        raise ValueError("runs is empty: give at least one name -> Running")
    from ..display.style import seconds_axis, style

    with style():
        if axs is None:
            import matplotlib.pyplot as plt

            fig, axs = plt.subplots(len(runs), 1, sharex=True, sharey=True, squeeze=False,
                                    figsize=(7, 1.3 + 1.2 * len(runs)))
            axs = list(axs[:, 0])
            fig.suptitle(title)
        elif len(axs) != len(runs):
            raise ValueError(f"axs must hold one Axes per variant ({len(runs)}), got {len(axs)}")
        for i, (ax, (name, running)) in enumerate(zip(axs, runs.items())):
            times = [0.0] + [t for t, _ in running.timeline]
            counts = [0] + [c for _, c in running.timeline]
            ax.step(times, counts, where="post", lw=1.5, color=f"C{i}")
            ax.fill_between(times, counts, step="post", color=f"C{i}", alpha=0.25)
            ax.set_title(f"{name}: at most {running.peak} at once, drained in "
                         f"{format_seconds(running.drained)}", fontsize=9, loc="left")
            ax.set_ylabel("jobs running")
            ax.set_ylim(0, max(r.peak for r in runs.values()) * 1.15 + 0.5)
        axs[-1].set_xlabel("time since the jobs were queued")
        seconds_axis(axs[-1].xaxis)
        axs[0].figure.tight_layout()
    return list(axs)
