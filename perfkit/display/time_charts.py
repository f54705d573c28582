"""Charts of time: samples, comparisons, sweeps, break-even curves, ideal lines, loop lags."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from .style import _clear_minor, _log_if_wide, _log_ticks, axes, seconds_axis, style


def plot_timing(timing: Any, ax: "Axes | None" = None) -> "Axes":
    """Each sample's time per call in the order taken, the median and this run's 95% interval."""
    with style():
        ax = axes(ax)
        e = timing.per_call
        ax.plot(range(1, timing.rounds + 1), timing.samples, "o", ms=4, alpha=0.7, label="samples")
        ax.axhline(e.value, color="C1", label="median")
        ax.axhspan(e.low, e.high, color="C1", alpha=0.2, label="this run's 95% interval of the median")
        seconds_axis(ax.yaxis)
        ax.set_xlabel("sample (in the order taken)")
        ax.set_ylabel("time per call")
        ax.set_title(f"{timing.name}: time per call ({timing.number:,} calls per sample)")
        ax.legend(loc="best", fontsize=8)
    return ax


def plot_comparison(comparison: Any, ax: "Axes | None" = None) -> "Axes":
    """Horizontal bars of median time per call with this run's 95% intervals, fastest at the top."""
    from ..engine.units import format_ratio

    with style():
        ax = axes(ax)
        names = sorted(comparison.names, key=lambda n: comparison[n].per_call.value, reverse=True)
        est = [comparison[n].per_call for n in names]
        values = [e.value for e in est]
        errors = [[e.value - e.low for e in est], [e.high - e.value for e in est]]
        ax.barh(names, values, xerr=errors, color="C0", alpha=0.8, capsize=4)
        fastest = comparison.fastest
        for y, name in enumerate(names):
            label = "fastest" if name == fastest else f"{format_ratio(comparison.ratio(name, fastest).value)} slower"
            ax.annotate(f"  {label}", (est[y].high, y), va="center", fontsize=8)  # past the whisker
        if _log_if_wide(values):
            ax.set_xscale("log")
            _clear_minor(ax.xaxis)
        seconds_axis(ax.xaxis)
        ax.set_xlabel("time per call (median, this run's 95% interval)"
                      + (", log scale" if _log_if_wide(values) else ""))
        ax.set_title("Time per call")
        ax.margins(x=0.25)
    return ax


def plot_sweep(sweep: Any, ax: "Axes | None" = None, relative_to: "str | None" = None) -> "Axes":
    """Time per call against n on log-log axes with this run's 95% bands (or the ratio to one kernel)."""
    with style():
        ax = axes(ax)
        n = sweep.n
        for i, name in enumerate(sweep.names):
            if relative_to is not None:
                if name == relative_to:
                    continue
                est = sweep.ratio(name, relative_to)
            else:
                est = sweep.per_call[name]
            label = name if len(n) < 3 or relative_to else f"{name} ({sweep.complexity(name)})"
            ax.plot(n, [e.value for e in est], "o-", color=f"C{i}", label=label, ms=4)
            ax.fill_between(n, [e.low for e in est], [e.high for e in est], color=f"C{i}", alpha=0.2)
        ax.set_xscale("log")
        values = [float(v) for line in ax.get_lines() for v in line.get_ydata()]
        log_y = relative_to is None or _log_if_wide(values, threshold=4.0)
        if log_y:
            ax.set_yscale("log")
            _clear_minor(ax.yaxis)
            _log_ticks(ax.yaxis, values)
            if relative_to is not None:  # a ratio reads as 2x, 5x, 10x, not 10^0, 10^1
                from matplotlib.ticker import FuncFormatter

                ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}x"))
        ax.set_xlabel("n (input size, log scale)")
        if relative_to is None:
            seconds_axis(ax.yaxis)
            ax.set_ylabel("time per call (log scale)")
            ax.set_title("Time per call against input size (bands: this run's 95% intervals)")
        else:
            ax.axhline(1.0, color="grey", lw=1, ls="--")
            ax.set_ylabel(f"time / time of {relative_to}" + (" (log scale)" if log_y else ""))
            ax.set_title(f"Time relative to {relative_to} (above 1: slower than {relative_to})")
        ax.legend(loc="best", fontsize=8)
    return ax




