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

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY = {
    "bench": "timing",
    "Timing": "timing",
    "compare": "compare",
    "Comparison": "compare",
    "sweep": "sweep",
    "Sweep": "sweep",
    "memory": "memory",
    "compare_memory": "memory",
    "bytes_per_object": "memory",
    "memory_timeline": "memory",
    "MemoryUse": "memory",
    "MemoryComparison": "memory",
    "MemoryTimeline": "memory",
    "Verdict": "verdict",
    "run_async": "aio",
    "loop_lag": "aio",
    "LatencyServer": "servers",
    "profile_calls": "profiling",
    "profile_lines": "profiling",
    "CallProfile": "profiling",
    "LineProfile": "profiling",
}

__all__ = [
    "BudgetExceededError",
    "Estimate",
    "KernelError",
    "KernelMismatchError",
    "PerfkitError",
    "SetupError",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
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
