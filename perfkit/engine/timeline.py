"""Memory over a call's life: resident set size (RSS) sampled while it runs (memory_profiler).

    tl = pk.memory_timeline(fn, *args)    # -> MemoryTimeline: .rss_peak_increase, .rss_delta, .plot()

An RSS delta ("memory at the end minus memory at the start") misses a peak freed before the
end; the timeline shows it, beside tracemalloc's peak for the same call.
"""

from __future__ import annotations

import gc
import inspect
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from .checks import check_callable, check_seconds
from .errors import KernelError
from .kernels import Default, given, kernel_kwargs
from .memory import memory
from .results import Result, draw, known
from .units import format_bytes


@dataclass(eq=False)
class MemoryTimeline(Result):
    """Resident set size (RSS) sampled over one call, and tracemalloc's peak for the same call."""

    name: str
    times: np.ndarray  # seconds since the call started
    rss_bytes: np.ndarray
    tracemalloc_peak: int | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MemoryTimeline):
            return NotImplemented
        return (self.name == other.name and self.tracemalloc_peak == other.tracemalloc_peak
                and np.array_equal(self.times, other.times, equal_nan=True)
                and np.array_equal(self.rss_bytes, other.rss_bytes, equal_nan=True))

    @property
    def names(self) -> list[str]:
        return [self.name]

    def __getitem__(self, name: str) -> "MemoryTimeline":
        known(name, self.names, "call")
        return self

    @property
    def baseline(self) -> float:
        return float(self.rss_bytes[0]) if self.rss_bytes.size else 0.0

    @property
    def rss_peak_increase(self) -> float:
        """Highest RSS seen minus RSS at the start: what an RSS-delta 'memory used' would see."""
        return float(self.rss_bytes.max() - self.baseline) if self.rss_bytes.size else 0.0

    @property
    def rss_delta(self) -> float:
        """RSS at the end minus RSS at the start: misses any peak freed before the end."""
        return float(self.rss_bytes[-1] - self.baseline) if self.rss_bytes.size else 0.0

    def __repr__(self) -> str:
        tm = f", tracemalloc peak {format_bytes(self.tracemalloc_peak)}" if self.tracemalloc_peak is not None else ""
        return (f"MemoryTimeline({self.name!r}: {self.times.size} samples over {self.duration:.3g} s, "
                f"RSS peak +{format_bytes(self.rss_peak_increase)}, end-start {format_bytes(self.rss_delta)}{tm})")

    @property
    def duration(self) -> float:
        return float(self.times[-1]) if self.times.size else 0.0

    def _repr_html_(self) -> str:
        from .tables import table

        tm = format_bytes(self.tracemalloc_peak) if self.tracemalloc_peak is not None else "-"
        return table(["call", "duration", "RSS peak increase", "RSS end - start", "tracemalloc peak"],
                     [[self.name, f"{self.duration:.3g} s", format_bytes(self.rss_peak_increase),
                       format_bytes(self.rss_delta), tm]],
                     notes=[f"{self.times.size} RSS samples (memory_profiler)"])

    def plot(self, ax: Any = None) -> Any:
        """RSS above its start over time, with tracemalloc's peak as a line; returns the Axes."""
        return draw(self, ax)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "times": self.times.tolist(),
                "rss_bytes": self.rss_bytes.tolist(), "tracemalloc_peak": self.tracemalloc_peak}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MemoryTimeline":
        peak = data.get("tracemalloc_peak")
        return cls(data["name"], np.asarray(data["times"], dtype=float),
                   np.asarray(data["rss_bytes"], dtype=float), None if peak is None else int(peak))


def memory_timeline(fn: Callable[..., Any], /, *args: Any, interval: float = Default(0.005),  # type: ignore[assignment]
                    with_tracemalloc: bool = Default(True),  # type: ignore[assignment]
                    kwargs: Mapping[str, Any] | None = None, **fn_kwargs: Any) -> MemoryTimeline:
    """RSS sampled every `interval` seconds while `fn(*args, **kwargs)` runs (memory_profiler).

    `interval`, `with_tracemalloc` and `kwargs` are memory_timeline's own; every other keyword
    goes to `fn`. One of them given when `fn` takes it too (or takes **kwargs) is ambiguous
    and refused with TypeError: pass fn's own as `kwargs={"interval": ...}`, or use
    functools.partial, as with pk.bench.

    An `async def` fn is run to completion (on perfkit's loop thread, as `memory` runs it), so
    the timeline covers the coroutine's whole run, not only its creation.
    With `with_tracemalloc`, the call runs a second time under tracemalloc, for its peak.
    """
    check_callable(fn, "fn")
    kwargs = kernel_kwargs(fn, "memory_timeline", {"interval": interval, "with_tracemalloc": with_tracemalloc},
                           kwargs, fn_kwargs)
    interval, with_tracemalloc = check_seconds(given(interval), "interval"), given(with_tracemalloc)
    from memory_profiler import memory_usage

    name = getattr(fn, "__name__", "call")
    raised: list[BaseException] = []
    is_async = inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(getattr(fn, "__call__", None))

    def guarded() -> None:
        # memory_profiler must never see fn raise: on an exception it SIGKILLs every child
        # process of this one, and on KeyboardInterrupt it leaves its sampling process running.
        try:
            if is_async:
                from .aio import run_async

                run_async(fn(*args, **kwargs))
            else:
                fn(*args, **kwargs)
        except BaseException as exc:  # noqa: B036 - re-raised below, once sampling has stopped
            raised.append(exc)

    gc.collect()
    usage = memory_usage((guarded, (), {}), interval=interval, timestamps=True,
                         include_children=False, max_iterations=1)
    if raised:
        if isinstance(raised[0], Exception):
            raise KernelError(name, raised[0], "run under memory_profiler") from raised[0]
        raise raised[0]
    mib, stamps = np.array([u[0] for u in usage]), np.array([u[1] for u in usage])
    peak = memory(fn, *args, **kwargs).peak_bytes if with_tracemalloc else None
    return MemoryTimeline(name, stamps - stamps[0], mib * 2**20, peak)
