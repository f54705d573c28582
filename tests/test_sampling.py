import asyncio

import pytest

from perfkit.engine.aio import LoopThread
from perfkit.engine.errors import KernelError
from perfkit.engine.kernels import Kernel
from perfkit.engine.sampling import (KernelRunner, calibrate, call_timeout, compile_sampler, round_number,
                              stolen_share, sync_sampler)


class _FixedCost:
    """A made-up runner whose every call costs exactly `ns` nanoseconds of CPU."""

    def __init__(self, ns: int) -> None:
        self.ns = ns
        self.numbers: list[int] = []

    def sample(self, number: int, disable_gc: bool) -> tuple[int, int]:
        self.numbers.append(number)
        return number * self.ns, number * self.ns


def test_stolen_share_is_wall_time_off_the_cpu():
    assert stolen_share(1000, 900) == pytest.approx(0.1)
    assert stolen_share(1000, 1200) == 0.0  # CPU clocks tick coarser than the wall clock
    assert stolen_share(0, 0) == 0.0


def test_calls_per_sample_are_rounded_to_a_coarse_grid():
    assert [round_number(x) for x in (0.3, 7, 9.4, 123, 430, 1_234_567)] == [1, 8, 10, 120, 400, 1_200_000]


@pytest.mark.parametrize("ns, number", [(1_000, 1_000), (50, 20_000), (300_000, 3)])
def test_calibration_fills_a_sample_of_the_target_length(ns, number):
    runner = _FixedCost(ns)
    got, per_call = calibrate(runner, first_call=ns / 1e9, target=0.001, disable_gc=True)
    assert got == number
    assert per_call == pytest.approx(ns / 1e9)
    assert max(runner.numbers) < 10 * number  # it never overshoots by a decade


def test_a_kernel_slower_than_the_target_is_called_once_per_sample():
    runner = _FixedCost(5_000_000)
    assert calibrate(runner, first_call=0.005, target=0.001, disable_gc=True) == (1, 0.005)
    assert runner.numbers == [1, 1]  # a first call of 5x the target is confirmed twice
    runner = _FixedCost(50_000_000)
    assert calibrate(runner, first_call=0.05, target=0.001, disable_gc=True) == (1, 0.05)
    assert runner.numbers == []  # a call of 50x the target already said enough


def test_a_first_call_the_scheduler_interrupted_does_not_make_a_fast_kernel_slow():
    runner = _FixedCost(2_000)  # 2 us a call, but its first call lost 8 ms to another process
    number, per_call = calibrate(runner, first_call=0.008, target=0.001, disable_gc=True)
    assert number == 500 and per_call == pytest.approx(2e-6)


def test_the_compiled_loop_calls_the_kernel_number_times_with_its_arguments():
    seen = []
    sample = sync_sampler(Kernel("k", lambda a, b=0: seen.append((a, b)), (1,), {"b": 2}))
    wall, cpu = sample(7)
    assert seen == [(1, 2)] * 7 and wall > 0 and cpu >= 0
    single = []
    compile_sampler("fn(arg)", single.append, (5,))(3)
    assert single == [5, 5, 5]


def test_a_kernel_that_raises_while_sampled_is_named():
    def boom():
        raise ZeroDivisionError("no")

    runner = KernelRunner(Kernel("boom", boom, (), {}), None, 1.0)
    with pytest.raises(KernelError, match="boom") as info:
        runner.sample(3, disable_gc=True)
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_async_kernels_are_sampled_on_perfkits_own_loop():
    calls = []

    async def nap():
        calls.append(1)
        await asyncio.sleep(0)

    with LoopThread() as loop:
        runner = KernelRunner(Kernel("nap", nap, (), {}), loop, 1.0)
        wall, _ = runner.sample(4, disable_gc=False)
    assert calls == [1] * 4 and wall > 0


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-1, ValueError), (float("nan"), ValueError),
                                        (float("inf"), ValueError), (1e12, ValueError),
                                        ("2", TypeError), (True, TypeError)])
def test_timeout_must_be_a_positive_number(bad, error):
    with pytest.raises(error, match="timeout must be a number of seconds > 0"):
        call_timeout(1.0, bad)


def test_the_default_timeout_is_capped_at_a_day():
    # ten budgets of a scaled-up budget would overflow the thread's wait (threading.TIMEOUT_MAX)
    assert call_timeout(1e9, None) == 86_400


def test_default_timeout_is_ten_budgets_and_at_least_two_seconds():
    assert call_timeout(0.1, None) == 2.0
    assert call_timeout(1.0, None) == 10.0
    assert call_timeout(1.0, 0.5) == 0.5
