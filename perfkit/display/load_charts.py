"""Charts of the service lab: a load test's latency over time, a latency target's verdict."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from .style import _clear_minor, _log_if_wide, axes, seconds_axis, style

_COLORS = {"holds": "#2e7d32", "refuted": "#c62828", "inconclusive": "#9e6c00"}
_LINES = (("p50", ":"), ("p90", "--"), ("p99", "-."))


def plot_load_result(result: Any, ax: "Axes | None" = None, repeat: int | None = None) -> "Axes":
    """Each request's latency against when it was due, one color per repeat (or only `repeat`,
    counted from 0), failed requests as red crosses, and p50/p90/p99 (medians over repeats) as lines.

    The y axis turns logarithmic when latencies span more than 20x, so a stall and the ordinary
    requests around it both show.
    """
    runs = list(enumerate(result.runs)) if repeat is None else [(repeat, result.runs[repeat])]
    with style():
        ax = axes(ax)
        shown: list[float] = []
        for i, run in runs:
            latency = run["end"] - run["due"]
            ok = (run["status"] >= 100) & (run["status"] < 400)
            ax.plot(run["due"][ok], latency[ok], ".", ms=3, alpha=0.6, color=f"C{i % 10}",
                    label=f"repeat {i + 1}" if len(runs) > 1 else "requests")
            failed = ~ok
            if failed.any():
                ax.plot(run["due"][failed], latency[failed], "x", ms=5, color="#c62828",
                        label="failed" if i == runs[0][0] else None)
            shown += latency[latency > 0].tolist()
        for name, dash in _LINES:
            e = result[name]
            if np.isfinite(e.value):
                ax.axhline(e.value, color="black", ls=dash, lw=1, label=f"{name} {_seconds(e.value)}")
        if _log_if_wide(shown):
            ax.set_yscale("log")
            _clear_minor(ax.yaxis)
        seconds_axis(ax.yaxis)
        ax.set_xlabel("when the request was due (s from the start of its repeat)")
        ax.set_ylabel("latency (from when due)")
        ax.set_title(_title(result), fontsize=10)
        ax.legend(loc="best", fontsize=8, ncol=2)
    return ax


def _seconds(value: float) -> str:
    from ..engine.units import format_seconds

    return format_seconds(value)


def _title(result: Any) -> str:
    from ..engine.units import format_value

    what = result.target[0] + (f" (+{len(result.target) - 1})" if len(result.target) > 1 else "")
    how = (f"open loop, {format_value(result.rate, 'req/s')}" if result.mode == "open"
           else f"closed loop, {result.concurrency} clients")
    return f"{what}\n{how}; throughput {format_value(result.throughput.value, 'req/s')}"


def plot_target_verdict(verdict: Any, ax: "Axes | None" = None) -> "Axes":
    """The measured value with its 95% interval against the target (dashed), colored by the status."""
    from ..engine.units import format_value

    e = verdict.estimate
    color = _COLORS.get(verdict.status, "C0")
    with style():
        ax = axes(ax)
        ax.errorbar([e.value], [0], xerr=[[e.value - e.low], [e.high - e.value]], fmt="o", ms=8,
                    color=color, capsize=6, lw=2, label=f"measured: {format_value(e.value, e.unit)} (95% interval)")
        ax.axvline(verdict.target, color="black", ls="--", lw=1,
                   label=f"target: {verdict.relation} {format_value(verdict.target, e.unit)}")
        if e.unit == "s":
            seconds_axis(ax.xaxis)
        low, high = min(e.low, verdict.target), max(e.high, verdict.target)
        pad = (high - low) * 0.3 or abs(high) * 0.1 or 1.0
        ax.set_xlim(max(0.0, low - pad), high + pad)
        ax.set_yticks([])
        ax.set_ylim(-1, 1)
        ax.set_xlabel(verdict.quantity)
        ax.set_title(f"{verdict.status}: {verdict.claim_text}", color=color)
        ax.legend(loc="upper left", fontsize=8)
    return ax
