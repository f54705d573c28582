"""What every result object shares: the one door to its chart.

The engine measures and never draws: a result's `.plot()` hands itself to `draw`, which imports
the display layer only then (so `import perfkit` loads no matplotlib, and the engine names no chart).
"""

from __future__ import annotations

import importlib
from typing import Any

from .optional import require


def draw(result: Any, ax: Any = None, **options: Any) -> Any:
    """Draw `result` with the chart of its kind (perfkit.display.plots.draw); returns the Axes."""
    require("matplotlib", "drawing a result (.plot())", "charts")
    plots = importlib.import_module("perfkit.display.plots")
    return plots.draw(result, ax, **options)
