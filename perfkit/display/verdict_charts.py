"""The chart of a verdict: the measured ratio and its 95% interval against the claimed factor."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from .style import axes, style

_COLORS = {"holds": "#2e7d32", "refuted": "#c62828", "inconclusive": "#9e6c00"}


def plot_verdict(verdict: Any, ax: "Axes | None" = None) -> "Axes":
    """The ratio baseline/subject as a point with its 95% interval, the claimed factor as a
    dashed line and 1 (no difference) as a grey one, on a log axis; colored by the status."""
    from matplotlib.ticker import FuncFormatter

    from ..engine.units import format_ratio

    e = verdict.estimate
    color = _COLORS.get(verdict.status, "C0")
    # an interval may reach 0 or infinity (a break-even that never pays off): draw it to the edge
    shown = [v for v in (e.low, e.value, e.high, verdict.by, 1.0) if 0 < v < math.inf]
    left, right = min(shown) / 1.5, max(shown) * 1.5
    value, low, high = (min(max(v, left), right) for v in (e.value, e.low, e.high))
    with style():
        ax = axes(ax)
        ax.errorbar([value], [0], xerr=[[value - low], [high - value]], fmt="o", ms=8, color=color,
                    capsize=6, lw=2, label=f"measured: {format_ratio(e.value)} (95% interval)")
        ax.axvline(verdict.by, color="black", ls="--", lw=1, label=f"claimed: at least {format_ratio(verdict.by)}")
        ax.axvline(1.0, color="grey", lw=1, label="1x: no difference")
        ax.set_xscale("log")
        ax.set_xlim(left, right)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_ratio(v)))
        ax.set_yticks([])
        ax.set_ylim(-1, 1)
        better = "faster" if verdict.relation == "faster" else "smaller"
        ax.set_xlabel(f"how many times {better} {verdict.subject} is than {verdict.baseline} (log scale)")
        ax.set_title(f"{verdict.status}: {verdict.claim_text}", color=color)
        ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_range_verdict(verdict: Any, ax: "Axes | None" = None) -> "Axes":
    """The measured figure with its 95% interval against the claimed range (shaded, its ends
    dashed), colored by the status."""
    from ..engine.units import format_value

    e = verdict.estimate
    color = _COLORS.get(verdict.status, "C0")
    ends = [b for b in (verdict.at_least, verdict.at_most) if b is not None]
    shown = [v for v in (e.low, e.value, e.high, *ends) if math.isfinite(v)]
    pad = (max(shown) - min(shown)) * 0.3 or abs(max(shown)) * 0.1 or 1.0
    left, right = min(shown) - pad, max(shown) + pad
    value, low, high = (min(max(v, left), right) for v in (e.value, e.low, e.high))
    with style():
        ax = axes(ax)
        ax.axvspan(left if verdict.at_least is None else verdict.at_least,
                   right if verdict.at_most is None else verdict.at_most,
                   color="#2e7d32", alpha=0.12, label=f"claimed: {verdict.claimed_range}")
        for end in ends:
            ax.axvline(end, color="black", ls="--", lw=1)
        ax.errorbar([value], [0], xerr=[[value - low], [high - value]], fmt="o", ms=8, color=color,
                    capsize=6, lw=2, label=f"measured: {format_value(e.value, e.unit)} (95% interval)")
        ax.set_xlim(left, right)
        ax.set_yticks([])
        ax.set_ylim(-1, 1)
        ax.set_xlabel(f"{verdict.quantity} ({e.unit})" if e.unit else verdict.quantity)
        ax.set_title(f"{verdict.status}: {verdict.claim_text}", color=color)
        ax.legend(loc="upper left", fontsize=8)
    return ax
