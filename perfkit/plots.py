"""All of perfkit's matplotlib code. Imported lazily: `import perfkit` never loads matplotlib.

Every public function takes `ax=None`, draws on it (or on a new figure), and returns the Axes.
Style is applied through a context manager, never by changing global rcParams.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_STYLE: dict[str, Any] = {
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "axes.titlesize": 11,
}


@contextlib.contextmanager
def style() -> Iterator[None]:
    """perfkit's look, for the duration of one drawing only."""
    import matplotlib.pyplot as plt

    with plt.rc_context(_STYLE):
        yield


def axes(ax: "Axes | None" = None) -> "Axes":
    """The Axes to draw on: `ax` itself, or one on a new figure."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new_ax = plt.subplots()
    return new_ax


def seconds_axis(axis: Any) -> None:
    """Label tick values on a seconds axis as ns / µs / ms / s."""
    from matplotlib.ticker import FuncFormatter

    from .units import format_seconds

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: format_seconds(v) if v > 0 else "0"))


def bytes_axis(axis: Any, log: bool = False) -> None:
    """Ticks on a bytes axis at round binary sizes (1 KiB, 4 KiB, ... or 0, 10, 20 MiB)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

    from .units import format_bytes

    def label(v: float, _pos: Any = None) -> str:
        return format_bytes(v).replace(".00 ", " ").replace(".0 ", " ")

    if log:
        axis.set_major_locator(LogLocator(base=1024, subs=(1.0, 4.0, 16.0, 64.0, 256.0)))
        axis.set_minor_formatter(NullFormatter())
    else:
        class _BinaryLocator(MaxNLocator):
            def tick_values(self, vmin: float, vmax: float) -> Any:
                unit = max([u for u in (1, 1024, 1024**2, 1024**3) if u <= max(abs(vmin), abs(vmax))] or [1])
                return super().tick_values(vmin / unit, vmax / unit) * unit

        axis.set_major_locator(_BinaryLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(FuncFormatter(label))


def _log_if_wide(values: "list[float]", threshold: float = 20.0) -> bool:
    positive = [v for v in values if v > 0]
    return bool(positive) and max(positive) / min(positive) > threshold


def _clear_minor(axis: Any) -> None:
    from matplotlib.ticker import NullFormatter

    axis.set_minor_formatter(NullFormatter())


def _log_ticks(axis: Any, values: "list[float]") -> None:
    """On a log axis that spans less than two decades, label 1-2-5 steps, not only 10^k."""
    from matplotlib.ticker import LogLocator

    positive = [v for v in values if v > 0]
    if positive and max(positive) / min(positive) < 100:
        axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))


def plot_timing(timing: Any, ax: "Axes | None" = None) -> "Axes":
    """Each sample's time per call in the order taken, the median and its 95% interval."""
    with style():
        ax = axes(ax)
        e = timing.per_call
        ax.plot(range(1, timing.rounds + 1), timing.samples, "o", ms=4, alpha=0.7, label="samples")
        ax.axhline(e.value, color="C1", label="median")
        ax.axhspan(e.low, e.high, color="C1", alpha=0.2, label="95% interval of the median")
        seconds_axis(ax.yaxis)
        ax.set_xlabel("sample (in the order taken)")
        ax.set_ylabel("time per call")
        ax.set_title(f"{timing.name}: time per call ({timing.number:,} calls per sample)")
        ax.legend(loc="best", fontsize=8)
    return ax


def plot_comparison(comparison: Any, ax: "Axes | None" = None) -> "Axes":
    """Horizontal bars of median time per call with 95% intervals, fastest at the top."""
    from .units import format_ratio

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
        ax.set_xlabel("time per call (median, 95% interval)" + (", log scale" if _log_if_wide(values) else ""))
        ax.set_title("Time per call")
        ax.margins(x=0.25)
    return ax


