"""Charts of the caching lesson: an LRU's hit ratio against its size, and latencies side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from .style import _clear_minor, axes, seconds_axis, style


def plot_hit_rates(rates: Any, ax: "Axes | None" = None, target: float | None = None,
                   mark: int | None = None) -> "Axes":
    """Hit ratio (percent, after warmup) against maxsize on a log axis, one line per workload with
    its 95% band; `target` draws a dashed line (e.g. 80), `mark` a dotted one at a maxsize (e.g. 128)."""
    from matplotlib.ticker import FixedLocator, FuncFormatter

    with style():
        ax = axes(ax)
        sizes = rates.maxsizes
        for i, name in enumerate(rates.names):
            est = rates[name]
            label = name if rates.skews[name] else f"{name} (every key alike)"
            ax.plot(sizes, [e.value for e in est], "o-", ms=4, color=f"C{i}", label=label)
            ax.fill_between(sizes, [e.low for e in est], [e.high for e in est], color=f"C{i}", alpha=0.2)
        if target is not None:
            ax.axhline(target, color="black", ls="--", lw=1, label=f"target: {target:g}% hits")
        if mark is not None:
            ax.axvline(mark, color="grey", ls=":", lw=1)
            ax.annotate(f" maxsize={mark:,}", (mark, 93), fontsize=8, color="grey")
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(FixedLocator(sizes))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
        _clear_minor(ax.xaxis)
        ax.set_ylim(0, 100)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}%"))
        ax.set_xlabel(f"lru_cache maxsize (entries; {rates.keys:,} distinct keys in all)")
        ax.set_ylabel("requests answered from the cache")
        ax.set_title(f"Hit ratio after warmup ({rates.requests - rates.warmup:,} requests counted)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)  # outside: lines fill the box
    return ax


def plot_latencies(results: Mapping[str, Any], ax: "Axes | None" = None,
                   percentiles: Sequence[str] = ("p50", "p99"),
                   claimed: Mapping[str, float] | None = None) -> "Axes":
    """Latency percentiles of several load tests as horizontal bars (95% whiskers), log scale.

    Args:
        results: label -> LoadResult, drawn top to bottom.
        percentiles: which percentiles to draw for each, e.g. ("p50", "p99").
        claimed: label -> a latency (seconds) a document claims for it, drawn as a black diamond.
    """
    import numpy as np

    labels = list(results)
    if not labels:
        raise ValueError("results must hold at least one (label, LoadResult) pair")
    claimed = dict(claimed or {})
    unknown = sorted(set(claimed) - set(labels))
    if unknown:
        raise ValueError(f"claimed names labels that are not in results: {unknown}; the labels are {labels}")
    with style():
        ax = axes(ax)
        height = 0.8 / len(percentiles)
        y = np.arange(len(labels))[::-1]
        for j, name in enumerate(percentiles):
            est = [results[label].latency(name) for label in labels]
            offset = (len(percentiles) - 1) / 2 * height - j * height
            ax.barh(y + offset, [e.value for e in est], height=height * 0.9, color=f"C{j}", alpha=0.8,
                    xerr=[[e.value - e.low for e in est], [e.high - e.value for e in est]], capsize=3,
                    label=f"{name} latency (95% interval over repeats)")
        for label, seconds in claimed.items():
            row = y[labels.index(label)]
            ax.plot([seconds], [row], "D", color="black", ms=7,
                    label="claimed" if label == next(iter(claimed)) else None)
        ax.set_yticks(y, labels)
        ax.set_xscale("log")
        _clear_minor(ax.xaxis)
        seconds_axis(ax.xaxis)
        ax.set_xlabel("latency per request (log scale)")
        # below the axes: bars reach the right edge at any row
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, fontsize=8)
    return ax
