"""compare(): several kernels measured side by side, and the Comparison they give."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping

from .agreement import check_agreement, lazy_note
from .checks import check_callable
from .errors import KernelMismatchError
from .kernels import Kernel, as_kernels, call_args, own_copy, run_setup
from .stats import Estimate, paired_ratio
from .timing import DRIFT_NOTE, Timing, drift_cell, measure
from .units import format_seconds
from .verdict import Verdict, claimed
from .results import Result, draw, known


@dataclass
class Comparison(Result):
    """Timings of kernels measured in the same interleaved rounds, so ratios are paired."""

    timings: dict[str, Timing]
    rounds: int
    elapsed: float
    stopped_early: bool

    def __getitem__(self, name: str) -> Timing:
        return self.timings[known(name, self.names)]

    @property
    def names(self) -> list[str]:
        return list(self.timings)

    @property
    def fastest(self) -> str:
        """The kernel every other one is slower than by the paired ratio (by median if none is)."""
        names = self.names
        for name in names:
            if all(self.ratio(other, name).value >= 1 for other in names if other != name):
                return name
        return min(names, key=lambda n: self.timings[n].per_call.value)

    def ratio(self, numerator: str, denominator: str) -> Estimate:
        """time(numerator) / time(denominator) from paired rounds, with its 95% interval."""
        a = self[known(numerator, self.names, argument="numerator")]
        b = self[known(denominator, self.names, argument="denominator")]
        return paired_ratio(a.samples, b.samples)

    def verdict(self, name: str, faster_than: str, by: float | None = None, *, claim: Any = None) -> Verdict:
        """Judge the claim "`name` is at least `by` times faster than `faster_than`".

        `claim` (an id of `pk.claims`, or a Claim) is carried by the verdict, and gives the
        factor when `by` is left out.
        """
        known(name, self.names)
        known(faster_than, self.names, argument="faster_than")
        by, claim_id = claimed(by, claim)
        return Verdict(name, faster_than, "faster", by, self.ratio(faster_than, name), claim_id)

    def _rows(self) -> list[list[str]]:
        fastest = self.fastest
        rows = []
        for name, t in self.timings.items():
            e = t.per_call
            vs = "fastest" if name == fastest else str(self.ratio(name, fastest)).replace(" (95%", " slower (95%")
            rows.append([name, format_seconds(e.value),
                         f"{format_seconds(e.low)} - {format_seconds(e.high)}", drift_cell(t.drift), vs])
        return rows

    def _summary(self) -> list[str]:
        any_t = next(iter(self.timings.values()))
        how = "stopped early: intervals within +-2%" if self.stopped_early else "budget spent"
        notes = [f"{self.rounds} interleaved rounds in {self.elapsed:.2f} s ({how}); "
                 f"GC {'off' if any_t.disable_gc else 'on'} during samples; "
                 f"loop overhead {format_seconds(any_t.overhead)}/call subtracted"
                 + (f"; {any_t.retaken} disturbed rounds retaken (the CPU was taken away mid-sample)"
                    if any_t.retaken else "")]
        notes += [f"{name}: {note}" for name, t in self.timings.items() for note in t.notes]
        return notes

    def __repr__(self) -> str:
        width = max(len(n) for n in self.names)
        lines = ["Comparison (time per call: median, this run's 95% interval, drift in run)"]
        lines += [f"  {r[0]:<{width}}  {r[1]:>10}  ({r[2]})  {r[3]:>6}  {r[4]}" for r in self._rows()]
        lines += [f"  {note}" for note in [*self._summary(), DRIFT_NOTE]]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from .tables import table

        return table(["kernel", "per call", "this run's 95% interval", "drift in run", "vs fastest"],
                     self._rows(), caption="Time per call (median, this run's 95% interval)",
                     notes=[*self._summary(), DRIFT_NOTE])

    def plot(self, ax: Any = None) -> Any:
        """Bars of time per call with this run's 95% intervals; returns the Axes."""
        return draw(self, ax)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "timings": {n: t.to_dict() for n, t in self.timings.items()},
                "fastest": self.fastest, "rounds": self.rounds, "elapsed": self.elapsed,
                "stopped_early": self.stopped_early}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Comparison":
        return cls({n: Timing.from_dict(t) for n, t in data["timings"].items()}, int(data["rounds"]),
                   float(data["elapsed"]), bool(data["stopped_early"]))


