"""ipywidgets explorers: move a slider, perfkit measures again and redraws.

ipywidgets is imported only when a widget is made, never on `import perfkit`.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from ..engine.checks import check_callable, check_int


def sizes(low: int, high: int) -> list[int]:
    """Round sizes 1-2-5 per decade from `low` to `high` inclusive: 10, 20, 50, 100, ..."""
    check_int(low, "low", low=1)
    check_int(high, "high", low=low, hint="(need low <= high)")
    out, decade = [], 1
    while decade <= high:
        out += [m * decade for m in (1, 2, 5) if low <= m * decade <= high]
        decade *= 10
    return out or [low]


def log_slider(low: int, high: int, value: int | None = None, description: str = "n") -> Any:
    """A slider over sizes that span decades (1-2-5 steps), shown with thousands separators."""
    import ipywidgets as widgets

    options = sizes(low, high)
    if value is None:
        value = options[len(options) // 2]
    if value not in options:
        raise ValueError(f"value must be one of the slider's sizes {options}, got {value!r}")
    return widgets.SelectionSlider(options=[(f"{o:,}", o) for o in options], value=value,
                                   description=description, continuous_update=False)


def slider(low: float, high: float, step: float, value: float | None = None,
           description: str = "", readout_format: str = ".2f") -> Any:
    """A slider that only fires when released (each change re-measures)."""
    import ipywidgets as widgets

    if all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high, step)):
        return widgets.IntSlider(min=low, max=high, step=step, value=low if value is None else value,
                                 description=description, continuous_update=False)
    return widgets.FloatSlider(min=low, max=high, step=step, value=low if value is None else value,
                               description=description, continuous_update=False,
                               readout_format=readout_format)


def explore(draw: Callable[..., Any], *, manual: bool = False, **controls: Any) -> Any:
    """Show `controls` (sliders) and call `draw(**values)` each time one is moved.

    `draw` measures and returns what to show: an Axes (its figure is shown), a result object,
    or a tuple of them. With `manual=True` a button starts each measurement instead.
    Returns the ipywidgets container, already displayed; it draws once at the start.
    """
    check_callable(draw, "draw")
    if not controls:
        raise ValueError("explore needs at least one control, e.g. n=pk.widgets.log_slider(10, 10_000)")
    import ipywidgets as widgets
    from IPython.display import display

    @functools.wraps(draw)
    def run(**values: Any) -> None:
        import matplotlib.pyplot as plt

        shown = draw(**values)
        for item in shown if isinstance(shown, tuple) else (shown,):
            if hasattr(item, "figure") and hasattr(item, "get_xlim"):  # an Axes
                plt.show()
            elif item is not None:
                display(item)

    box = widgets.interactive(run, {"manual": manual, "manual_name": "measure"}, **controls)
    display(box)
    return box
