import math

import pytest

import perfkit as pk
from perfkit.engine.breakeven import break_even, break_even_curve
from perfkit.engine.stats import Estimate


def s(value, low=None, high=None):
    return Estimate(value, value if low is None else low, value if high is None else high, "s")


def test_break_even_is_build_over_saving_with_worst_case_interval():
    # build 1 µs (0.9-1.1), list 300 ns (280-320), set 100 ns (90-110): saving 200 ns (170-230)
    k = break_even(s(1e-6, 0.9e-6, 1.1e-6), s(300e-9, 280e-9, 320e-9), s(100e-9, 90e-9, 110e-9))
    assert k.value == pytest.approx(5.0)
    assert k.low == pytest.approx(0.9e-6 / 230e-9)
    assert k.high == pytest.approx(1.1e-6 / 170e-9)
    assert k.unit == "uses"
    assert k.low < k.value < k.high


def test_exact_estimates_give_a_point_interval():
    k = break_even(s(2e-6), s(5e-7), s(1e-7))
    assert (k.low, k.value, k.high) == pytest.approx((5.0, 5.0, 5.0))


def test_a_saving_whose_interval_reaches_zero_has_no_upper_bound():
    k = break_even(s(1e-6), s(120e-9, 90e-9, 150e-9), s(100e-9, 95e-9, 105e-9))
    assert k.value == pytest.approx(50.0)
    assert math.isinf(k.high)
    assert k.low == pytest.approx(1e-6 / 55e-9)


def test_no_saving_never_pays_off():
    k = break_even(s(1e-6), s(100e-9), s(100e-9))
    assert math.isinf(k.value) and math.isinf(k.high) and math.isinf(k.low)
    slower = break_even(s(1e-6), s(80e-9, 70e-9, 90e-9), s(100e-9, 95e-9, 105e-9))
    assert math.isinf(slower.value) and math.isinf(slower.high)


def test_curve_pairs_the_sizes_in_order():
    ks = break_even_curve([s(1e-6), s(1e-5)], [s(3e-7), s(2.1e-6)], [s(1e-7), s(1e-7)])
    assert [k.value for k in ks] == pytest.approx([5.0, 5.0])


def test_curve_rejects_lists_of_different_lengths():
    with pytest.raises(ValueError, match="same n"):
        break_even_curve([s(1e-6)], [s(3e-7), s(3e-7)], [s(1e-7), s(1e-7)])


@pytest.mark.parametrize("bad, error", [(1e-6, TypeError), (Estimate(2.0, 1.0, 3.0, "x"), ValueError)])
def test_bad_arguments_name_the_culprit(bad, error):
    with pytest.raises(error, match="build"):
        break_even(bad, s(3e-7), s(1e-7))


def test_public_names():
    assert pk.break_even is break_even
    assert pk.break_even_curve is break_even_curve


def test_plot_break_even_draws_log_log_with_open_bands():
    import matplotlib

    matplotlib.use("Agg")
    from perfkit.display.plots import plot_break_even

    curves = {"misses": [break_even(s(1e-6), s(3e-7, 2.5e-7, 3.5e-7), s(1e-7, 0.5e-7, 1.5e-7)),
                         break_even(s(1e-5), s(3e-6), s(1e-7))],
              "hits": [break_even(s(1e-6), s(1.2e-7, 0.9e-7, 1.5e-7), s(1e-7, 0.95e-7, 1.05e-7)),
                       break_even(s(1e-5), s(1.5e-6), s(1e-7))]}
    ax = plot_break_even([10, 100], curves, built="the set", instead="the list")
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["misses", "hits"]
    assert "uses" in ax.get_ylabel() and ax.get_title()
    low, high = ax.get_ylim()
    assert low < 1.9 and math.isfinite(high) and high > 50  # the infinite upper end is drawn to the top
    with pytest.raises(ValueError, match="hits"):
        plot_break_even([10, 100, 1000], {"hits": curves["hits"]}, built="b", instead="i")
