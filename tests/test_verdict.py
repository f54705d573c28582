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


@pytest.mark.parametrize("by, error", [(0, ValueError), (-1, ValueError), (float("nan"), ValueError),
                                       ("10", TypeError), (True, TypeError)])
def test_bad_factor_is_refused(by, error):
    with pytest.raises(error, match=r"by must be a number > 0 \(the claimed factor, e.g. by=10\), got "):
        Verdict("a", "b", "faster", by, Estimate(1, 1, 1, "x"))


def test_a_verdict_carries_the_claim_it_judges_and_takes_its_factor():
    from types import SimpleNamespace

    from perfkit.engine.verdict import claimed

    claim = SimpleNamespace(id="sets.membership", factor=10.0)
    assert claimed(None, claim) == (10.0, "sets.membership")
    assert claimed(3, claim) == (3.0, "sets.membership")  # an explicit factor wins
    assert claimed(None, None) == (1.0, None)
    with pytest.raises(ValueError, match="states no factor"):
        claimed(None, SimpleNamespace(id="x.y", factor=None))
    with pytest.raises(TypeError, match="claim must be a claim id"):
        claimed(None, 42)
    v = Verdict("set", "list", "faster", 10.0, Estimate(20.0, 18.0, 22.0, "x"), "sets.membership")
    assert v.claim == "sets.membership" and "[sets.membership]" in str(v)
    assert v.to_dict()["claim"] == "sets.membership"


def test_a_verdict_says_the_condition_it_was_measured_at_and_keeps_it_in_its_saved_form():
    from perfkit.engine.results import from_saved, saved_form

    v = Verdict("a", "b", "faster", 2.0, Estimate(3.0, 2.5, 3.5, "x")).at("n = 1,000")
    assert "a is 3.00x faster than b at n = 1,000 (95%" in str(v)
    assert from_saved(saved_form(v)) == v and from_saved(saved_form(v)).where == "n = 1,000"
    with pytest.raises(TypeError, match="where must be a str"):
        Verdict("a", "b", "faster", 2.0, Estimate(3.0, 2.5, 3.5, "x"), where=1000)


def test_an_interval_that_ends_at_zero_reads_as_infinitely_slower_instead_of_raising():
    # a throughput of 0 in one resample: the ratio's interval starts at 0
    v = Verdict("a", "b", "faster", 2.0, Estimate(0.5, 0.0, 0.8, "x"))
    assert str(v).startswith("refuted: a is 2.00x slower than b (95%: 1.25x - ∞x)")
    assert "∞x slower" in Verdict("a", "b", "faster", 2.0, Estimate(0.0, 0.0, 0.0, "x")).measured
