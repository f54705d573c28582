"""Tests for perfkit.display.summaries: a markdown summary built from the results' own strings."""

import pytest

import perfkit as pk
from perfkit import Estimate, Verdict


def _verdict(low: float, high: float, by: float = 2.0, claim: str | None = None) -> Verdict:
    return Verdict("set", "list", "faster", by, Estimate((low + high) / 2, low, high, "x"), claim)


def test_a_verdict_line_uses_its_own_status_measured_and_claim():
    v = _verdict(3.0, 5.0, claim="sets.membership")
    text = str(pk.display.summary([("At 10,000 items", v)]))
    claimed = v.claim_text.replace("[", "\\[").replace("]", "\\]")
    assert text == f"- **At 10,000 items**: **holds**: {v.measured}; claimed: {claimed}"
    assert text.endswith("\\[sets.membership\\]")  # brackets escaped, so markdown shows them


def test_an_estimate_is_shown_by_its_own_string_and_markup_is_escaped():
    e = Estimate(0.002, 0.0019, 0.0021, "s")
    s = pk.display.summary({"Build": e, "Names": Estimate(2.0, 1.5, 2.5, "x"), "Raw": "`code` *as written*"})
    lines = str(s).splitlines()
    assert lines[0] == f"- **Build**: {e}"
    assert lines[2] == "- **Raw**: `code` *as written*"  # a str is the caller's markdown
    assert "\\*" not in lines[2]
    assert s._repr_markdown_() == str(s)


def test_special_characters_from_results_are_escaped():
    v = Verdict("x_in_set", "$list", "faster", 1.0, Estimate(2.0, 1.5, 2.5, "x"))
    text = str(pk.display.summary([("", v)]))
    assert text.startswith("- **holds**: x\\_in\\_set") and "\\$list" in text


def test_a_list_of_results_is_joined_and_intro_goes_first():
    a, b = _verdict(3.0, 5.0), _verdict(0.5, 1.0)
    text = str(pk.display.summary([("Both", [a, b])], intro="Every number comes from this run."))
    first, blank, line = text.splitlines()
    assert first == "Every number comes from this run." and blank == ""
    assert "**holds**" in line and "**refuted**" in line and "; " in line


@pytest.mark.parametrize("items, error, match", [
    ([], ValueError, "at least one"),
    ([("label",)], TypeError, "items\\[0\\] must be a \\(label, result\\) pair"),
    ([(3, "x")], TypeError, "str label"),
    ([("empty", [])], ValueError, "empty list"),
])
def test_bad_items_are_refused_with_the_rule(items, error, match):
    with pytest.raises(error, match=match):
        pk.display.summary(items)


def test_intro_must_be_text():
    with pytest.raises(TypeError, match="intro must be"):
        pk.display.summary([("a", "b")], intro=3)
