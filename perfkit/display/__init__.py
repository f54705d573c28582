"""Presentation: matplotlib charts by concern (`plots` is the door), ipywidgets explorers and
IPython magics. Reads result objects; never measures."""

from .summaries import Summary, summary

__all__ = ["Summary", "summary"]
