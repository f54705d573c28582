"""perfkit: measure Python performance advice on your own machine, with honest statistics.

    import perfkit as pk
    c = pk.compare({"list": lambda: 9_999 in items, "set": lambda: 9_999 in item_set})
    c.verdict("set", faster_than="list", by=10)

Names are imported lazily, so `import perfkit` stays fast and loads neither matplotlib nor
ipywidgets until a chart or a widget is asked for.
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import (
    BudgetExceededError,
    KernelError,
    KernelMismatchError,
    PerfkitError,
    SetupError,
)
from .stats import Estimate

# Functions that share their module's name are bound eagerly: once `perfkit.compare` (the
# module) is imported, a lazy lookup would find the module instead of the function.
from .compare import Comparison, compare
from .memory import MemoryComparison, MemoryTimeline, MemoryUse, bytes_per_object, compare_memory, memory, memory_timeline
from .sweep import Sweep, sweep
from .timing import Timing, bench
from .verdict import Verdict

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY = {
    "run_async": "aio",
    "loop_lag": "aio",
    "LatencyServer": "servers",
    "profile_calls": "profiling",
    "profile_lines": "profiling",
    "CallProfile": "profiling",
    "LineProfile": "profiling",
    "break_even": "breakeven", "break_even_curve": "breakeven",
    "memory_sweep": "memsweep", "MemorySweep": "memsweep",
    "object_sizes": "objects",
}

__all__ = [
    "bench",
    "Timing",
    "compare",
    "Comparison",
    "sweep",
    "Sweep",
    "memory",
    "compare_memory",
    "bytes_per_object",
    "memory_timeline",
    "MemoryUse",
    "MemoryComparison",
    "MemoryTimeline",
    "Verdict",
    "BudgetExceededError",
    "Estimate",
    "KernelError",
    "KernelMismatchError",
    "PerfkitError",
    "SetupError",
    *_LAZY,
]


# submodules a notebook reaches as attributes: pk.widgets.explore(...)
_SUBMODULES = {"widgets", "plots"}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'perfkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext perfkit`: registers the %pk_bench, %pk_memory and %pk_lines magics."""
    from .magics import load_ipython_extension as _load

    _load(ipython)
