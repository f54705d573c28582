"""All of perfkit's matplotlib code. Imported lazily: `import perfkit` never loads matplotlib.

Every public function takes `ax=None`, draws on it (or on a new figure), and returns the Axes.
Style is applied through a context manager, never by changing global rcParams.
"""

from __future__ import annotations

import contextlib
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

    from .units import format_seconds

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: format_seconds(v) if v > 0 else "0"))


def bytes_axis(axis: Any) -> None:
    """Label tick values on a bytes axis as B / KiB / MiB."""
    from matplotlib.ticker import FuncFormatter

    from .units import format_bytes

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: format_bytes(v)))
