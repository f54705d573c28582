"""Formatting of numbers by unit: seconds, bytes and ratios read the way people say them."""

from __future__ import annotations

import math

_TIME_STEPS = ((1e-9, "ns"), (1e-6, "µs"), (1e-3, "ms"), (1.0, "s"))
_BYTE_STEPS = ((1, "B"), (1024, "KiB"), (1024**2, "MiB"), (1024**3, "GiB"))


def _sig(x: float, digits: int = 3) -> str:
    """Round to `digits` significant figures, with thousands separators and no exponent."""
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if x == 0 or math.isnan(x):
        return f"{x:g}"
    decimals = max(0, digits - 1 - int(math.floor(math.log10(abs(x)))))
    return f"{x:,.{decimals}f}"


def format_seconds(seconds: float) -> str:
    """`2.5e-08` -> `'25.0 ns'`."""
    if not math.isfinite(seconds):
        return str(seconds)
    scale, name = time_scale(seconds)
    return f"{_sig(seconds / scale)} {name}"


def format_bytes(n_bytes: float) -> str:
    """`1536` -> `'1.50 KiB'`; small counts stay in bytes."""
    if not math.isfinite(n_bytes):
        return str(n_bytes)
    scale, name = _BYTE_STEPS[0]
    for step, step_name in _BYTE_STEPS:
        if abs(n_bytes) >= step:
            scale, name = step, step_name
    if name == "B":
        return f"{n_bytes:,.0f} B" if float(n_bytes).is_integer() else f"{_sig(n_bytes)} B"
    return f"{_sig(n_bytes / scale)} {name}"


def format_ratio(ratio: float) -> str:
    """`2134.5` -> `'2,130x'`, `1.234` -> `'1.23x'`."""
    return f"{_sig(ratio)}x"


def format_value(value: float, unit: str) -> str:
    """Format `value` by its unit: "s", "B", "x" or anything else (printed as is)."""
    if unit == "s":
        return format_seconds(value)
    if unit == "B":
        return format_bytes(value)
    if unit == "x":
        return format_ratio(value)
    if unit == "req/s":
        return format_rate(value)
    return f"{_sig(value)} {unit}".rstrip()


def format_rate(per_second: float) -> str:
    """Requests per second, whole from 10 up: `1234.5` -> `'1,234 req/s'`, `2.5` -> `'2.50 req/s'`."""
    if math.isfinite(per_second) and abs(per_second) >= 10:
        return f"{per_second:,.0f} req/s"
    return f"{_sig(per_second)} req/s"


def time_scale(seconds: float) -> tuple[float, str]:
    """The scale and unit name that suit `seconds` on an axis: `0.004` -> `(1e-3, 'ms')`."""
    scale, name = _TIME_STEPS[0]
    for step, step_name in _TIME_STEPS:
        if abs(seconds) >= step:
            scale, name = step, step_name
    return scale, name
