"""Measuring kernels side by side: interleaved rounds, the loop's own overhead subtracted.

How one measurement runs (the bar is pyperf and IPython's %timeit):
1. every kernel is called once (its result checked by the caller, its time a first guess);
2. each kernel is calibrated: calls per sample grow until a sample lasts `target` seconds;
3. one warm-up sample per kernel, discarded;
4. rounds (engine/rounds.py): each round times every kernel once, in a shuffled order, plus
   the empty loop, so drift on a shared machine hits all alike; GC is off during each sample
   by default; a sweep's kernels are (kernel, n) cells, all in the same rounds;
5. measuring stops when the budget is spent, or earlier once every interval has been within
   +-2% at two looks (see rounds.EarlyStop).

A median's interval is this run's: it says where the median of this run's samples lies, not
where another run's will (`Timing.drift` shows how far it moved within the run).
"""

from __future__ import annotations

import inspect
import math
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from .aio import LoopThread
from .checks import check_callable
from .agreement import lazy_note
from .kernels import Default, Kernel, check_budget, given, kernel_kwargs, scaled
from .rounds import MIN_ROUNDS, PRECISION, run_rounds  # noqa: F401 - PRECISION: the early stop
from .sampling import KernelRunner, awaiting, calibrate, calibrate_overhead, call_timeout, stolen_share
from .stats import Estimate, drift, import_lazy_parts, median_estimate
from .units import format_seconds
from .results import Result, draw, known



@dataclass(eq=False)
class Timing(Result):
    """Time per call of one kernel: raw samples (seconds per call) and their statistics.

    Two Timings are equal when every field is, the samples compared element by element.
    """

    name: str
    samples: np.ndarray
    number: int
    overhead: float
    disable_gc: bool = True
    is_async: bool = False
    elapsed: float = 0.0
    notes: list[str] = field(default_factory=list)
    retaken: int = 0  # rounds measured again because the CPU was taken away mid-sample

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Timing):
            return NotImplemented
        return (np.array_equal(self.samples, other.samples, equal_nan=True)
                and (self.name, self.number, self.overhead, self.disable_gc, self.is_async,
                     self.elapsed, self.notes, self.retaken)
                == (other.name, other.number, other.overhead, other.disable_gc, other.is_async,
                    other.elapsed, other.notes, other.retaken))

    @property
    def names(self) -> list[str]:
        return [self.name]

    def __getitem__(self, name: str) -> "Timing":
        known(name, self.names)
        return self

    @property
    def per_call(self) -> Estimate:
        """Median seconds per call, loop overhead subtracted, with this run's 95% interval.

        The interval says where the median of this run's samples lies; another run (even in
        the same process) can land outside it: see `drift`, and benchmarks/repeat_sweep.py.
        """
        if not hasattr(self, "_per_call"):
            self._per_call = median_estimate(self.samples, "s")
        return self._per_call

    @property
    def drift(self) -> float:
        """How far the median moved within this run (0.03: its quarters' medians spread +-3%);
        another run can differ by more. NaN with fewer than 8 samples."""
        return drift(self.samples)

    @property
    def rounds(self) -> int:
        return int(self.samples.size)

    @property
    def resolved(self) -> bool:
        """False when the kernel costs less than the empty loop around it: too close to call."""
        return bool(self.per_call.value >= self.overhead)

    def _summary(self) -> str:
        gc_state = "GC off" if self.disable_gc else "GC on"
        retaken = f", {self.retaken} disturbed rounds retaken" if self.retaken else ""
        return (f"{self.rounds} samples x {self.number:,} calls, {gc_state}, "
                f"loop overhead {format_seconds(self.overhead)}/call subtracted{retaken}")

    def __repr__(self) -> str:
        e = self.per_call
        head = (f"Timing {self.name!r}: {format_seconds(e.value)} per call (this run's 95% interval: "
                f"{format_seconds(e.low)} - {format_seconds(e.high)}; {drift_text(self.drift)})")
        lines = [head, f"  {self._summary()}"]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from .tables import table

        e = self.per_call
        return table(["kernel", "per call", "this run's 95% interval", "drift in run", "samples"],
                     [[self.name, format_seconds(e.value),
                       f"{format_seconds(e.low)} - {format_seconds(e.high)}", drift_cell(self.drift),
                       self.rounds]],
                     notes=[self._summary(), DRIFT_NOTE, *self.notes])

    def plot(self, ax: Any = None) -> Any:
        """The samples over time with the median and its interval; returns the Axes."""
        return draw(self, ax)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "per_call": self.per_call.to_dict(),
                "samples": self.samples.tolist(), "number": self.number,
                "overhead": self.overhead, "disable_gc": self.disable_gc,
                "is_async": self.is_async, "elapsed": self.elapsed, "notes": list(self.notes),
                "retaken": self.retaken}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Timing":
        return cls(data["name"], np.asarray(data["samples"], dtype=float), int(data["number"]),
                   float(data["overhead"]), bool(data.get("disable_gc", True)),
                   bool(data.get("is_async", False)), float(data.get("elapsed", 0.0)),
                   list(data.get("notes", [])), int(data.get("retaken", 0)))


