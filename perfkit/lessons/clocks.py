"""Clocks as timers: what one reading of `time.time()` or `time.perf_counter()` can tell.

    readings = clock_readings(lambda: work(60), {"time.time()": time.time,
                                                 "time.perf_counter()": time.perf_counter})
    readings.step("time.time()")     # the smallest non-zero difference it showed
    readings.plot()                  # a histogram of the single-call timings, one panel per clock

`time.time()` returns seconds since 1970 as a float. A float has 53 bits of mantissa, so near
1.7e9 s two readings can only differ by a multiple of 2**-22 s (about 0.24 µs), whatever the
clock underneath resolves: `float_step(time.time())`. `time.perf_counter()` counts from an
arbitrary recent start, so its floats are small and fine-grained. `time.time()` is also the wall
clock, which NTP or an administrator may set while an interval runs; `perf_counter` never jumps.
"""

from __future__ import annotations

import gc
import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from ..engine.checks import check_callable, check_int
from ..engine.units import format_seconds

__all__ = ["float_step", "ClockReadings", "clock_readings"]


def float_step(reading: float) -> float:
    """The gap between `reading` and the next float: the finest difference two such readings can show."""
    return math.ulp(reading)


@dataclass(frozen=True)
class ClockReadings:
    """Single-call timings of one function, taken with each clock: name -> seconds per reading."""

    readings: dict[str, np.ndarray]
    label: str = "the call"

    @property
    def names(self) -> list[str]:
        return list(self.readings)

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.readings:
            raise KeyError(f"no clock {name!r}; the clocks are {self.names}")
        return self.readings[name]

    def _values(self, name: str) -> np.ndarray:
        # to 0.01 ns: a difference of two floats near 1e3 s carries ~1e-13 s of rounding noise
        return np.unique(np.round(self[name], 11))

    def step(self, name: str) -> float:
        """The smallest non-zero difference between two of the clock's readings here (to 0.01 ns)."""
        values = self._values(name)
        gaps = np.diff(values)
        gaps = gaps[gaps > 0]
        return float(gaps.min()) if gaps.size else math.inf

    def distinct(self, name: str) -> int:
        """How many different values the clock reported."""
        return int(self._values(name).size)

    def median(self, name: str) -> float:
        return float(np.median(self[name]))

    def __str__(self) -> str:
        return "\n".join(f"{name}: median {format_seconds(self.median(name))}, {self.distinct(name)} distinct "
                         f"values in {self[name].size:,} readings, finest step {format_seconds(self.step(name))}"
                         for name in self.names)

    __repr__ = __str__

    def plot(self, ax: Any = None) -> Any:
        """One histogram per clock, on a shared time axis; returns the Axes (or array of Axes)."""
        from ..display.plots import plot_clock_readings

        return plot_clock_readings(self, ax=ax)


def clock_readings(fn: Callable[[], Any], clocks: Mapping[str, Callable[[], float]], repeats: int = 2_000,
                   label: str = "the call") -> ClockReadings:
    """Time `repeats` single calls of `fn` with each clock in turn (interleaved, GC off).

    Each reading is `clock()` after minus `clock()` before one call: the way a timing decorator
    measures, the clock's own cost included.
    """
    check_callable(fn, "fn")
    check_int(repeats, "repeats", low=2)
    if not clocks:
        raise ValueError("clocks must name at least one clock, e.g. {'time.time()': time.time}")
    for name, clock in clocks.items():
        check_callable(clock, f"clocks[{name!r}]")
    out = {name: np.empty(repeats) for name in clocks}
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for i in range(repeats):
            for name, clock in clocks.items():
                start = clock()
                fn()
                out[name][i] = clock() - start
    finally:
        if was_enabled:
            gc.enable()
    return ClockReadings(out, label)
