"""perfkit: measure Python performance advice on your own machine, with honest statistics.

    import perfkit as pk
    c = pk.compare({"list": lambda: 9_999 in items, "set": lambda: 9_999 in item_set})
    c.verdict("set", faster_than="list", by=10)

The package has three layers, and imports only point down:

    perfkit.lessons   what single lessons need: servers, HTTP fetch scenarios, data generators
    perfkit.display   charts (matplotlib), widgets (ipywidgets), IPython magics
    perfkit.engine    measuring, statistics, verdicts, claims, saved results (no plotting)

Names are imported lazily, so `import perfkit` stays fast and loads neither matplotlib nor
ipywidgets until a chart or a widget is asked for.
"""

from __future__ import annotations

import importlib as _importlib

from .engine.compare import Comparison, compare
from .engine.errors import BudgetExceededError, KernelError, KernelMismatchError, PerfkitError, SetupError
from .engine.memory import MemoryComparison, MemoryUse, bytes_per_object, compare_memory, memory
from .engine.results import register_kind as _register_kind
from .engine.stats import Estimate
from .engine.sweep import Sweep, sweep
from .engine.timeline import MemoryTimeline, memory_timeline
from .engine.timing import Timing, bench
from .engine.verdict import Verdict

__version__ = "0.2.0"

# public name -> the module that defines it, imported on first use
_LAZY = {
    "run_async": "engine.aio",
    "loop_lag": "engine.aio",
    "profile_calls": "engine.profiling",
    "profile_lines": "engine.lineprofile",
    "CallProfile": "engine.profiling",
    "LineProfile": "engine.lineprofile",
    "break_even": "engine.breakeven",
    "break_even_curve": "engine.breakeven",
    "memory_sweep": "engine.memsweep",
    "MemorySweep": "engine.memsweep",
    "LatencyServer": "lessons.servers",
    "database": "lessons.lab.db",
    "Database": "lessons.lab.db",
    "DatabaseUnavailable": "lessons.lab.db",
    "latency_proxy": "lessons.lab.proxy",
    "LatencyProxy": "lessons.lab.proxy",
    "object_sizes": "lessons.objects",
    "load": "engine.results",
    "describe_machine": "engine.machine",
    "Machine": "engine.machine",
    "serve": "lessons.lab.service",
    "Service": "lessons.lab.service",
    "load_test": "lessons.lab.load",
    "LoadResult": "lessons.lab.loadresult",
    "rate_sweep": "lessons.lab.ratesweep",
    "RateSweep": "lessons.lab.ratesweep",
    "TargetVerdict": "engine.targets",
    "RangeVerdict": "engine.ranges",
    "zipf_keys": "lessons.caching",
    "TTLCache": "lessons.caching",
    "hit_rates": "lessons.hitrates",
    "HitRates": "lessons.hitrates",
    "cache_backend": "lessons.lab.cache",
    "CacheUnavailable": "lessons.lab.cache",
    "compare_endpoints": "lessons.lab.endpoints",
    "EndpointComparison": "lessons.lab.endpoints",
}

# result kinds defined above the engine, so that pk.load can read their files
for _kind, _module in {"ObjectSizes": "lessons.sizes", "SizeSweep": "lessons.sizes",
                       "RequestCost": "lessons.fetch", "LoadResult": "lessons.lab.loadresult",
                       "HitRates": "lessons.hitrates", "RateSweep": "lessons.lab.ratesweep",
                       "Compression": "lessons.lab.compression", "EndpointComparison": "lessons.lab.endpoints",
                       "ConcurrencySweep": "lessons.lab.concurrency"}.items():
    _register_kind(_kind, f"{__name__}.{_module}")
del _kind, _module

# submodules a notebook reaches as attributes: pk.widgets.explore(...), pk.plots.style()
_SUBMODULES = {"widgets": "display.widgets", "plots": "display.plots",
               "engine": "engine", "display": "display", "lessons": "lessons"}

__all__ = [
    "bench", "Timing", "compare", "Comparison", "sweep", "Sweep",
    "memory", "compare_memory", "bytes_per_object", "memory_timeline",
    "MemoryUse", "MemoryComparison", "MemoryTimeline",
    "Verdict", "Estimate",
    "PerfkitError", "KernelError", "KernelMismatchError", "BudgetExceededError", "SetupError",
    "claims", *_LAZY,
]


def __getattr__(name: str) -> object:
    if name in _SUBMODULES:
        return _importlib.import_module(f".{_SUBMODULES[name]}", __name__)
    if name == "claims":  # the catalog of data/claims.toml, read on first use
        from .engine.claims import default_catalog

        return default_catalog()
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'perfkit' has no attribute {name!r}")
    value = getattr(_importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*__all__, *_SUBMODULES, "__version__", "load_ipython_extension"})


def load_ipython_extension(ipython: object) -> None:
    """`%load_ext perfkit`: registers the %pk_bench, %pk_memory and %pk_lines magics."""
    from .display.magics import load_ipython_extension as _load

    _load(ipython)