def plot_sweep(sweep: Any, ax: "Axes | None" = None, relative_to: "str | None" = None) -> "Axes":
    """Time per call against n on log-log axes with 95% bands (or the ratio to one kernel)."""
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
        ax.set_xlabel("n (input size, log scale)")
        if relative_to is None:
            seconds_axis(ax.yaxis)
            ax.set_ylabel("time per call (log scale)")
            ax.set_title("Time per call against input size (bands: 95% intervals)")
        else:
            ax.axhline(1.0, color="grey", lw=1, ls="--")
            ax.set_ylabel(f"time / time of {relative_to}" + (" (log scale)" if log_y else ""))
            ax.set_title(f"Time relative to {relative_to} (above 1: slower than {relative_to})")
        ax.legend(loc="best", fontsize=8)
    return ax


def plot_memory_comparison(comparison: Any, ax: "Axes | None" = None) -> "Axes":
    """Horizontal bars of peak bytes per kernel, smallest at the top."""
    from .units import format_bytes

    with style():
        ax = axes(ax)
        names = sorted(comparison.names, key=lambda n: comparison.peak[n].value, reverse=True)
        values = [max(comparison.peak[n].value, 1.0) for n in names]
        ax.barh(names, values, color="C2", alpha=0.8)
        for y, v in enumerate(values):
            ax.annotate(f"  {format_bytes(v)}", (v, y), va="center", fontsize=8)
        wide = _log_if_wide(values)
        if wide:
            ax.set_xscale("log")
        bytes_axis(ax.xaxis, log=wide)
        ax.set_xlabel("peak memory of one call (tracemalloc)" + (", log scale" if wide else ""))
        ax.set_title("Peak memory per call")
        ax.margins(x=0.25)
    return ax


def plot_memory_use(use: Any, ax: "Axes | None" = None) -> "Axes":
    """Peak and retained bytes of one call as two bars."""
    from .units import format_bytes

    with style():
        ax = axes(ax)
        values = [use.peak_bytes, use.retained_bytes]
        ax.bar(["peak", "retained"], values, color=["C2", "C7"])
        for x, v in enumerate(values):
            ax.annotate(format_bytes(v), (x, v), ha="center", va="bottom", fontsize=8)
        bytes_axis(ax.yaxis)
        ax.set_ylabel("bytes (tracemalloc)")
        ax.set_title(f"{use.name}: memory of one call")
    return ax


def plot_memory_timeline(timeline: Any, ax: "Axes | None" = None, label: "str | None" = None) -> "Axes":
    """RSS above its value at the start, over the call's life; tracemalloc's peak as a line."""
    with style():
        ax = axes(ax)
        name = label or timeline.name
        line, = ax.plot(timeline.times, timeline.rss_bytes - timeline.baseline, "-", lw=1.5,
                        label=f"{name}: RSS above start (memory_profiler)")
        if timeline.tracemalloc_peak is not None:
            ax.axhline(timeline.tracemalloc_peak, color=line.get_color(), ls="--", lw=1,
                       label=f"{name}: tracemalloc peak")
        bytes_axis(ax.yaxis)
        ax.set_xlabel("time since the call started (s)")
        ax.set_ylabel("memory above start")
        ax.set_title("Memory over a call's life")
        ax.legend(loc="best", fontsize=8)
    return ax


def _time_unit(seconds: float) -> tuple[float, str]:
    """The scale and name (ns, µs, ms, s) that suit the largest value on a seconds axis."""
    for scale, name in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if seconds >= scale:
            return scale, name
    return 1e-9, "ns"


