"""The chart of a rate sweep: a latency percentile against the request rate, with the target."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from .style import _clear_minor, axes, seconds_axis, style

_COLORS = {"holds": "#2e7d32", "refuted": "#c62828", "inconclusive": "#9e6c00"}


def plot_rate_sweep(sweep: Any, ax: "Axes | None" = None) -> "Axes":
    """The percentile's latency at each rate tried (95% intervals as whiskers), on log-log axes,
    colored by the target's verdict at that rate; the target as a dashed line; a hollow marker
    where the client was the limit; p50 as a thin grey line for scale."""
    from matplotlib.lines import Line2D

    from ..engine.units import format_seconds

    rates = sweep.tried
    estimates = sweep.latency
    verdicts = sweep.verdicts
    limited = set(sweep.client_limited)
    with style():
        ax = axes(ax)
        values = [e.value for e in estimates]
        ax.plot(rates, values, "-", color="#555555", lw=1, zorder=1)
        p50 = [sweep[rate].latency("p50").value for rate in rates]
        ax.plot(rates, p50, ":", color="#999999", lw=1, zorder=1)
        shown = [v for v in values + p50 + [sweep.target] if math.isfinite(v) and v > 0]
        floor = min(shown) / 3 if shown else 1e-4
        for rate, e in zip(rates, estimates):
            if not math.isfinite(e.value):
                continue
            color = _COLORS[verdicts[rate].status]
            low = max(e.low, floor)
            ax.errorbar([rate], [e.value], yerr=[[e.value - min(low, e.value)], [e.high - e.value]], fmt="o",
                        ms=7, capsize=4, color=color, mfc="white" if rate in limited else color, zorder=3)
        ax.axhline(sweep.target, color="black", ls="--", lw=1)
        ax.set_xscale("log")
        ax.set_yscale("log")
        _clear_minor(ax.yaxis)
        _clear_minor(ax.xaxis)
        from matplotlib.ticker import FixedLocator, FuncFormatter

        ax.xaxis.set_major_locator(FixedLocator(rates))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
        seconds_axis(ax.yaxis)
        top = max([e.high for e in estimates if math.isfinite(e.high)] + [sweep.target])
        ax.set_ylim(floor, top * 3)
        if sweep.broke_at is not None:
            ax.axvline(sweep.broke_at, color=_COLORS["refuted"], lw=1, alpha=0.4)
        handles = [Line2D([], [], ls="--", color="black", label=f"target: {sweep.percentile} < "
                          f"{format_seconds(sweep.target)}"),
                   Line2D([], [], ls=":", color="#999999", label="p50 (for scale)")]
        for status in ("holds", "inconclusive", "refuted"):
            if any(v.status == status for v in verdicts.values()):
                handles.append(Line2D([], [], marker="o", ls="", color=_COLORS[status],
                                      label=f"{sweep.percentile}: target {status}"))
        if limited:
            handles.append(Line2D([], [], marker="o", ls="", color="#555555", mfc="white",
                                  label="client was the limit"))
        ax.legend(handles=handles, loc="best", fontsize=8)
        ax.set_xlabel("offered load: requests per second (log scale)")
        ax.set_ylabel(f"{sweep.percentile} latency (log scale, 95% interval)")
        ax.set_title(f"{sweep.name}: {sweep.outcome}", fontsize=10)
    return ax
