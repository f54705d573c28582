"""Statistics on made-up samples: intervals must cover the truth, A/A must come out even."""

import math

import numpy as np
import pytest

from perfkit.engine.stats import Estimate, median_estimate, paired_ratio, slope_estimate


def test_paired_ratio_interval_covers_the_true_ratio_in_most_runs():
    covered = 0
    for seed in range(200):
        rng = np.random.default_rng(seed)
        drift = rng.lognormal(0, 0.3, 30)  # whole rounds slowed together, as on a busy machine
        slow = 3.0 * drift * rng.lognormal(0, 0.05, 30)
        fast = 1.0 * drift * rng.lognormal(0, 0.05, 30)
        covered += paired_ratio(slow, fast).contains(3.0)
    assert covered >= 180  # nominal 95%: 190 of 200


def test_pairing_cancels_drift_that_hits_a_whole_round():
    rng = np.random.default_rng(7)
    drift = rng.lognormal(0, 0.5, 40)
    e = paired_ratio(2.0 * drift, drift * rng.lognormal(0, 0.01, 40))
    assert e.relative_half_width < 0.02
    assert e.contains(2.0)


def test_a_a_pairs_are_rarely_called_different():
    different = 0
    for seed in range(200):
        rng = np.random.default_rng(1000 + seed)
        a, b = rng.lognormal(0, 0.1, 25), rng.lognormal(0, 0.1, 25)
        different += not paired_ratio(a, b).contains(1.0)
    assert different <= 20  # nominal 5%: 10 of 200


def test_median_estimate_brackets_the_sample_median():
    rng = np.random.default_rng(3)
    samples = rng.normal(1e-6, 1e-8, 50)
    e = median_estimate(samples)
    assert e.low <= np.median(samples) <= e.high
    assert e.unit == "s"
    assert e.low < e.high


def test_single_sample_gives_a_point_interval():
    e = median_estimate(np.array([2.0]))
    assert (e.value, e.low, e.high) == (2.0, 2.0, 2.0)


@pytest.mark.parametrize("power", [1.0, 2.0])
def test_slope_estimate_recovers_the_exponent(power):
    rng = np.random.default_rng(5)
    n = np.array([10, 100, 1000, 10000])
    samples = [1e-8 * size**power * rng.lognormal(0, 0.05, 20) for size in n]
    e = slope_estimate(n, samples)
    assert e.contains(power)
    assert abs(e.value - power) < 0.05


def test_ratio_rejects_mismatched_or_nonpositive_samples():
    with pytest.raises(ValueError, match="one length"):
        paired_ratio(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="positive"):
        paired_ratio(np.array([1.0, 0.0]), np.ones(2))


def test_estimate_formats_by_unit():
    assert str(Estimate(2.5e-8, 2.4e-8, 2.6e-8, "s")) == "25.0 ns (95%: 24.0 ns - 26.0 ns)"
    assert str(Estimate(2134.0, 2000.0, 2200.0, "x")).startswith("2,134x")
    assert Estimate(100.0, 98.0, 102.0).relative_half_width == pytest.approx(0.02)
    assert math.isinf(Estimate(0.0, -1.0, 1.0).relative_half_width)


def test_slope_interval_widens_when_the_points_are_not_on_a_line():
    rng = np.random.default_rng(9)
    n = np.array([10, 100, 1000, 10000])
    curved = [(50e-9 + 0.5e-9 * size) * rng.lognormal(0, 0.01, 30) for size in n]  # overhead, then linear
    e = slope_estimate(n, curved)
    assert e.high - e.low > 0.1
    assert e.low < e.value < e.high


@pytest.mark.parametrize("n", [10, 30, 200])
def test_ratio_interval_keeps_its_95_percent_promise_for_few_and_many_rounds(n):
    missed = 0
    for seed in range(300):
        rng = np.random.default_rng(seed)
        missed += not paired_ratio(rng.lognormal(0, 0.05, n), rng.lognormal(0, 0.05, n), seed=seed).contains(1.0)
    assert missed <= 0.08 * 300  # nominal 5%; a percentile bootstrap alone missed 10% at n=10


def test_ratio_interval_never_narrower_than_the_systematic_floor():
    e = paired_ratio(np.full(50, 2.0), np.full(50, 1.0))
    assert e.value == pytest.approx(2.0)
    assert e.relative_half_width == pytest.approx(0.01, rel=0.05)
