"""The measuring engine: kernels, sampling, timing, statistics, comparisons, sweeps, memory,
profiles, verdicts, claims and saved results. No matplotlib, ipywidgets or IPython import here:
a result's `.plot()` reaches the display layer through one door, `results.draw`."""