DRIFT_NOTE = ("intervals are this run's: another run can land outside them; drift in run: how far "
              "the median moved between the quarters of this run, a first sign of that spread")


def drift_cell(value: float) -> str:
    return "-" if math.isnan(value) else f"±{value:.1%}"  # NaN: too few samples to tell


def drift_text(value: float) -> str:
    return "too few samples for a drift" if math.isnan(value) else f"drift in run ±{value:.1%}"


@dataclass
class Measurement:
    """What `measure` returns: results of the check call and a Timing per kernel."""

    results: dict[str, Any]
    timings: dict[str, Timing]
    rounds: int
    elapsed: float
    stopped_early: bool


def measure(
    kernels: list[Kernel],
    budget: float,
    disable_gc: bool = True,
    on_checked: Callable[[dict[str, Any]], None] | None = None,
    seed: int | None = None,
    timeout: float | None = None,
    groups: list[list[int]] | None = None,
    on_round: Callable[[float], None] | None = None,
) -> Measurement:
    """Measure `kernels` side by side in interleaved rounds within `budget` seconds (scaled).

    `on_checked` receives every kernel's result of the first call, before anything is timed
    (compare() uses it to check that the kernels agree). `timeout` is how long one call may take:
    past it an async call is cancelled and a sync call raises once it returns (default: 10 x
    budget, at least 2 s). `groups` lists the indices of kernels whose ratios matter, for the
    early stop (default: all of them; a sweep's kernels at one n), and `on_round` receives
    the share of the budget spent after every round (for a progress bar).
    """
    budget = scaled(check_budget(budget))
    timeout = call_timeout(budget, timeout)
    start = time.perf_counter()
    import_lazy_parts()
    with ExitStack() as stack:
        loop: LoopThread | None = None

        def event_loop() -> LoopThread:
            nonlocal loop
            if loop is None:
                loop = stack.enter_context(LoopThread())
            return loop

        runners = [KernelRunner(k, event_loop() if k.is_async else None, timeout) for k in kernels]
        first = []
        for i, runner in enumerate(runners):
            result, seconds = runner.call()
            if inspect.iscoroutine(result):
                # a plain function (a lambda, a partial) that returns a coroutine: await it
                result.close()
                k = runner.kernel
                runners[i] = runner = KernelRunner(Kernel(k.name, awaiting(k.fn), k.args, k.kwargs),
                                              event_loop(), timeout)
                result, seconds = runner.call()
            first.append((result, seconds))
        results = {r.kernel.name: res for r, (res, _) in zip(runners, first)}
        if on_checked is not None:
            on_checked(results)

        # Samples long enough for the clock (>= 0.2 ms, 10,000x its resolution) but short
        # (<= 2 ms): on a shared machine the scheduler takes the CPU away for whole
        # milliseconds, and a short sample is less often hit; the few that are, the robust
        # statistics set aside. Many short rounds beat a few long ones: with room for 800 rounds
        # in the budget (most runs stop early), a round of two kernels at budget=1 samples for
        # ~1.4 ms, not ~4.5 ms as with room for 200; on time_to_verdict.py's kernels the
        # intervals needed no more rounds for it (40 vs 48 at the median, ~0.5 vs 2 ms samples).
        target = min(max(budget / (len(runners) * 800), 2e-4), 0.002)
        calibrated = [calibrate(r, seconds, target, disable_gc) for r, (_, seconds) in zip(runners, first)]
        numbers = [n for n, _ in calibrated]
        overhead_number = calibrate_overhead(target / 4)

        round_cost = sum(n * per_call for n, per_call in calibrated)
        # share of each sample's wall time when the CPU was elsewhere (sleeping, or taken
        # away by the scheduler); a kernel's usual share comes from its warm-up sample
        stolen: list[list[float]] = [[] for _ in runners]
        if time.perf_counter() - start + round_cost < budget / 2:
            for r, n, st in zip(runners, numbers, stolen):  # warm-up sample, discarded
                st.append(stolen_share(*r.sample(n, disable_gc)))
        done = run_rounds(runners, numbers, overhead_number, budget=budget, start=start,
                          round_cost=round_cost, stolen=stolen, disable_gc=disable_gc,
                          groups=groups or [list(range(len(runners)))], seed=seed,
                          on_round=on_round)
        raw, overheads, rounds, retaken = done.raw, done.overheads, done.rounds, done.retaken
        stopped_early = done.stopped_early

    overhead = float(np.median(overheads))
    elapsed = time.perf_counter() - start
    timings = {}
    for runner, n, samples in zip(runners, numbers, raw):
        k = runner.kernel
        per_call = np.asarray(samples) - overhead
        notes = []
        if np.median(per_call) < overhead:
            notes.append(f"too close to the loop overhead ({format_seconds(overhead)}) to "
                         "resolve: put more work in each call")
        timings[k.name] = Timing(k.name, np.maximum(per_call, 1e-12), n, overhead, disable_gc,
                                 k.is_async, elapsed, notes, retaken)
    return Measurement(results, timings, rounds, elapsed, stopped_early)


