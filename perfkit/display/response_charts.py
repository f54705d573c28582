"""Charts of the responses lesson: bytes on the wire with and without gzip, endpoints side by side,
and responses laid out in time (first byte, last byte)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from .style import _clear_minor, axes, bytes_axis, seconds_axis, style


def plot_compression(result: Any, ax: "Axes | None" = None, what: str = "bytes",
                     claimed: tuple[float, float] | None = (0.7, 0.9)) -> "Axes":
    """A Compression result. `what="bytes"`: bytes sent against the uncompressed size, log-log, with
    the band of `claimed` savings (70-90% less) shaded; `what="time"`: the middleware's time per
    response with gzip accepted and without. A dotted line marks `minimum_size` when known."""
    if what not in ("bytes", "time"):
        raise ValueError(f"what must be 'bytes' or 'time', got {what!r}")
    if what == "time" and not result.seconds:
        raise ValueError("this Compression has no times: measure it with gzip_in_process(..., time=True)")
    x = result.plain_bytes
    with style():
        ax = axes(ax)
        if what == "bytes":
            ax.plot(x, x, "o--", color="#777777", ms=4, label="without gzip: every byte")
            ax.plot(x, result.gzip_bytes, "o-", color="C0", ms=5, label="with gzip accepted")
            if claimed is not None:
                low, high = claimed
                ax.fill_between(x, [v * (1 - high) for v in x], [v * (1 - low) for v in x], color="C2",
                                alpha=0.15, label=f"claimed: {low:.0%}-{high:.0%} less")
            for label, plain, sent in zip(result.labels, x, result.gzip_bytes):
                ax.annotate(f"{label}\n{1 - sent / plain:.0%} saved" if plain else label, (plain, sent),
                            textcoords="offset points", xytext=(6, -18), fontsize=7)
            ax.set_ylabel("bytes on the wire (log scale)")
        else:
            for values, color, label in ((result.seconds, "C0", "gzip accepted: compressed"),
                                         (result.identity_seconds, "#777777", "gzip not accepted: as is")):
                if values:
                    ax.errorbar(x, [e.value for e in values], yerr=[[e.value - e.low for e in values],
                                [e.high - e.value for e in values]], fmt="o-", ms=4, color=color, capsize=3,
                                label=label)
            ax.set_ylabel("time in the middleware per response (log scale)")
        if result.minimum_size:
            ax.axvline(result.minimum_size, color="black", ls=":", lw=1,
                       label=f"minimum_size={result.minimum_size:,}: smaller bodies go out as they are")
        ax.set_xscale("log")
        ax.set_yscale("log")
        _clear_minor(ax.yaxis)
        bytes_axis(ax.xaxis, log=True)
        if what == "bytes":
            bytes_axis(ax.yaxis, log=True)
        else:
            seconds_axis(ax.yaxis)
        ax.set_xlabel("response body before compression (log scale)")
        where = {"service": "through the service", "in-process": "in this process"}.get(result.source, result.source)
        level = f"gzip level {result.level}, " if result.level is not None else ""
        ax.set_title(("Bytes sent" if what == "bytes" else "Time in GZipMiddleware") + f" per response ({level}{where})",
                     fontsize=10)
        ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_endpoint_comparison(result: Any, ax: "Axes | None" = None, what: str = "cpu") -> "Axes":
    """An EndpointComparison as horizontal bars with 95% whiskers: `what` is "cpu" (server CPU per
    request, throughput written beside each bar), "throughput", "p50"/"p99" latency, or "lag" (the
    server loop's longest block). Log scale when the bars span more than 20x."""
    from ..engine.units import format_value

    names = result.names
    if what == "cpu":
        est, label = result.cpu, "server CPU per request"
    elif what == "lag":
        if not result.lag:
            raise ValueError("this comparison did not measure the server's loop lag (compare_endpoints(lag=...))")
        est, label = result.lag, "longest block of the server's event loop"
    elif what == "throughput":
        est, label = {n: result[n].throughput for n in names}, "throughput (answered requests per second)"
    elif what in ("p50", "p90", "p99"):
        est, label = {n: result[n].latency(what) for n in names}, f"{what} latency"
    else:
        raise ValueError(f"what must be 'cpu', 'throughput', 'p50', 'p90', 'p99' or 'lag', got {what!r}")
    values = [est[n] for n in names]
    with style():
        ax = axes(ax)
        y = list(range(len(names)))[::-1]
        ax.barh(y, [e.value for e in values], color=[f"C{i % 10}" for i in range(len(names))], alpha=0.8,
                xerr=[[max(0.0, e.value - e.low) for e in values], [e.high - e.value for e in values]], capsize=4)
        ax.set_yticks(y, names)
        positive = [e.value for e in values if e.value > 0 and math.isfinite(e.value)]
        if positive and max(positive) / min(positive) > 20:
            ax.set_xscale("log")
            _clear_minor(ax.xaxis)
        if what != "throughput":
            seconds_axis(ax.xaxis)
        else:
            from matplotlib.ticker import FuncFormatter

            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
        if what == "cpu":  # throughput beside each bar, right of its whisker
            for row, name in zip(y, names):
                ax.annotate(f"{format_value(result[name].throughput.value, 'req/s')}", (est[name].high, row),
                            xytext=(6, 0), textcoords="offset points", va="center", fontsize=8, color="#333333")
            left, right = ax.get_xlim()
            ax.set_xlim(left, right * (2.5 if ax.get_xscale() == "log" else 1.25))
        ax.set_xlabel(label + ("; whiskers: 95% interval over rounds"))
        ax.set_title(f"{label[0].upper() + label[1:]}" + (" (throughput beside each bar)" if what == "cpu" else "")
                     + f"\n{result.describe()}", fontsize=10)
    return ax


def plot_transfers(fetched: Mapping[str, Any], ax: "Axes | None" = None,
                   memory: Mapping[str, int] | None = None) -> "Axes":
    """Responses laid out in time, one row each: waiting for the first byte of the body (light),
    then receiving it (dark). `memory` (name -> bytes, e.g. the server's peak growth) is written
    at the end of each row."""
    from ..engine.units import format_bytes, format_seconds

    names = list(fetched)
    if not names:
        raise ValueError("fetched must hold at least one (name, Fetched) pair")
    with style():
        ax = axes(ax)
        y = list(range(len(names)))[::-1]
        for row, name in zip(y, names):
            f = fetched[name]
            first = f.first_body if math.isfinite(f.first_body) else f.total
            ax.barh(row, first, color="#bbbbbb", label="waiting for the first byte" if row == y[0] else None)
            ax.barh(row, f.total - first, left=first, color="C0",
                    label="receiving the body" if row == y[0] else None)
            note = f"  first byte {format_seconds(first)}, last {format_seconds(f.total)}"
            if memory and name in memory:
                note += f"; server peak +{format_bytes(memory[name])}" if memory[name] > 0 else "; server memory did not grow"
            ax.annotate(note, (f.total, row), va="center", fontsize=8)
        ax.set_yticks(y, names)
        seconds_axis(ax.xaxis)
        right = max(f.total for f in fetched.values())
        ax.set_xlim(0, right * 1.9)  # room for the notes
        ax.set_xlabel("time from sending the request")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, fontsize=8)  # below: rows fill the box
    return ax
