"""CPU work beside an event loop (perfkit.lessons.loopwork): the job, beside, watched, Running, the chart."""

import asyncio
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from perfkit.engine.aio import run_async
from perfkit.lessons.loopwork import Running, beside, plot_running, spin, spin_count, watched


def test_spin_is_deterministic_and_spin_count_scales_with_the_time_asked():
    assert spin(1_000) == spin(1_000) and spin(0) == 0
    assert spin_count(0.02) > spin_count(0.002) >= 1
    with pytest.raises(ValueError, match="seconds"):
        spin_count(-1)


def test_io_tasks_wait_for_an_inline_job_but_not_for_a_process_pool():
    n = spin_count(0.06)

    async def inline():
        return spin(n)

    async def scenario():
        with ProcessPoolExecutor(max_workers=1) as pool:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(pool, spin, 1)
            return await beside(inline(), tasks=3, io=0.005), await beside(loop.run_in_executor(pool, spin, n), tasks=3, io=0.005)

    blocked, free = run_async(scenario())
    assert len(blocked.io_took) == 3 and min(blocked.io_took) >= 0.005
    # coarse, on a real timer: inline the I/O tasks wait out most of the 60 ms job
    assert blocked.io_median > 0.03 and blocked.lag.max > 0.03 and blocked.job > 0.03
    assert free.io_median < blocked.io_median


def test_beside_cancels_its_io_tasks_when_the_job_fails():
    async def failing():
        raise RuntimeError("job failed")

    async def scenario():
        with pytest.raises(RuntimeError, match="job failed"):
            await beside(failing(), tasks=2, io=10)
        await asyncio.sleep(0)
        return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]

    assert run_async(scenario()) == []


def test_watched_returns_the_lag_and_the_duration():
    async def block():
        time.sleep(0.03)

    lag, took = run_async(watched(block()))
    assert lag.max >= 0.025 and took >= 0.03


def test_running_counts_the_peak_and_the_timeline():
    async def scenario():
        running = Running()
        semaphore = asyncio.Semaphore(2)

        async def guarded():
            async with semaphore:
                await running.job(0.01)

        await asyncio.gather(*(guarded() for _ in range(5)))
        return running

    running = run_async(scenario())
    assert running.peak == 2 and running.now == 0
    assert len(running.timeline) == 10 and running.drained >= 0.03


def test_plot_running_draws_one_titled_panel_per_variant():
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    async def one():
        running = Running()
        await asyncio.gather(running.job(0.001), running.job(0.001))
        return running

    axs = plot_running({"a": run_async(one()), "b": run_async(one())}, title="jobs")
    assert len(axs) == 2 and axs[0].get_title(loc="left").startswith("a: at most 2 at once")
    assert axs[-1].get_xlabel() == "time since the jobs were queued"
    plt.close(axs[0].figure)
    with pytest.raises(ValueError, match="runs is empty"):
        plot_running({}, title="none")
