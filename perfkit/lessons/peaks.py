"""A memory-profiling decorator of the kind the guidelines show, to put to the test.

    traced = PeakReporter()
    report = traced(parse_and_count)     # starts tracemalloc, calls, keeps the peak, stops
    report(lines); traced.peaks["parse_and_count"]      # bytes at the call's peak
    traced.share_of_peak(report, parse_and_count, lines)  # % of the peak pk.memory sees

The pattern starts `tracemalloc` before every call and stops it after. On one function that
works. A decorated function that calls another decorated one loses its report: `start()` inside
is a no-op, the inner call's `stop()` ends the tracing the outer call started, and the outer call
then reads a peak of 0.
"""

from __future__ import annotations

import functools
import tracemalloc
from typing import Any, Callable

from ..engine.checks import check_callable, check_int
from ..engine.memory import heap_frozen, memory
from ..engine.ranges import spread
from ..engine.stats import Estimate

__all__ = ["PeakReporter"]


class PeakReporter:
    """A decorator that records each call's tracemalloc peak in `peaks[function name]`."""

    def __init__(self) -> None:
        self.peaks: dict[str, int] = {}

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        check_callable(fn, "fn")
        name = getattr(fn, "__name__", "call")

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            tracemalloc.start()  # a no-op when tracing is on already, as it is for a nested call
            try:
                return fn(*args, **kwargs)
            finally:
                self.peaks[name] = tracemalloc.get_traced_memory()[1]  # (0, 0) once stopped
                tracemalloc.stop()

        return wrapper

    def share_of_peak(self, decorated: Callable[..., Any], plain: Callable[..., Any], *args: Any,
                      repeats: int = 6) -> Estimate:
        """The peak `decorated` reports, in percent of the peak `pk.memory` sees for `plain`.

        Args:
            decorated: a function this reporter decorated.
            plain: the same work with no decorated function inside (one would stop the tracing
                `pk.memory` relies on).
            *args: the arguments of both.
            repeats: how many times to call each; at least 6 (see `spread`).

        Returns:
            The median share with the range of the repeats as its interval, unit "%".
        """
        check_callable(plain, "plain")
        check_int(repeats, "repeats", low=6)
        name = getattr(decorated, "__name__", None)
        shares = []
        with heap_frozen():  # one full garbage collection, not one per pk.memory call
            for _ in range(repeats):
                self.peaks.pop(name, None)
                decorated(*args)
                if name not in self.peaks:
                    raise ValueError(f"decorated must be a function this PeakReporter decorated; "
                                     f"calling {name!r} recorded no peak")
                shares.append(100.0 * self.peaks[name] / max(memory(plain, *args).peak_bytes, 1))
        return spread(shares, "%")
