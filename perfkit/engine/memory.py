"""Memory: peak and retained bytes of a call (tracemalloc), bytes per live object.

RSS over a call's life (memory_profiler) is in timeline.py.

tracemalloc is only ever on here, never while timing: it slows allocation several-fold.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import tracemalloc
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping

import numpy as np

from .errors import KernelError
from .agreement import check_agreement
from .checks import check_callable, check_int
from .kernels import as_kernels, call_args, own_copy, run_setup
from .stats import Estimate
from .units import format_bytes, format_ratio
from .verdict import Verdict, claimed
from .results import Result, draw, known

REPEATS = 3


@contextlib.contextmanager
def heap_frozen() -> Iterator[None]:
    """Objects alive now are left out of garbage collections for the duration.

    Each measurement collects garbage first; with matplotlib (or a test run) loaded, a full
    collection takes tens to hundreds of milliseconds, a collection of only the new objects
    almost nothing. Sizes do not change: tracemalloc sees only blocks allocated while it traces,
    and objects are freed by reference counting either way.
    """
    if gc.get_freeze_count():  # the caller froze the heap already: leave it as it is
        yield
        return
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


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
class MemoryUse(Result):
    """Bytes one call allocated at its peak, and bytes still allocated when it returned."""

    name: str
    peak_bytes: int
    retained_bytes: int
    result: Any = field(default=None, repr=False, compare=False)  # not saved

    @property
    def names(self) -> list[str]:
        return [self.name]

    def __getitem__(self, name: str) -> "MemoryUse":
        known(name, self.names, "call")
        return self

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
        return {"kind": self.kind, "name": self.name, "peak_bytes": self.peak_bytes,
                "retained_bytes": self.retained_bytes}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MemoryUse":
        return cls(data["name"], int(data["peak_bytes"]), int(data["retained_bytes"]))


def memory(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> MemoryUse:
    """Peak and retained bytes of one call `fn(*args, **kwargs)`, measured with tracemalloc.

    memory has no options of its own: every keyword argument goes to `fn`.
    Retained bytes include the returned value, which the caller still holds.
    """
    check_callable(fn, "fn")
    name = getattr(fn, "__name__", "call")
    with _traced() as read:
        result = _call(name, fn, args, kwargs)
        current, peak = read()
    return MemoryUse(name, max(peak, 0), current, result)


def _spread(values: list[int], unit: str = "B") -> Estimate:
    """Median of repeated deterministic measurements; the interval is their range."""
    return Estimate(float(np.median(values)), float(min(values)), float(max(values)), unit)


@dataclass
class MemoryComparison(Result):
    """Peak bytes per kernel, each measured `REPEATS` times on its own copy of the input."""

    uses: dict[str, list[MemoryUse]]

    @property
    def names(self) -> list[str]:
        return list(self.uses)

    @property
    def peak(self) -> dict[str, Estimate]:
        return {n: _spread([u.peak_bytes for u in us]) for n, us in self.uses.items()}

    @property
    def retained(self) -> dict[str, Estimate]:
        return {n: _spread([u.retained_bytes for u in us]) for n, us in self.uses.items()}

    def __getitem__(self, name: str) -> Estimate:
        return self.peak[known(name, self.names)]

    @property
    def smallest(self) -> str:
        return min(self.uses, key=lambda n: self.peak[n].value)

    def ratio(self, numerator: str, denominator: str) -> Estimate:
        """peak(numerator) / peak(denominator); the interval spans the repeats' extremes."""
        a = self[known(numerator, self.names, argument="numerator")]
        b = self[known(denominator, self.names, argument="denominator")]
        lo_b, hi_b = max(b.low, 1.0), max(b.high, 1.0)
        return Estimate(a.value / max(b.value, 1.0), a.low / hi_b, a.high / lo_b, "x")

    def verdict(self, name: str, smaller_than: str, by: float | None = None, *, claim: Any = None) -> Verdict:
        """Judge "`name` peaks at least `by` times lower than `smaller_than`" (`claim`: as in compare)."""
        known(name, self.names)
        known(smaller_than, self.names, argument="smaller_than")
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
        """The bytes of every call ("uses"), and for a reader the peak, retained and smallest."""
        return {"kind": self.kind,
                "uses": {n: [{"peak_bytes": u.peak_bytes, "retained_bytes": u.retained_bytes} for u in us]
                         for n, us in self.uses.items()},
                "peak": {n: e.to_dict() for n, e in self.peak.items()},
                "retained": {n: e.to_dict() for n, e in self.retained.items()},
                "smallest": self.smallest}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MemoryComparison":
        return cls({n: [MemoryUse.from_dict({"name": n, **u}) for u in us] for n, us in data["uses"].items()})


def compare_memory(kernels: Mapping[str, Callable[..., Any]], setup: Callable[[], Any] | None = None,
                   check: bool = True, repeats: int = REPEATS,
                   equal: Callable[[Any, Any], bool] | None = None) -> MemoryComparison:
    """Peak and retained bytes of each kernel's call, side by side.

    Args:
        kernels: name -> callable; called with no argument, or with what `setup()` returns.
        setup: makes the input once; its own allocations are not counted.
        check: raise KernelMismatchError if the kernels' results differ.
        repeats: calls per kernel; tracemalloc is deterministic, so the spread is small.
        equal: `equal(a, b) -> bool` decides whether two results agree, as in compare().

    Each call gets its own deep copy of setup's value; one that cannot be copied is shared,
    with a warning.
    """
    fns = as_kernels(kernels)
    check_int(repeats, "repeats", low=1)
    check_callable(equal, "equal", or_none=True)
    value = run_setup(setup)
    uses: dict[str, list[MemoryUse]] = {name: [] for name in fns}
    shared: list[str] = []  # why the calls share setup's value, if they must
    with heap_frozen():
        for _ in range(repeats):
            for name, fn in fns.items():
                args = call_args(own_copy(value, shared))
                with _traced() as read:
                    result = _call(name, fn, args, {})
                    current, peak = read()
                uses[name].append(MemoryUse(name, max(peak, 0), current, result))
                del result
    for note in shared:  # a MemoryComparison has no notes to carry it
        warnings.warn(note, stacklevel=2)
    if check:
        check_agreement({name: us[0].result for name, us in uses.items()}, equal)
    for us in uses.values():
        for u in us:
            u.result = None
    return MemoryComparison(uses)


def bytes_per_object(factory: Callable[[], Any], n: int = 10_000) -> Estimate:
    """Bytes each live object made by `factory()` costs, everything it owns included.

    `n` objects are kept alive at once; the list holding them is allocated before measuring,
    so it is not counted. Measured three times; the interval is the range.
    """
    check_callable(factory, "factory")
    check_int(n, "n", low=1)
    name = getattr(factory, "__name__", "factory")
    per_object = []
    with heap_frozen():
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

