"""Packages outside perfkit's small core, imported when a feature first needs them.

The core (`pip install perfkit`) measures, judges and saves with numpy alone; charts, the
profilers' line view and the RSS timeline need more. A missing one is named with the extra
that installs it, instead of a bare ModuleNotFoundError deep inside a call.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def require(module: str, feature: str, extra: str) -> ModuleType:
    """Import `module` for `feature`, or raise ImportError saying which extra installs it."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module.split(".")[0]:
            raise  # the package is there but something it needs is not: show that error
        raise ImportError(f"{feature} needs {module.split('.')[0]}, which is not installed: "
                          f"pip install 'perfkit[{extra}]' (or pip install {module.split('.')[0]})") from exc
