"""Charts of profiles: cProfile functions and line_profiler lines as horizontal bars."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from ..engine.units import time_scale
from .style import axes, style


def _snippet(text: str | None, width: int = 38) -> str:
    text = "(source unavailable)" if text is None else " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def plot_call_profile(profile: Any, ax: "Axes | None" = None) -> "Axes":
    """Horizontal bars of the top functions of a CallProfile: cumulative and own time, slowest on top."""
    rows = profile.rows[: profile.top]
    with style():
        ax = axes(ax)
        scale, unit = time_scale(max((r.cumulative_time for r in rows), default=0.0))
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
        scale, unit = time_scale(max((r.time for _, r in lines), default=0.0))
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


