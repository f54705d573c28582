"""RangeVerdict: a figure or a count against a claimed range, judged on made-up intervals."""

import json
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

import perfkit as pk
from perfkit import Estimate
from perfkit.engine.ranges import RangeVerdict, spread, wilson
from perfkit.engine.results import from_saved, saved_form


def _share(low, high):
    return Estimate((low + high) / 2, low, high, "%")


@pytest.mark.parametrize("low, high, status", [
    (85, 95, "holds"), (80, 95, "holds"),   # the claimed end itself is inside the range
    (60, 75, "refuted"), (75, 85, "inconclusive")])
def test_at_least_holds_only_when_the_whole_interval_reaches_it(low, high, status):
    assert RangeVerdict("hit ratio", _share(low, high), at_least=80).status == status


@pytest.mark.parametrize("low, high, status", [
    (72, 88, "holds"), (70, 90, "holds"), (50, 65, "refuted"), (91, 99, "refuted"),
    (65, 75, "inconclusive"), (85, 95, "inconclusive"), (60, 95, "inconclusive")])
def test_a_range_holds_inside_is_refuted_outside_and_inconclusive_across_an_end(low, high, status):
    assert RangeVerdict("bytes saved", _share(low, high), at_least=70, at_most=90).status == status


def test_an_exact_count_at_the_claimed_end_holds_and_one_beside_it_is_refuted():
    none_stale = RangeVerdict.counted("stale reads after an update", 0, 20, at_most=0)
    assert none_stale.status == "holds" and none_stale.estimate == Estimate(0.0, 0.0, 0.0, "%")
    one_stale = RangeVerdict.counted("stale reads after an update", 1, 20, at_most=0)
    assert one_stale.status == "refuted" and one_stale.estimate.value == 5.0
    assert "1 of 20 (5.00 %), counted: no spread" in one_stale.measured


def test_a_sampled_count_has_a_wilson_interval_and_can_be_inconclusive():
    low, high = wilson(0, 20)
    assert low == 0.0 and 0.16 < high < 0.17  # the textbook value: 0.161
    low, high = wilson(10, 20)
    assert math.isclose((low + high) / 2, 0.5) and 0.29 < low < 0.30
    v = RangeVerdict.counted("repeat calls answered", 20, 20, at_least=100, sampled=True)
    assert v.estimate.value == 100 and v.estimate.low < 100 and v.status == "inconclusive"
    assert RangeVerdict.counted("repeat calls answered", 0, 20, at_least=100, sampled=True).status == "refuted"


def test_the_one_line_says_what_was_measured_and_what_was_claimed_with_its_id():
    v = RangeVerdict.counted("repeat calls answered from the cache", 0, 20, at_least=100,
                             claim="caching.async-lru-coroutine")
    assert str(v) == ("refuted: repeat calls answered from the cache: 0 of 20 (0 %), counted: no spread; "
                      "claimed: repeat calls answered from the cache is at least 100 % "
                      "[caching.async-lru-coroutine]")
    assert RangeVerdict("x", _share(1, 2), at_least=70, at_most=90).claimed_range == "between 70.0 % and 90.0 %"
    assert RangeVerdict("x", _share(1, 2), at_least=5, at_most=5).claimed_range == "exactly 5.00 %"
    assert RangeVerdict("x", _share(1, 2), at_most=0).claimed_range == "at most 0 %"
    assert "holds" in v.__class__("x", _share(1, 2), at_most=3)._repr_html_()


def test_a_claim_from_the_catalog_is_kept_as_its_id():
    v = RangeVerdict("x", _share(1, 2), at_least=0, claim=pk.claims["caching.invalidation"])
    assert v.claim == "caching.invalidation"


def test_a_nan_figure_is_inconclusive():
    assert RangeVerdict("x", Estimate(math.nan, math.nan, math.nan, "%"), at_least=1).status == "inconclusive"


@pytest.mark.parametrize("kwargs, error", [
    (dict(), ValueError), (dict(at_least=90, at_most=80), ValueError),
    (dict(at_least=math.inf), ValueError), (dict(at_most="5"), ValueError)])
def test_a_range_needs_finite_ordered_ends(kwargs, error):
    with pytest.raises(error):
        RangeVerdict("x", _share(1, 2), **kwargs)


@pytest.mark.parametrize("k, n, error", [(3, 2, ValueError), (0, 0, ValueError), (-1, 5, ValueError),
                                         (1.0, 5, TypeError), (True, 5, TypeError)])
def test_a_count_needs_0_le_k_le_n(k, n, error):
    with pytest.raises(error):
        RangeVerdict.counted("x", k, n, at_least=1)


def test_spread_is_the_median_with_the_range_of_at_least_six_repeats():
    assert spread([5, 1, 4, 2, 3, 9], "x") == Estimate(3.5, 1.0, 9.0, "x")
    assert spread([3, 1, 2, 7, 5, 4, 6]) == Estimate(4.0, 1.0, 7.0, "")
    with pytest.raises(ValueError, match="at least 6"):
        spread([1, 2, 3])


def test_the_saved_form_carries_status_claim_and_count_and_loads_back(tmp_path):
    v = RangeVerdict.counted("stale reads", 0, 20, at_most=0, claim="caching.invalidation")
    carried = json.loads(json.dumps(saved_form(v), allow_nan=False))
    assert carried["kind"] == "RangeVerdict" and carried["status"] == "holds"
    assert carried["claim"] == "caching.invalidation" and carried["count"] == [0, 20]
    assert from_saved(carried) == v
    one_sided = RangeVerdict("hit ratio", _share(60, 70), at_least=80)
    assert pk.load(one_sided.save(tmp_path / "v.json")) == one_sided


def test_the_chart_shades_the_claimed_range_and_is_titled_by_the_status():
    ax = RangeVerdict("hit ratio", _share(60, 70), at_least=80, claim="caching.hit-ratio-80").plot()
    assert ax.get_title().startswith("refuted:") and "hit ratio" in ax.get_xlabel()
    lo, hi = ax.get_xlim()
    assert lo < 60 and hi > 80
    plt.close("all")
