"""Every chart of perfkit, behind one door. Imported lazily: `import perfkit` never loads matplotlib.

Every function takes `ax=None`, draws on it (or on a new figure), and returns the Axes. Style is
applied through a context manager (`style()`), never by changing global rcParams. The charts live
in modules by concern: `time_charts`, `memory_charts`, `profile_charts`; the shared look in `style`.

`draw(result, ax, **options)` is how a result object's `.plot()` reaches its chart: the engine
names no chart function, so measuring code never imports matplotlib.
"""

from __future__ import annotations

from typing import Any

from .blocking_charts import plot_concurrency_sweep
from .cache_charts import plot_hit_rates, plot_latencies
from .idiom_charts import plot_cache_replays, plot_clock_readings, plot_repeated_runs
from .load_charts import plot_load_result, plot_target_verdict
from .memory_charts import (plot_memory_comparison, plot_memory_sweep, plot_memory_timeline,
                            plot_memory_use, plot_object_sizes, plot_size_saving, plot_size_sweep)
from .profile_charts import plot_call_profile, plot_line_profile
from .rate_charts import plot_rate_sweep
from .response_charts import plot_compression, plot_endpoint_comparison, plot_transfers
from .style import axes, bytes_axis, seconds_axis, style
from .time_charts import (plot_against_ideal, plot_break_even, plot_comparison, plot_loop_lags,
                          plot_request_cost, plot_sweep, plot_timing)
from .verdict_charts import plot_range_verdict, plot_verdict

__all__ = [
    "draw", "style", "axes", "seconds_axis", "bytes_axis",
    "plot_timing", "plot_comparison", "plot_sweep", "plot_break_even", "plot_against_ideal",
    "plot_loop_lags", "plot_memory_use", "plot_memory_comparison", "plot_memory_timeline",
    "plot_memory_sweep", "plot_object_sizes", "plot_size_sweep", "plot_size_saving",
    "plot_call_profile", "plot_line_profile", "plot_request_cost", "plot_verdict",
    "plot_load_result", "plot_target_verdict", "plot_range_verdict", "plot_hit_rates", "plot_latencies",
    "plot_rate_sweep",
    "plot_compression", "plot_endpoint_comparison", "plot_transfers", "plot_concurrency_sweep",
    "plot_cache_replays", "plot_clock_readings", "plot_repeated_runs",
]

# result class name -> the chart that draws it
CHARTS = {
    "Timing": plot_timing,
    "Comparison": plot_comparison,
    "Sweep": plot_sweep,
    "MemoryUse": plot_memory_use,
    "MemoryComparison": plot_memory_comparison,
    "MemoryTimeline": plot_memory_timeline,
    "MemorySweep": plot_memory_sweep,
    "CallProfile": plot_call_profile,
    "LineProfile": plot_line_profile,
    "ObjectSizes": plot_object_sizes,
    "SizeSweep": plot_size_sweep,
    "RequestCost": plot_request_cost,
    "Verdict": plot_verdict,
    "LoadResult": plot_load_result,
    "TargetVerdict": plot_target_verdict,
    "RangeVerdict": plot_range_verdict,
    "HitRates": plot_hit_rates,
    "RateSweep": plot_rate_sweep,
    "Compression": plot_compression,
    "EndpointComparison": plot_endpoint_comparison,
    "ConcurrencySweep": plot_concurrency_sweep,
}


def draw(result: Any, ax: Any = None, **options: Any) -> Any:
    """Draw `result` with the chart of its kind; returns the Axes."""
    kind = type(result).__name__
    chart = CHARTS.get(kind)
    if chart is None:
        raise TypeError(f"no chart draws a {kind}; the kinds with a chart are {sorted(CHARTS)}")
    return chart(result, ax=ax, **options)
