"""The idiom, algorithm and measuring lessons' charts draw on the caller's Axes and label their units."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import perfkit as pk  # noqa: E402
from perfkit.lessons.clocks import ClockReadings  # noqa: E402
from perfkit.lessons.pools import CacheReplay, CacheReplays  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_cache_replays_draw_one_bar_per_cache_with_what_it_kept():
    runs = CacheReplays((CacheReplay("dict", 100, 90, 0, 10), CacheReplay("weak", 100, 0, 100, 0)))
    _, ax = plt.subplots()
    assert runs.plot(ax=ax) is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == ["dict", "weak"]
    notes = [t.get_text() for t in ax.texts]
    assert any("90% hits; 10 entries kept" in n for n in notes) and any("100 values refused" in n for n in notes)
    with pytest.raises(ValueError):
        pk.plots.plot_cache_replays(CacheReplays(()))


def test_clock_readings_draw_one_row_per_clock_on_a_seconds_axis():
    r = ClockReadings({"a": np.full(50, 2.4e-7), "b": np.linspace(1e-7, 3e-7, 50)}, label="f()")
    ax = r.plot()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert "f()" in ax.get_title() and "clock after the call" in ax.get_xlabel()
    assert ax.xaxis.get_major_formatter()(1e-6, 0) == "1.00 µs"


def test_repeated_runs_draw_numbers_and_estimates_side_by_side():
    est = [pk.Estimate(1e-5, 0.9e-5, 1.1e-5, "s")] * 3
    _, ax = plt.subplots()
    assert pk.plots.plot_repeated_runs({"timeit": [1e-5, 1.2e-5, 1.1e-5], "perfkit": est}, ax=ax, title="t") is ax
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["timeit (no interval)", "perfkit (95% interval)"] and ax.get_title() == "t"
    with pytest.raises(ValueError):
        pk.plots.plot_repeated_runs({})
