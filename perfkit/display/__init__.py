"""Presentation: matplotlib charts by concern (`plots` is the door), ipywidgets explorers,
IPython magics, and markdown lines (`summary`, `expect`). Reads result objects; never measures."""

from .expectations import Expectation, expect
from .summaries import Summary, summary

__all__ = ["Expectation", "Summary", "expect", "summary"]