def bench(fn: Callable[..., Any], /, *args: Any, budget: float = Default(0.5),  # type: ignore[assignment]
          disable_gc: bool = Default(True), name: str | None = None,  # type: ignore[assignment]
          timeout: float | None = None, kwargs: Mapping[str, Any] | None = None,
          **fn_kwargs: Any) -> Timing:
    """Time one callable: `pk.bench(fn, *args, **kwargs)` -> Timing.

    Keyword arguments: `budget`, `disable_gc`, `name`, `timeout` and `kwargs` are bench's own;
    every other keyword goes to `fn`. bench never passes its own options on to `fn`. When `fn`
    also takes one of them (a parameter of that name, or `**kwargs`) and it is given, the call
    is ambiguous and refused with TypeError: `pk.bench(httpx.get, url, timeout=5)` could mean
    either timeout. Give `fn` its own as `kwargs={"timeout": 5}` (then `timeout=` is bench's),
    or bind them first with `functools.partial(httpx.get, timeout=5)`.

    Args:
        fn: the function (sync or `async def`) to time; called as fn(*args, **kwargs).
        budget: seconds of measuring in all (times PERFKIT_BUDGET_SCALE), at most a day.
        disable_gc: switch the garbage collector off during samples, as timeit does.
        name: how to call it in reports; defaults to fn.__name__.
        timeout: seconds one call may take before BudgetExceededError is raised; an async
            call is cancelled then, a sync call once it returns (default: 10 x budget, at least 2 s).
        kwargs: `fn`'s keyword arguments, as a dict; needed only for a name bench also uses.

    A kernel that returns a generator (or another lazy iterator) is timed making it, not
    producing its items; its Timing says so in a note.
    """
    check_callable(fn, "fn")
    fn_kwargs = kernel_kwargs(fn, "bench", {"budget": budget, "disable_gc": disable_gc, "name": name,
                                            "timeout": timeout}, kwargs, fn_kwargs)
    label = name or getattr(fn, "__name__", "kernel")
    m = measure([Kernel(label, fn, args, fn_kwargs)], given(budget), given(disable_gc), timeout=timeout)
    timing = m.timings[label]
    note = lazy_note(m.results[label])
    if note is not None:
        timing.notes.append(note)
    return timing
