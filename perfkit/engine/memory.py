"""Memory: peak and retained bytes of a call (tracemalloc), bytes per live object, RSS over time.

tracemalloc is only ever on here, never while timing: it slows allocation several-fold.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import tracemalloc
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping

import numpy as np

from .errors import KernelError
from .kernels import as_kernels, call_args, check_agreement, own_copy, run_setup
from .stats import Estimate
from .units import format_bytes, format_ratio
from .verdict import Verdict, claimed
from .results import draw

REPEATS = 3


@contextlib.contextmanager
def _traced() -> Iterator[Callable[[], tuple[int, int]]]:
    """tracemalloc on (unless it already was); yields a reader of (current, peak) above start."""
    gc.collect()
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    def read() -> tuple[int, int]:
        current, peak = tracemalloc.get_traced_memory()
        return current - base, peak - base

    try:
        yield read
    finally:
        if not was_tracing:
            tracemalloc.stop()


def _call(name: str, fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    try:
        if inspect.iscoroutinefunction(fn):
            from .aio import run_async

            return run_async(fn(*args, **kwargs))
        return fn(*args, **kwargs)
    except Exception as exc:
        raise KernelError(name, exc, "measured") from exc


@dataclass
class MemoryUse:
    """Bytes one call allocated at its peak, and bytes still allocated when it returned."""

    name: str
    peak_bytes: int
    retained_bytes: int
    result: Any = field(default=None, repr=False)

    def __repr__(self) -> str:
        return (f"MemoryUse({self.name!r}: peak {format_bytes(self.peak_bytes)}, "
                f"retained {format_bytes(self.retained_bytes)})")

    def _repr_html_(self) -> str:
        from .tables import table

        return table(["call", "peak", "retained"],
                     [[self.name, format_bytes(self.peak_bytes), format_bytes(self.retained_bytes)]],
                     notes=["tracemalloc: bytes allocated by Python above the start of the call"])

    def plot(self, ax: Any = None) -> Any:
        """Two bars, peak and retained bytes; returns the Axes."""
        return draw(self, ax)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "peak_bytes": self.peak_bytes, "retained_bytes": self.retained_bytes}


def memory(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> MemoryUse:
    """Peak and retained bytes of one call `fn(*args, **kwargs)`, measured with tracemalloc.

    Retained bytes include the returned value, which the caller still holds.
    """
    if not callable(fn):
        raise TypeError(f"memory needs a callable, got {type(fn).__name__} {fn!r:.60}")
    name = getattr(fn, "__name__", "call")
    with _traced() as read:
        result = _call(name, fn, args, kwargs)
        current, peak = read()
    return MemoryUse(name, max(peak, 0), current, result)


def _spread(values: list[int], unit: str = "B") -> Estimate:
    """Median of repeated deterministic measurements; the interval is their range."""
    return Estimate(float(np.median(values)), float(min(values)), float(max(values)), unit)


@dataclass
class MemoryComparison:
    """Peak bytes per kernel, each measured `REPEATS` times on its own copy of the input."""

    uses: dict[str, list[MemoryUse]]

    @property
    def names(self) -> list[str]:
        return list(self.uses)

    def _known(self, name: str, argument: str = "name") -> str:
        if name not in self.uses:
            raise ValueError(f"{argument} {name!r} is not a kernel of this comparison; "
                             f"the kernels are {self.names}")
        return name

    @property
    def peak(self) -> dict[str, Estimate]:
        return {n: _spread([u.peak_bytes for u in us]) for n, us in self.uses.items()}

    @property
    def retained(self) -> dict[str, Estimate]:
        return {n: _spread([u.retained_bytes for u in us]) for n, us in self.uses.items()}

    def __getitem__(self, name: str) -> Estimate:
        return self.peak[self._known(name)]

    @property
    def smallest(self) -> str:
        return min(self.uses, key=lambda n: self.peak[n].value)

    def ratio(self, numerator: str, denominator: str) -> Estimate:
        """peak(numerator) / peak(denominator); the interval spans the repeats' extremes."""
        a, b = self[self._known(numerator, "numerator")], self[self._known(denominator, "denominator")]
        lo_b, hi_b = max(b.low, 1.0), max(b.high, 1.0)
        return Estimate(a.value / max(b.value, 1.0), a.low / hi_b, a.high / lo_b, "x")

    def verdict(self, name: str, smaller_than: str, by: float | None = None, *, claim: Any = None) -> Verdict:
        """Judge "`name` peaks at least `by` times lower than `smaller_than`" (`claim`: as in compare)."""
        self._known(name)
        self._known(smaller_than, "smaller_than")
        by, claim_id = claimed(by, claim)
        return Verdict(name, smaller_than, "smaller", by, self.ratio(smaller_than, name), claim_id)

    def _rows(self) -> list[list[str]]:
        smallest = self.smallest
        return [[n, format_bytes(self.peak[n].value), format_bytes(self.retained[n].value),
                 "smallest" if n == smallest else f"{format_ratio(self.ratio(n, smallest).value)} larger"]
                for n in self.names]

    def __repr__(self) -> str:
        width = max(len(n) for n in self.names)
        lines = ["MemoryComparison (tracemalloc peak and retained bytes)"]
        lines += [f"  {r[0]:<{width}}  peak {r[1]:>10}  retained {r[2]:>10}  {r[3]}" for r in self._rows()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from .tables import table

        return table(["kernel", "peak", "retained", "vs smallest"], self._rows(),
                     caption="Memory per call (tracemalloc)",
                     notes=[f"median of {len(next(iter(self.uses.values())))} calls, each on its own copy of the input"])

    def plot(self, ax: Any = None) -> Any:
        """Bars of peak bytes per kernel; returns the Axes."""
        return draw(self, ax)

    def to_dict(self) -> dict[str, Any]:
        return {"peak": {n: e.to_dict() for n, e in self.peak.items()},
                "retained": {n: e.to_dict() for n, e in self.retained.items()},
                "smallest": self.smallest}


def compare_memory(kernels: Mapping[str, Callable[..., Any]], setup: Callable[[], Any] | None = None,
                   check: bool = True, repeats: int = REPEATS) -> MemoryComparison:
    """Peak and retained bytes of each kernel's call, side by side.

    Args:
        kernels: name -> callable; called with no argument, or with what `setup()` returns.
        setup: makes the input once; its own allocations are not counted.
        check: raise KernelMismatchError if the kernels' results differ.
        repeats: calls per kernel; tracemalloc is deterministic, so the spread is small.
    """
    fns = as_kernels(kernels)
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be an integer >= 1, got {repeats!r}")
    value = run_setup(setup)
    uses: dict[str, list[MemoryUse]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            args = call_args(own_copy(value))
            with _traced() as read:
                result = _call(name, fn, args, {})
                current, peak = read()
            uses[name].append(MemoryUse(name, max(peak, 0), current, result))
            del result
    if check:
        check_agreement({name: us[0].result for name, us in uses.items()})
    for us in uses.values():
        for u in us:
            u.result = None
    return MemoryComparison(uses)


def bytes_per_object(factory: Callable[[], Any], n: int = 10_000) -> Estimate:
    """Bytes each live object made by `factory()` costs, everything it owns included.

    `n` objects are kept alive at once; the list holding them is allocated before measuring,
    so it is not counted. Measured three times; the interval is the range.
    """
    if not callable(factory):
        raise TypeError(f"factory must be callable, got {type(factory).__name__}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    name = getattr(factory, "__name__", "factory")
    per_object = []
    for _ in range(REPEATS):
        holder: list[Any] = [None] * n
        with _traced() as read:
            try:
                for i in range(n):
                    holder[i] = factory()
            except Exception as exc:
                raise KernelError(name, exc, "called by bytes_per_object") from exc
            per_object.append(read()[0] / n)
        del holder
    return Estimate(float(np.median(per_object)), min(per_object), max(per_object), "B")


@dataclass
class MemoryTimeline:
    """Resident set size (RSS) sampled over one call, and tracemalloc's peak for the same call."""

    name: str
    times: np.ndarray  # seconds since the call started
    rss_bytes: np.ndarray
    tracemalloc_peak: int | None = None

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
        return {"name": self.name, "times": self.times.tolist(), "rss_bytes": self.rss_bytes.tolist(),
                "tracemalloc_peak": self.tracemalloc_peak}


def memory_timeline(fn: Callable[..., Any], *args: Any, interval: float = 0.005,
                    with_tracemalloc: bool = True, **kwargs: Any) -> MemoryTimeline:
    """RSS sampled every `interval` seconds while `fn(*args, **kwargs)` runs (memory_profiler).

    With `with_tracemalloc`, the call runs a second time under tracemalloc, for its peak.
    """
    if not callable(fn):
        raise TypeError(f"memory_timeline needs a callable, got {type(fn).__name__}")
    if isinstance(interval, bool) or not isinstance(interval, (int, float)) or not interval > 0:
        raise ValueError(f"interval must be a number of seconds > 0, got {interval!r}")
    from memory_profiler import memory_usage

    name = getattr(fn, "__name__", "call")
    raised: list[BaseException] = []

    def guarded() -> None:
        # memory_profiler must never see fn raise: on an exception it SIGKILLs every child
        # process of this one, and on KeyboardInterrupt it leaves its sampling process running.
        try:
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