def plot_break_even(n: "list[int]", curves: "dict[str, list[Any]]", ax: "Axes | None" = None, *,
                    built: str, instead: str) -> "Axes":
    """Break-even uses against n on log-log axes, one line per curve, with 95% bands.

    `curves` maps a label to one break-even Estimate per n (from `perfkit.breakeven`).
    An infinite value (it never pays off) leaves a gap in the line; an infinite upper end
    draws the band up to the top of the axes. `built` names what is built first (e.g.
    "set(items)") and `instead` what is used without it (e.g. "the list"), for the labels.
    """
    import math

    for label, est in curves.items():
        if len(est) != len(n):
            raise ValueError(f"curve {label!r} has {len(est)} values for {len(n)} sizes")
    finite = [v for est in curves.values() for e in est for v in (e.low, e.value, e.high)
              if math.isfinite(v) and v > 0]
    top = max(finite, default=10.0) * 3
    bottom = min(finite, default=1.0) / 2
    with style():
        ax = axes(ax)
        for i, (label, est) in enumerate(curves.items()):
            ax.plot(n, [e.value if math.isfinite(e.value) else math.nan for e in est], "o-", ms=4,
                    color=f"C{i}", label=label)
            ax.fill_between(n, [min(e.low, top) for e in est], [min(e.high, top) for e in est],
                            color=f"C{i}", alpha=0.2)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(bottom, top)
        from matplotlib.ticker import FuncFormatter, LogLocator

        # counts read best as plain numbers at 1-2-5 steps: 1, 2, 5, 10, 20, ...
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.10g}"))
        _clear_minor(ax.yaxis)
        ax.annotate(f"above a curve: build {built} first, it pays off", (0.02, 0.96),
                    xycoords="axes fraction", va="top", fontsize=8, color="#2e7d32")
        ax.annotate(f"below: {instead} alone is cheaper", (0.02, 0.03), xycoords="axes fraction",
                    va="bottom", fontsize=8, color="#c62828")
        ax.set_xlabel("n (input size, log scale)")
        ax.set_ylabel("uses to pay for the build (log scale)")
        ax.set_title(f"After how many uses does building {built} pay for itself? (bands: this run's 95%)")
        ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_against_ideal(sweep: Any, ideal: "dict[str, list[float]]", *, xlabel: str, title: str,
                       ideal_label: str = "ideal", ax: "Axes | None" = None) -> "Axes":
    """A sweep's time per call against its x values (log-log, this run's 95% bands), each kernel's ideal dashed.

    Args:
        sweep: a Sweep; its `n` are the x values (a size, a concurrency limit, ...).
        ideal: kernel name -> the time it would take at each x in an ideal world, in seconds.
        xlabel: what the x values are, with the unit.
        title: the chart's title.
        ideal_label: what "ideal" means, shown in the legend.
    """
    unknown = set(ideal) - set(sweep.names)
    if unknown:
        raise ValueError(f"ideal names kernels the sweep does not have: {sorted(unknown)}; "
                         f"the kernels are {sweep.names}")
    for name, values in ideal.items():
        if len(values) != len(sweep.n):
            raise ValueError(f"ideal[{name!r}] has {len(values)} values; the sweep has {len(sweep.n)} x values")
    with style():
        ax = axes(ax)
        x = sweep.n
        for i, name in enumerate(sweep.names):
            est = sweep.per_call[name]
            ax.plot(x, [e.value for e in est], "o-", color=f"C{i}", ms=4, label=f"{name}: measured")
            ax.fill_between(x, [e.low for e in est], [e.high for e in est], color=f"C{i}", alpha=0.2)
            if name in ideal:
                ax.plot(x, ideal[name], "--", color=f"C{i}", lw=1.2, label=f"{name}: {ideal_label}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        _clear_minor(ax.xaxis)
        _clear_minor(ax.yaxis)
        from matplotlib.ticker import FixedLocator, LogLocator, ScalarFormatter

        ax.xaxis.set_major_locator(FixedLocator(x))
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))  # 1-2-5 ticks
        seconds_axis(ax.yaxis)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("total time (log scale; bands: this run's 95% intervals)")
        ax.set_title(title)
        ax.legend(loc="best", fontsize=8)
    return ax


def plot_loop_lags(lags: "dict[str, Any]", marks: "dict[str, float] | None" = None,
                   ax: "Axes | None" = None) -> "Axes":
    """Horizontal bars of the longest event-loop block (LoopLag.max) per variant, log scale.

    Args:
        lags: variant name -> LoopLag (from pk.loop_lag or perfkit.fetch.measure_loop_lag).
        marks: label -> seconds, drawn as dashed vertical reference lines (e.g. one latency).
    """
    if not lags:
        raise ValueError("lags is empty: give at least one name -> LoopLag")
    from matplotlib.ticker import LogLocator

    from ..engine.units import format_seconds

    with style():
        ax = axes(ax)
        names = list(lags)
        values = [max(lags[n].max, 1e-6) for n in names]  # a zero lag still gets a visible bar
        ys = list(range(len(names)))
        ax.barh(ys, values, color="C3", alpha=0.8)
        for y, v in zip(ys, values):
            ax.annotate(f"  {format_seconds(v)}", (v, y), va="center", fontsize=8)
        for i, (label, seconds) in enumerate((marks or {}).items()):
            ax.axvline(seconds, color="grey", ls=("--", ":", "-.")[i % 3], lw=1, label=label)
        ax.set_yticks(ys, names, fontsize=9)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10))
        _clear_minor(ax.xaxis)
        seconds_axis(ax.xaxis)
        ax.set_xlabel("longest time the event loop was blocked (log scale)")
        ax.set_title("How long each variant blocked the event loop (one run)")
        ax.margins(x=0.2)
        if marks:
            ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_request_cost(cost: Any, ax: "Axes | None" = None) -> "Axes":
    """Bars of what one request of a batch costs: wall time, CPU of the loop thread, CPU of the process."""
    from ..engine.units import format_seconds

    with style():
        ax = axes(ax)
        labels = ["wall time", "CPU, event-loop thread", "CPU, whole process"]
        values = [cost.wall_per_request, cost.loop_cpu_per_request, cost.process_cpu_per_request]
        ax.barh(labels, values, color=["C0", "C1", "C2"], alpha=0.8)
        for y, v in enumerate(values):
            ax.annotate(f"  {format_seconds(v)}", (v, y), va="center", fontsize=8)
        ax.invert_yaxis()
        seconds_axis(ax.xaxis)
        ax.set_xlabel("per request (median of the batches)")
        ax.set_title(f"{cost.n} requests, {cost.names[0]}: what one request costs")
        ax.margins(x=0.25)
    return ax
