"""Kernels: validating them, giving each its own copy of the input, checking they agree."""

from __future__ import annotations

import array
import inspect
import math
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from .errors import KernelMismatchError, SetupError

NO_ARG = object()  # marks "call the kernel with no argument" (no setup)


@dataclass
class Kernel:
    """One named callable and how to call it."""

    name: str
    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.fn) or inspect.iscoroutinefunction(
            getattr(self.fn, "__call__", None)
        )


def as_kernels(kernels: Any, argument: str = "kernels") -> dict[str, Callable[..., Any]]:
    """A mapping of name -> callable, from a mapping, or a list of callables or (name, fn) pairs.

    Raises TypeError / ValueError naming the culprit.
    """
    if isinstance(kernels, Mapping):
        pairs = list(kernels.items())
    elif isinstance(kernels, Sequence) and not isinstance(kernels, (str, bytes)):
        pairs = [k if isinstance(k, tuple) and len(k) == 2 else (getattr(k, "__name__", repr(k)), k)
                 for k in kernels]
    elif callable(kernels):
        raise TypeError(f"{argument} must be a mapping of name -> callable, e.g. "
                        f"{{'mine': fn}}; got a single callable (use pk.bench for one)")
    else:
        raise TypeError(f"{argument} must be a mapping of name -> callable, got {type(kernels).__name__}")
    if not pairs:
        raise ValueError(f"{argument} is empty: give at least one name -> callable")
    result: dict[str, Callable[..., Any]] = {}
    for name, fn in pairs:
        if not isinstance(name, str) or not name:
            raise TypeError(f"kernel names must be non-empty strings, got {name!r}")
        if name in result:
            raise ValueError(f"duplicate kernel name {name!r}: every kernel needs its own name")
        if not callable(fn):
            raise TypeError(f"kernel {name!r} is not callable: got {type(fn).__name__} {fn!r:.60}")
        result[name] = fn
    return result


def check_budget(budget: Any, argument: str = "budget") -> float:
    """The budget in seconds, times PERFKIT_BUDGET_SCALE; ValueError when it is not > 0."""
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not math.isfinite(budget) \
            or budget <= 0:
        raise ValueError(f"{argument} must be a number of seconds > 0, got {budget!r}")
    return float(budget) * budget_scale()


def budget_scale() -> float:
    raw = os.environ.get("PERFKIT_BUDGET_SCALE", "").strip()
    if not raw:
        return 1.0
    try:
        scale = float(raw)
    except ValueError:
        scale = -1.0
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"PERFKIT_BUDGET_SCALE must be a number > 0, got {raw!r}")
    return scale


def run_setup(setup: Callable[..., Any] | None, *args: Any) -> Any:
    """Call setup (if any) and wrap what it raises in SetupError."""
    if setup is None:
        return NO_ARG
    if not callable(setup):
        raise TypeError(f"setup must be callable or None, got {type(setup).__name__}")
    try:
        return setup(*args)
    except Exception as exc:
        shown = f"setup({', '.join(map(repr, args))})"
        raise SetupError(f"{shown} raised {type(exc).__name__}: {exc}") from exc


def own_copy(value: Any) -> Any:
    """A copy of a mutable container, so one kernel's mutation cannot poison another's input."""
    if isinstance(value, (list, dict, set, bytearray, array.array)):
        return value.copy()
    if type(value).__module__ == "numpy" and hasattr(value, "copy"):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(own_copy(v) for v in value)
    return value


def call_args(value: Any) -> tuple[Any, ...]:
    return () if value is NO_ARG else (value,)


def results_agree(a: Any, b: Any) -> bool:
    """Equality that tolerates float rounding and compares arrays element-wise."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    if type(a).__module__ == "numpy" or type(b).__module__ == "numpy":
        import numpy as np

        try:
            return bool(np.allclose(a, b, equal_nan=True))
        except (TypeError, ValueError):
            return False
    try:
        return bool(a == b)
    except Exception:
        return a is b


def check_agreement(results: dict[str, Any]) -> None:
    """Raise KernelMismatchError naming the first kernel whose result differs from the first."""
    names = list(results)
    ref = names[0]
    for name in names[1:]:
        if not results_agree(results[ref], results[name]):
            raise KernelMismatchError(
                f"kernels {ref!r} and {name!r} returned different results: "
                f"{ref!r} -> {_short(results[ref])}, {name!r} -> {_short(results[name])}. "
                "Fix the kernels, or pass check=False if they are not meant to agree."
            )


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
