"""The look shared by every chart: a style context, Axes, and tick formats by unit.

Every public function takes `ax=None`, draws on it (or on a new figure), and returns the Axes.
Style is applied through a context manager, never by changing global rcParams.
"""

from __future__ import annotations

import contextlib
import math
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_STYLE: dict[str, Any] = {
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "axes.titlesize": 11,
}


@contextlib.contextmanager
def style() -> Iterator[None]:
    """perfkit's look, for the duration of one drawing only."""
    import matplotlib.pyplot as plt

    with plt.rc_context(_STYLE):
        yield


def axes(ax: "Axes | None" = None) -> "Axes":
    """The Axes to draw on: `ax` itself, or one on a new figure."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new_ax = plt.subplots()
    return new_ax


def seconds_axis(axis: Any) -> None:
    """Label tick values on a seconds axis as ns / µs / ms / s."""
    from matplotlib.ticker import FuncFormatter

    from ..engine.units import format_seconds

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: format_seconds(v) if v > 0 else "0"))


def bytes_axis(axis: Any, log: bool = False) -> None:
    """Ticks on a bytes axis at round binary sizes (1 KiB, 4 KiB, ... or 0, 10, 20 MiB)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

    from ..engine.units import format_bytes

    def label(v: float, _pos: Any = None) -> str:
        return format_bytes(v).replace(".00 ", " ").replace(".0 ", " ")

    if log:
        class _BinaryLogLocator(LogLocator):
            """Powers of 1024 with 4x steps between them; fewer steps the more of them the axis spans."""

            def tick_values(self, vmin: float, vmax: float) -> Any:
                low, high = sorted((max(vmin, 1e-300), max(vmax, 1e-300)))
                spans = math.log(high / low, 1024) if high > low else 0.0
                subs = (1.0, 4.0, 16.0, 64.0, 256.0) if spans <= 1.5 else (1.0, 32.0) if spans <= 3 else (1.0,)
                self.set_params(subs=subs)
                return super().tick_values(vmin, vmax)

        axis.set_major_locator(_BinaryLogLocator(base=1024))
        axis.set_minor_formatter(NullFormatter())
    else:
        class _BinaryLocator(MaxNLocator):
            def tick_values(self, vmin: float, vmax: float) -> Any:
                unit = max([u for u in (1, 1024, 1024**2, 1024**3) if u <= max(abs(vmin), abs(vmax))] or [1])
                return super().tick_values(vmin / unit, vmax / unit) * unit

        axis.set_major_locator(_BinaryLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(FuncFormatter(label))


def _log_if_wide(values: "list[float]", threshold: float = 20.0) -> bool:
    positive = [v for v in values if v > 0]
    return bool(positive) and max(positive) / min(positive) > threshold


def _clear_minor(axis: Any) -> None:
    from matplotlib.ticker import NullFormatter

    axis.set_minor_formatter(NullFormatter())


def _log_ticks(axis: Any, values: "list[float]") -> None:
    """On a log axis that spans less than two decades, label 1-2-5 steps, not only 10^k."""
    from matplotlib.ticker import LogLocator

    positive = [v for v in values if v > 0]
    if positive and max(positive) / min(positive) < 100:
        axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
