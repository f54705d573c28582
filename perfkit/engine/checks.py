"""Checking arguments, one way for all of perfkit.

The rule: a value of the wrong type raises TypeError (a string or a bool where a number is
wanted, a float where an int is wanted, something not callable where a function is wanted);
a value of the right type but out of range raises ValueError (<= 0, NaN, infinity, not one
of the choices). Every message states the rule and the value received:
"budget must be a number of seconds > 0, got -1".
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Collection, TypeVar

T = TypeVar("T")


def _shown(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _typed(value: Any) -> str:
    """`value` with its type, for a TypeError: "str '1'", "bool True"."""
    return f"{type(value).__name__} {_shown(value)}"


def _bound(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def _range(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None and low_open:
        return f"> {_bound(low)} and {'<' if high_open else '<='} {_bound(high)}"
    if low is not None and high is not None:
        return f"in [{_bound(low)}, {_bound(high)}{')' if high_open else ']'}"
    if low is not None:
        return f"{'>' if low_open else '>='} {_bound(low)}"
    if high is not None:
        return f"{'<' if high_open else '<='} {_bound(high)}"
    return ""


def check_number(value: Any, name: str, *, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False, integer: bool = False,
                 unit: str | None = None, hint: str = "") -> Any:
    """`value` as a float (an int with `integer=True`), checked against its rule.

    Args:
        value: what the caller passed.
        name: the argument's name, as the caller wrote it.
        low, high: the bounds, inclusive unless `low_open` / `high_open`.
        integer: an int is wanted; a float (even 2.0) is a TypeError.
        unit: what the number counts, e.g. "seconds": "a number of seconds > 0".
        hint: a few words appended to the rule, e.g. "(the claimed factor, e.g. by=10)".

    Raises:
        TypeError: not a real number (a bool is not one), or not an int when one is wanted.
        ValueError: NaN, infinite, or outside the bounds.
    """
    kind = ("an int" if integer else "a number") + (f" of {unit}" if unit else "")
    rule = " ".join(part for part in (kind, _range(low, high, low_open, high_open), hint) if part)
    wanted = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, wanted):
        raise TypeError(f"{name} must be {rule}, got {_typed(value)}")
    if not integer and not math.isfinite(value):
        raise ValueError(f"{name} must be {rule}, got {_shown(value)}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise ValueError(f"{name} must be {rule}, got {_shown(value)}")
    return int(value) if integer else float(value)


def check_int(value: Any, name: str, *, low: int | None = None, high: int | None = None,
              hint: str = "") -> int:
    """`value` as an int within [low, high]; see check_number."""
    return check_number(value, name, low=low, high=high, integer=True, hint=hint)


def check_seconds(value: Any, name: str, *, high: float | None = None, hint: str = "") -> float:
    """A duration: a finite number of seconds > 0 (and <= high); see check_number."""
    return check_number(value, name, low=0, low_open=True, high=high, unit="seconds", hint=hint)


def check_callable(value: T, name: str, *, or_none: bool = False) -> T:
    """`value` itself; TypeError unless it is callable (or None, with `or_none`)."""
    if value is None and or_none:
        return value
    if not callable(value):
        rule = "callable or None" if or_none else "callable"
        raise TypeError(f"{name} must be {rule}, got {_typed(value)}")
    return value


def check_choice(value: T, name: str, choices: Collection[Any]) -> T:
    """`value` itself; ValueError unless it is one of `choices`."""
    try:
        ok = value in choices
    except TypeError:  # unhashable, e.g. a list where a string is wanted
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {list(choices)}, got {_shown(value)}")
    return value

