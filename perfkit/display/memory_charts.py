"""Charts of memory: one call, comparisons, RSS timelines, memory sweeps, bytes per object."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from .style import _log_if_wide, axes, bytes_axis, style


def plot_memory_comparison(comparison: Any, ax: "Axes | None" = None) -> "Axes":
    """Horizontal bars of peak bytes per kernel, smallest at the top."""
    from ..engine.units import format_bytes

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
    from ..engine.units import format_bytes

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




def plot_object_sizes(sizes: Any, ax: "Axes | None" = None, getsizeof: bool = False,
                      total: bool = False) -> "Axes":
    """Horizontal bars of bytes per live object per kind (smallest on top), optionally with
    `sys.getsizeof` beside each bar; with `total`, the bytes of all `sizes.n` objects."""
    from ..engine.units import format_bytes

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