def compare(
    kernels: Mapping[str, Callable[..., Any]],
    setup: Callable[[], Any] | None = None,
    budget: float = 1.0,
    check: bool = True,
    disable_gc: bool = True,
    timeout: float | None = None,
    equal: Callable[[Any, Any], bool] | None = None,
) -> Comparison:
    """Measure kernels side by side: `pk.compare({"list": f, "set": g})` -> Comparison.

    Args:
        kernels: name -> callable (sync or `async def`). Called with no argument, or with
            the value `setup()` returns; each kernel gets its own deep copy of it (a value
            that cannot be copied, e.g. a connection, is shared, and the timings say so).
        setup: makes the input, once, outside the timing.
        budget: seconds of measuring in all (times PERFKIT_BUDGET_SCALE).
        check: call each kernel once first and raise KernelMismatchError if results differ
            (see perfkit.engine.agreement for when results agree), or TypeError if one is a
            generator, whose creation alone would be timed.
        disable_gc: switch the garbage collector off during samples, as timeit does.
        timeout: seconds one call may take; past it an async call is cancelled, a sync call
            raises once it returns (default: 10 x budget, at least 2 s).
        equal: `equal(a, b) -> bool` decides whether two results agree, instead of the rule.
    """
    fns = as_kernels(kernels)
    check_callable(equal, "equal", or_none=True)
    value = run_setup(setup)
    return compare_prepared(fns, value, budget, check, disable_gc, timeout, equal)


def compare_prepared(fns: dict[str, Callable[..., Any]], value: Any, budget: float,
                     check: bool, disable_gc: bool, timeout: float | None = None,
                     equal: Callable[[Any, Any], bool] | None = None) -> Comparison:
    """compare() once the kernels are validated and setup has run (see compare_sizes for sweeps)."""
    shared: list[str] = []  # why the kernels share setup's value, if they must
    prepared = [Kernel(name, fn, call_args(own_copy(value, shared))) for name, fn in fns.items()]
    m = measure(prepared, budget, disable_gc, timeout=timeout,
                on_checked=(lambda results: check_agreement(results, equal)) if check else None)
    for name, t in m.timings.items():
        lazy = lazy_note(m.results[name])
        t.notes += shared + ([lazy] if lazy else [])
    return Comparison(m.timings, m.rounds, m.elapsed, m.stopped_early)


def compare_sizes(fns: dict[str, Callable[..., Any]], values: dict[int, Any], budget: float,
                  check: bool, disable_gc: bool, timeout: float | None = None,
                  equal: Callable[[Any, Any], bool] | None = None,
                  on_round: Callable[[float], None] | None = None) -> dict[int, Comparison]:
    """compare() at every size at once: one Comparison per n, all measured in the same rounds.

    Every (kernel, n) cell is sampled once per round, in a shuffled order, so a slow period of
    the machine hits every size alike rather than whichever sizes it happened to overlap when
    they were measured one after another; the kernels at one n stay paired round by round.
    `values` maps each n to setup's value for it; every kernel is called once at every n, and
    the results at each n checked, before anything is timed.
    """
    cells: list[tuple[int, str]] = [(size, name) for size in values for name in fns]
    shared: dict[int, list[str]] = {size: [] for size in values}
    prepared = [Kernel(f"{name} (n={size:,})", fns[name], call_args(own_copy(values[size], shared[size])))
                for size, name in cells]
    groups = [[i for i, (size, _) in enumerate(cells) if size == n] for n in values]

    def check_each_size(results: dict[str, Any]) -> None:
        for n, group in zip(values, groups):
            at_n = {cells[i][1]: results[prepared[i].name] for i in group}
            try:
                check_agreement(at_n, equal)
            except KernelMismatchError as exc:
                raise KernelMismatchError(f"at n={n:,}: {exc}") from None

    m = measure(prepared, budget, disable_gc, timeout=timeout, groups=groups, on_round=on_round,
                on_checked=check_each_size if check else None)
    comparisons = {}
    for n, group in zip(values, groups):
        timings = {}
        for i in group:
            name = cells[i][1]
            lazy = lazy_note(m.results[prepared[i].name])
            timing = replace(m.timings[prepared[i].name], name=name)
            timing.notes = timing.notes + shared[n] + ([lazy] if lazy else [])
            timings[name] = timing
        comparisons[n] = Comparison(timings, m.rounds, m.elapsed, m.stopped_early)
    return comparisons
