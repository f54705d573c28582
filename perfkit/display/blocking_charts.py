"""Charts of the background-and-blocking lesson: throughput or latency against the number of clients."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from .style import _clear_minor, axes, seconds_axis, style


def plot_concurrency_sweep(sweep: Any, ax: "Axes | None" = None, what: str = "throughput",
                           service_time: float | None = None, pool: int | None = None) -> "Axes":
    """Throughput (or `what="p50"`/"p99" latency) against the number of clients, one line per
    endpoint with 95% whiskers. With `service_time` (seconds a request takes when served at once),
    the ideal is drawn dashed: clients / service_time, or a flat service_time for latency. With `pool`
    too, what a pool of that many workers allows is drawn dotted: at most pool / service_time
    requests a second, and latency clients / pool service times past the pool."""
    from matplotlib.ticker import FixedLocator, FuncFormatter

    if what not in ("throughput", "p50", "p90", "p99"):
        raise ValueError(f"what must be 'throughput', 'p50', 'p90' or 'p99', got {what!r}")
    clients = sweep.clients
    with style():
        ax = axes(ax)
        for i, name in enumerate(sweep.names):
            est = sweep.throughput(name) if what == "throughput" else sweep.latency(name, what)
            ax.errorbar(clients, [e.value for e in est], yerr=[[max(0.0, e.value - e.low) for e in est],
                        [max(0.0, e.high - e.value) for e in est]], fmt="o-", ms=5, capsize=4,
                        color=f"C{i}", label=name)
        span = sorted({*(min(clients) * (max(clients) / min(clients)) ** (k / 40) for k in range(41)), *clients})
        if service_time:
            if what == "throughput":
                ax.plot(span, [c / service_time for c in span], "--", color="#777777", lw=1,
                        label=f"every client served at once ({service_time * 1000:g} ms each)")
            else:
                ax.axhline(service_time, ls="--", color="#777777", lw=1, label="one service time")
            if pool:
                grid = sorted({*span, pool})
                if what == "throughput":
                    ax.plot(grid, [min(c, pool) / service_time for c in grid], ":", color="black", lw=1.5,
                            label=f"a pool of {pool} workers: at most {pool / service_time:,.0f} req/s")
                else:
                    ax.plot(grid, [service_time * max(1.0, c / pool) for c in grid], ":", color="black",
                            lw=1.5, label=f"a pool of {pool} workers: clients / {pool} service times")
                ax.axvline(pool, color="black", lw=0.8, alpha=0.3)
        ax.set_xscale("log")
        _clear_minor(ax.xaxis)
        ax.xaxis.set_major_locator(FixedLocator(clients))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
        ax.set_xlabel("clients, each sending one request after another (log scale)")
        if what == "throughput":
            ax.set_ylabel("answered requests per second")
            ax.set_ylim(bottom=0)
        else:
            seconds_axis(ax.yaxis)
            ax.set_ylabel(f"{what} latency")
            top = max((e.high for n in sweep.names for e in sweep.latency(n, what) if math.isfinite(e.high)),
                      default=1.0)
            ax.set_ylim(0, top * 1.15)
        quantity = "Throughput" if what == "throughput" else f"{what} latency"
        ax.set_title(f"{quantity} against the number of clients", fontsize=10)
        ax.legend(loc="upper left", fontsize=8)
    return ax
