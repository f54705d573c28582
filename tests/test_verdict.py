import json

import pytest

from perfkit import Estimate, Verdict
from perfkit.engine.verdict import judge


@pytest.mark.parametrize(
    "low, high, by, status",
    [(12, 15, 10, "holds"), (10, 15, 10, "holds"), (5, 9.9, 10, "refuted"), (8, 12, 10, "inconclusive"),
     (0.97, 1.03, 1, "inconclusive"), (1.01, 1.05, 1, "holds"), (0.5, 0.9, 1, "refuted")],
)
def test_the_rule(low, high, by, status):
    assert judge(Estimate((low + high) / 2, low, high, "x"), by) == status


def test_verdict_says_claim_and_measurement_in_words():
    v = Verdict("set", "list", "faster", 10, Estimate(2100, 2000, 2200, "x"))
    assert v.holds and v.status == "holds"
    text = str(v)
    assert text.startswith("holds: set is 2,100x faster than list (95%: 2,000x - 2,200x)")
    assert "at least 10.0x faster" in text
    assert "holds" in v._repr_html_()
    assert json.loads(json.dumps(v.to_dict()))["status"] == "holds"


def test_a_loser_is_described_as_slower():
    v = Verdict("gen", "list", "faster", 1, Estimate(0.5, 0.4, 0.625, "x"))
    assert v.status == "refuted"
    assert "gen is 2.00x slower than list (95%: 1.60x - 2.50x)" in str(v)


def test_memory_verdicts_speak_of_size():
    v = Verdict("slots", "plain", "smaller", 1.5, Estimate(1.6, 1.6, 1.6, "x"))
    assert "smaller" in str(v) and v.holds


@pytest.mark.parametrize("by", [0, -1, float("nan"), "10", True])
def test_bad_factor_is_refused(by):
    with pytest.raises(ValueError, match="by must be a number > 0"):
        Verdict("a", "b", "faster", by, Estimate(1, 1, 1, "x"))
