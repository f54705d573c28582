"""The chart rules every perfkit plot follows: titles, labelled axes with units, log axes where
values span decades, intervals drawn, the caller's Axes reused, and no global style change."""

import math

import numpy as np
import pytest

import perfkit as pk
from perfkit.engine.timeline import MemoryTimeline


@pytest.fixture(scope="module")
def plt():
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


@pytest.fixture(autouse=True)
def _close_figures():
    """Every test's figures closed after it, those of tests without the `plt` fixture too."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="module")
def far_apart():
    """Two kernels about 10,000x apart: the time axis must be logarithmic."""
    return pk.compare({"short": lambda: sum(range(10)), "long": lambda: sum(range(100_000))},
                      check=False, budget=0.2)


@pytest.fixture(scope="module")
def alike():
    return pk.compare({"a": lambda: sum(range(1_000)), "b": lambda: sum(range(1_000))}, budget=0.1)


def _tick_texts(axis) -> list[str]:
    axis.figure.canvas.draw()
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]


def test_drawing_leaves_the_global_matplotlib_style_alone(plt, far_apart):
    before = dict(plt.rcParams)
    far_apart.plot()
    after = dict(plt.rcParams)
    changed = {k for k in before if before[k] != after[k] and not (
        isinstance(before[k], float) and np.isnan(before[k]))}
    assert not changed


def test_a_given_axes_is_drawn_on_and_returned(plt, alike):
    fig, (left, right) = plt.subplots(1, 2)
    assert alike.plot(ax=right) is right
    assert right.patches and not left.patches


def test_comparison_bars_carry_interval_whiskers_and_time_units(far_apart):
    ax = far_apart.plot()
    assert ax.get_title() and "95% interval" in ax.get_xlabel()
    whiskers = [c for c in ax.containers if getattr(c, "errorbar", None) is not None]
    assert whiskers, "bars without their intervals"
    assert any(unit in text for text in _tick_texts(ax.xaxis) for unit in ("ns", "µs", "ms"))
    assert ax.get_xscale() == "log" and "log scale" in ax.get_xlabel()
    annotations = [t.get_text().strip() for t in ax.texts]
    assert "fastest" in annotations and any(a.endswith("slower") for a in annotations)


def test_close_times_stay_on_a_linear_axis(alike):
    ax = alike.plot()
    assert ax.get_xscale() == "linear" and "log" not in ax.get_xlabel()


def test_sweep_is_log_log_with_one_band_per_kernel_and_the_complexity_in_the_legend():
    s = pk.sweep({"sum": lambda xs: sum(xs), "len": lambda xs: len(xs)}, setup=lambda n: list(range(n)),
                 n=[10, 100, 1_000, 10_000], budget=0.4, check=False, progress=False)
    ax = s.plot()
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "n" in ax.get_xlabel() and "time" in ax.get_ylabel()
    assert len(ax.collections) == 2  # a 95% band per kernel
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(label.startswith("sum (O(") for label in legend), legend
    relative = s.plot(relative_to="len")
    assert "relative to len" in relative.get_title()
    assert any(list(line.get_ydata()) == [1.0, 1.0] for line in relative.get_lines())  # the 1x line


def test_memory_timeline_draws_rss_above_start_and_the_tracemalloc_peak_dashed():
    timeline = MemoryTimeline("spike", times=np.array([0.0, 0.1, 0.2]),
                              rss_bytes=np.array([100.0, 100.0 + 8 * 2**20, 100.0]), tracemalloc_peak=8 * 2**20)
    ax = timeline.plot()
    rss, peak = ax.get_lines()
    assert list(rss.get_ydata()) == [0.0, 8 * 2**20, 0.0]
    assert peak.get_linestyle() == "--" and list(peak.get_ydata()) == [8 * 2**20] * 2
    assert "MiB" in " ".join(_tick_texts(ax.yaxis))
    assert "(s)" in ax.get_xlabel()


def test_bytes_axis_ticks_sit_on_round_binary_sizes(plt):
    from perfkit.display.plots import bytes_axis

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 30 * 2**20])
    bytes_axis(ax.yaxis)
    ticks = [v for v in ax.get_yticks() if 0 < v <= 30 * 2**20]
    assert ticks and all((v / 2**20) == int(v / 2**20) for v in ticks), ticks


@pytest.mark.parametrize("high", [64 * 2**10, 3 * 2**20, 100 * 2**20, 10 * 2**30])
def test_a_log_bytes_axis_keeps_to_a_few_ticks_however_many_powers_of_1024_it_spans(plt, high):
    from perfkit.display.plots import bytes_axis

    fig, ax = plt.subplots(figsize=(3, 3))
    ax.set_yscale("log")
    ax.plot([0, 1], [1000, high])
    bytes_axis(ax.yaxis, log=True)
    fig.canvas.draw()
    low_view, high_view = ax.get_ylim()
    shown = [v for v in ax.get_yticks() if low_view <= v <= high_view]
    assert 2 <= len(shown) <= 8, [format(v, ".3g") for v in shown]
    assert all(math.log(v, 2) == int(math.log(v, 2)) for v in shown), shown  # powers of two: 1 KiB, 4 KiB, 32 MiB
