"""Charts of the idioms, algorithms and measuring lessons: cache replays, clock readings, repeated runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from .style import axes, seconds_axis, style


def plot_cache_replays(replays: Any, ax: "Axes | None" = None) -> "Axes":
    """Horizontal bars of each cache's hit ratio over the same requests, labelled with what it kept.

    `replays` is a CacheReplays (perfkit.lessons.pools): each replay has `name`, `hit_ratio`,
    `kept` (entries left at the end) and `refused` (values it could not store).
    """
    from matplotlib.ticker import PercentFormatter

    runs = list(replays.replays)
    if not runs:
        raise ValueError("replays is empty: give at least one CacheReplay")
    with style():
        ax = axes(ax)
        ys = list(range(len(runs)))
        ratios = [100 * r.hit_ratio for r in runs]
        ax.barh(ys, ratios, color=[f"C{i}" for i in ys], alpha=0.85)
        for y, r in zip(ys, runs):
            note = f"  {r.hit_ratio:.0%} hits; {r.kept:,} entries kept"
            if r.refused:
                note += f"; {r.refused:,} values refused"
            ax.annotate(note, (100 * r.hit_ratio, y), va="center", fontsize=8)
        ax.set_yticks(ys, [r.name for r in runs])
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_formatter(PercentFormatter())
        ax.set_xlabel(f"requests answered from the cache ({runs[0].requests:,} requests, the same for each)")
        ax.set_title("What each cache kept, and how often it answered")
    return ax


def plot_clock_readings(readings: Any, ax: "Axes | None" = None) -> "Axes":
    """Every single-call reading as a dot, one row per clock (jittered), on a time axis.

    A clock that can only show multiples of a step draws vertical stripes at those multiples.
    Readings above the 99th percentile of all are left out, and counted in the title.
    """
    import numpy as np

    from ..engine.units import format_seconds

    names = list(readings.names)
    if not names:
        raise ValueError("readings holds no clock")
    every = np.concatenate([readings[n] for n in names])
    right = float(np.percentile(every, 99)) * 1.15
    rng = np.random.default_rng(0)  # jitter only: the same picture every time
    with style():
        ax = axes(ax)
        hidden = 0
        for i, name in enumerate(names):
            values = readings[name]
            shown = values[values <= right]
            hidden += values.size - shown.size
            ax.scatter(shown, i + rng.uniform(-0.3, 0.3, shown.size), s=5, alpha=0.25, color=f"C{i}",
                       linewidths=0)
            median = readings.median(name)
            ax.plot([median, median], [i - 0.4, i + 0.4], color="black", lw=1.5)
            ax.annotate(f" median {format_seconds(median)}, {readings.distinct(name)} distinct values",
                        (median, i + 0.42), fontsize=8, va="bottom")
        ax.set_yticks(range(len(names)), names)
        ax.set_ylim(-0.6, len(names) - 0.1)
        ax.invert_yaxis()
        ax.set_xlim(left=min(0.0, float(every.min())), right=right)
        seconds_axis(ax.xaxis)
        ax.set_xlabel("one reading: clock after the call minus clock before it")
        ax.set_title(f"{readings[names[0]].size:,} single-call timings of {readings.label} with each clock"
                     + (f" ({hidden} above the 99th percentile not shown)" if hidden else ""))
    return ax


def plot_repeated_runs(runs: Mapping[str, Sequence[Any]], ax: "Axes | None" = None, *,
                       title: str = "The same function timed again and again") -> "Axes":
    """Each run's time per call, in the order run, one series per method.

    A value may be a plain number of seconds, or an Estimate (drawn with its 95% interval).
    """
    if not runs:
        raise ValueError("runs is empty: give at least one name -> list of per-call times")
    with style():
        ax = axes(ax)
        offsets = [(i - (len(runs) - 1) / 2) * 0.12 for i in range(len(runs))]
        for i, ((name, values), dx) in enumerate(zip(runs.items(), offsets)):
            xs = [k + 1 + dx for k in range(len(values))]
            mid = [getattr(v, "value", v) for v in values]
            if all(hasattr(v, "low") for v in values):
                err = [[m - v.low for m, v in zip(mid, values)], [v.high - m for m, v in zip(mid, values)]]
                ax.errorbar(xs, mid, yerr=err, fmt="o", ms=4, capsize=3, color=f"C{i}", label=f"{name} (95% interval)")
            else:
                ax.plot(xs, mid, "s", ms=5, color=f"C{i}", label=f"{name} (no interval)")
        count = max(len(v) for v in runs.values())
        ax.set_xticks(range(1, count + 1))
        seconds_axis(ax.yaxis)
        ax.set_xlabel("run (in the order run)")
        ax.set_ylabel("time per call")
        ax.set_title(title)
        ax.legend(loc="best", fontsize=8)
    return ax
