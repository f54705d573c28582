"""Shared test setup: draw without a screen."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
