"""Tests for perfkit.engine.targets: a quantity judged against a target, on made-up intervals."""

import pytest

import perfkit as pk
from perfkit.engine.targets import TargetVerdict


def _p95(low, high):
    return pk.Estimate((low + high) / 2, low, high, "s")


@pytest.mark.parametrize("low, high, status", [(0.05, 0.09, "holds"), (0.11, 0.2, "refuted"),
                                               (0.08, 0.12, "inconclusive")])
def test_below_holds_only_when_the_whole_interval_is_under_the_target(low, high, status):
    assert TargetVerdict("p95 latency", "below", 0.1, _p95(low, high)).status == status


@pytest.mark.parametrize("low, high, status", [(510, 600, "holds"), (300, 490, "refuted"),
                                               (450, 550, "inconclusive")])
def test_above_is_the_mirror_image(low, high, status):
    v = TargetVerdict("throughput", "above", 500, pk.Estimate((low + high) / 2, low, high, "req/s"))
    assert v.status == status and v.holds == (status == "holds")


def test_words_html_and_round_trip(tmp_path):
    v = TargetVerdict("p95 latency", "below", 0.1, _p95(0.05, 0.09), claim="lab.p95")
    assert str(v) == ("holds: p95 latency is 70.0 ms (95%: 50.0 ms - 90.0 ms); "
                      "claimed: p95 latency is below 100 ms [lab.p95]")
    assert "holds" in v._repr_html_()
    again = pk.load(v.save(tmp_path / "v.json"))
    assert again == v and again.machine is not None


def test_bad_relation_or_target_is_refused():
    with pytest.raises(ValueError, match="relation"):
        TargetVerdict("p95 latency", "under", 0.1, _p95(0.05, 0.09))
    with pytest.raises(ValueError, match="below must be a finite number >= 0"):
        TargetVerdict("p95 latency", "below", -1, _p95(0.05, 0.09))
