import asyncio
import threading
import time

import pytest

import perfkit as pk


def test_run_async_from_a_script_and_from_inside_a_running_loop():
    async def answer():
        await asyncio.sleep(0.001)
        return 42

    assert pk.run_async(answer()) == 42

    async def cell():
        return pk.run_async(answer())

    assert asyncio.run(cell()) == 42


def test_run_async_stops_its_thread_even_after_a_timeout():
    before = threading.active_count()

    async def forever():
        await asyncio.Event().wait()

    with pytest.raises(pk.BudgetExceededError):
        pk.run_async(forever(), timeout=0.1)
    time.sleep(0.05)
    assert threading.active_count() == before


def test_run_async_refuses_what_is_not_a_coroutine():
    with pytest.raises(TypeError, match="needs a coroutine"):
        pk.run_async(lambda: 1)


def test_loop_lag_sees_a_blocking_sleep_and_not_an_await():
    async def main():
        with pk.loop_lag() as awaited:
            await asyncio.sleep(0.05)
        with pk.loop_lag() as blocked:
            time.sleep(0.05)
            await asyncio.sleep(0.005)
        return awaited, blocked

    awaited, blocked = asyncio.run(main())
    assert awaited.max < 0.03
    assert blocked.max >= 0.045


def test_loop_lag_outside_a_loop_explains_itself():
    with pytest.raises(RuntimeError, match="inside an async function"):
        with pk.loop_lag():
            pass


def test_loop_lag_interval_is_checked():
    with pytest.raises(ValueError, match="interval"):
        pk.loop_lag(0)


def test_keyboard_interrupt_inside_a_coroutine_reaches_the_caller_and_stops_the_thread():
    async def interrupted():
        raise KeyboardInterrupt

    before = threading.active_count()
    with pytest.raises(KeyboardInterrupt):
        pk.run_async(interrupted())
    with pytest.raises(KeyboardInterrupt):
        pk.bench(interrupted, budget=0.1)
    time.sleep(0.05)
    assert threading.active_count() == before


def test_a_timeout_past_what_threads_can_wait_is_capped_not_an_overflow():
    from perfkit.engine.aio import LoopThread

    async def quick():
        return 7

    # beyond threading.TIMEOUT_MAX the wait used to raise OverflowError, blamed on the coroutine
    with LoopThread() as loop:
        assert loop.run(quick(), timeout=threading.TIMEOUT_MAX * 10) == 7


def test_loop_lag_interval_is_checked_one_way():
    with pytest.raises(ValueError, match="interval must be a number of seconds > 0, got 0"):
        pk.loop_lag(0)
    with pytest.raises(TypeError, match="interval must be a number of seconds > 0, got str '1'"):
        pk.loop_lag("1")
