"""Presentation: matplotlib charts by concern (`plots` is the door), ipywidgets explorers and
IPython magics. Reads result objects; never measures."""