def _snippet(text: str | None, width: int = 38) -> str:
    text = "(source unavailable)" if text is None else " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def plot_call_profile(profile: Any, ax: "Axes | None" = None) -> "Axes":
    """Horizontal bars of the top functions of a CallProfile: cumulative and own time, slowest on top."""
    rows = profile.rows[: profile.top]
    with style():
        ax = axes(ax)
        scale, unit = _time_unit(max((r.cumulative_time for r in rows), default=0.0))
        ys = list(range(len(rows)))
        ax.barh([y - 0.2 for y in ys], [r.cumulative_time / scale for r in rows], height=0.4,
                label="cumulative (with callees)", color="#4c72b0")
        ax.barh([y + 0.2 for y in ys], [r.own_time / scale for r in rows], height=0.4,
                label="own (without callees)", color="#dd8452")
        ax.set_yticks(ys, [f"{_snippet(r.name, 30)}  ({r.location})" for r in rows], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(f"time in one run ({unit})")
        ax.set_title(f"cProfile of {profile.function}: top {len(rows)} of {len(profile.rows)} functions")
        ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_line_profile(profile: Any, ax: "Axes | None" = None, top: int = 20) -> "Axes":
    """Horizontal bars of time per line of a LineProfile, hottest line on top."""
    several = sum(1 for f in profile.functions if f.rows) > 1
    lines = sorted(((f, r) for f in profile.functions for r in f.rows), key=lambda fr: -fr[1].time)[:top]
    with style():
        ax = axes(ax)
        scale, unit = _time_unit(max((r.time for _, r in lines), default=0.0))
        ys = list(range(len(lines)))
        ax.barh(ys, [r.time / scale for _, r in lines], color="#4c72b0")
        for y, (_, r) in zip(ys, lines):
            ax.annotate(f" {r.share:.0%}", (r.time / scale, y), va="center", fontsize=8)
        labels = [(f"{f.name} " if several else "") + f"L{r.line}: {_snippet(r.source)}" for f, r in lines]
        ax.set_yticks(ys, labels, fontsize=8, family="monospace")
        ax.invert_yaxis()
        ax.set_xlabel(f"time on the line in one run ({unit}); % = share of its function")
        ax.set_title(f"line_profiler: time per line of {profile.function}")
    return ax


def plot_object_sizes(sizes: Any, ax: "Axes | None" = None, getsizeof: bool = False,
                      total: bool = False) -> "Axes":
    """Horizontal bars of bytes per live object per kind (smallest on top), optionally with
    `sys.getsizeof` beside each bar; with `total`, the bytes of all `sizes.n` objects."""
    from .units import format_bytes

    scale = sizes.n if total else 1
    with style():
        ax = axes(ax)
        names = sorted(sizes.names, key=lambda n: sizes[n].value, reverse=True)
        est = [sizes[n] for n in names]
        values = [e.value * scale for e in est]
        errors = [[(e.value - e.low) * scale for e in est], [(e.high - e.value) * scale for e in est]]
        ys = list(range(len(names)))
        height = 0.4 if getsizeof else 0.8
        offset = 0.2 if getsizeof else 0.0
        ax.barh([y + offset for y in ys], values, height=height, xerr=errors, color="C2", alpha=0.85,
                capsize=3, label="bytes_per_object (tracemalloc: all the object owns)")
        for y, v in zip(ys, values):
            ax.annotate(f" {format_bytes(round(v))}", (v, y + offset), va="center", fontsize=8)
        if getsizeof:
            shallow = [sizes.getsizeof[n] * scale for n in names]
            ax.barh([y - offset for y in ys], shallow, height=height, color="C7", alpha=0.7,
                    label="sys.getsizeof (the object's own block only)")
            for y, v in zip(ys, shallow):
                ax.annotate(f" {format_bytes(v)}", (v, y - offset), va="center", fontsize=8, color="#555")
            ax.legend(loc="upper right", fontsize=8)  # the smallest kinds sit at the top, short bars
        ax.set_yticks(ys, names)
        bytes_axis(ax.xaxis)
        what = f"memory of {sizes.n:,} live objects" if total else "bytes per live object"
        ax.set_xlabel(what + (" (bars: median of 3, whiskers: range)" if not getsizeof else ""))
        ax.set_title(f"Memory of {sizes.n:,} live objects by kind" if total
                     else ("bytes_per_object vs sys.getsizeof" if getsizeof else "Bytes per live object by kind"))
        ax.margins(x=0.2)
    return ax


def plot_size_sweep(sweep: Any, ax: "Axes | None" = None) -> "Axes":
    """Bytes per live object against the number of fields k, one line per kind."""
    with style():
        ax = axes(ax)
        for i, name in enumerate(sweep.names):
            est = sweep.per_object[name]
            ax.plot(sweep.k, [e.value for e in est], "o-", ms=4, color=f"C{i}", label=name)
            ax.fill_between(sweep.k, [e.low for e in est], [e.high for e in est], color=f"C{i}", alpha=0.2)
        bytes_axis(ax.yaxis)
        ax.set_ylim(bottom=0)
        ax.set_xticks(sweep.k)
        ax.set_xlabel("number of fields k")
        ax.set_ylabel("bytes per live object")
        ax.set_title("Bytes per live object against the number of fields")
        ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_size_saving(sweep: Any, name: str, baseline: str, claim: "tuple[float, float] | None" = None,
                     ax: "Axes | None" = None) -> "Axes":
    """Share of `baseline`'s memory that `name` saves against k, a claimed range shaded."""
    from matplotlib.ticker import PercentFormatter

    with style():
        ax = axes(ax)
        saving = sweep.saving(name, baseline)
        ax.plot(sweep.k, saving, "o-", ms=4, color="C1", label=f"{name} vs {baseline}: measured saving")
        if claim is not None:
            ax.axhspan(claim[0], claim[1], color="C2", alpha=0.2,
                       label=f"claimed: {claim[0]:.0%}-{claim[1]:.0%} less memory")
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_ylim(0, max(max(saving), claim[1] if claim else 0) * 1.15)
        ax.set_xticks(sweep.k)
        ax.set_xlabel("number of fields k")
        ax.set_ylabel(f"memory saved (1 - {name} / {baseline})")
        ax.set_title(f"Memory {name} saves over {baseline}, by number of fields")
        ax.legend(loc="upper right", fontsize=8)
    return ax


def plot_memory_sweep(sweep: Any, ax: "Axes | None" = None) -> "Axes":
    """Peak bytes per call against n on log-log axes, one line per kernel with its slope."""
    with style():
        ax = axes(ax)
        n = sweep.n
        for i, name in enumerate(sweep.names):
            est = sweep.peak[name]
            slope = f"{sweep.exponent(name).value:.2f}".replace("-0.00", "0.00")
            label = name if len(n) < 2 else f"{name} (slope {slope})"
            ax.plot(n, [max(e.value, 1.0) for e in est], "o-", color=f"C{i}", ms=4, label=label)
            ax.fill_between(n, [max(e.low, 1.0) for e in est], [max(e.high, 1.0) for e in est],
                            color=f"C{i}", alpha=0.2)
        ax.set_xscale("log")
        ax.set_yscale("log")
        bytes_axis(ax.yaxis, log=True)
        ax.set_xlabel("n (input size, log scale)")
        ax.set_ylabel("peak memory of one call (log scale)")
        ax.set_title("Peak memory against input size (tracemalloc; slope 0 = flat, 1 = linear)")
        ax.legend(loc="best", fontsize=8)
    return ax


def plot_break_even(n: "list[int]", curves: "dict[str, list[Any]]", ax: "Axes | None" = None,
                    built: str = "the set", instead: str = "the list") -> "Axes":
    """Break-even uses against n on log-log axes, one line per curve, with 95% bands.

    `curves` maps a label to one break-even Estimate per n (from `perfkit.breakeven`).
    An infinite value (it never pays off) leaves a gap in the line; an infinite upper end
    draws the band up to the top of the axes.
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
        ax.set_title(f"After how many uses does building {built} pay for itself? (bands: 95%)")
        ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_against_ideal(sweep: Any, ideal: "dict[str, list[float]]", *, xlabel: str, title: str,
                       ideal_label: str = "ideal", ax: "Axes | None" = None) -> "Axes":
    """A sweep's time per call against its x values (log-log, 95% bands), each kernel's ideal dashed.

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
        ax.set_ylabel("total time (log scale; bands: 95% intervals)")
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

    from .units import format_seconds

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
