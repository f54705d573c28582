"""`python -m perfkit compare`: two made-up reports, what is reported between them and what is not."""

import json

import pytest

from perfkit.__main__ import main
from perfkit.engine.results import saved_form
from perfkit.engine.stats import Estimate
from perfkit.engine.targets import TargetVerdict
from perfkit.engine.verdict import Verdict
from perfkit.report.compare import ReportComparison, compare_reports, moved

MACHINE = {"python": "3.11.7", "implementation": "CPython", "build": "main, Jan 1 2024", "compiler": "GCC 12",
           "os": "Linux", "os_release": "6.1", "architecture": "x86_64", "cpu": "Test CPU", "cpus": 2,
           "load": [0.5, 0.4, 0.3], "perfkit": "0.2.0", "budget_scale": 1.0, "date": "2025-01-01T00:00:00+00:00"}


def verdict(low, value, high, subject="set", baseline="list", claim="sets.membership"):
    return {**saved_form(Verdict(subject, baseline, "faster", 10, Estimate(value, low, high, "x"), claim)),
            "cell": 3}


def target(low, value, high, claim="targets.get"):
    return saved_form(TargetVerdict("p95 latency", "below", 0.1, Estimate(value, low, high, "s"), claim))


def claim(claim_id, status, verdicts=(), reason=None):
    return {"id": claim_id, "topic": "t", "document": "d.md", "quote": "q", "notebook": "01-sets-vs-lists",
            "status": status, "reason": reason, "verdicts": list(verdicts)}


def report(claims, python="3.11.7", scale=1.0, **extra):
    return {"kind": "Report", "format": 1, "perfkit": "0.2.0", "machine": {**MACHINE, "python": python},
            "started": "2025-01-01T00:00:00+00:00", "seconds": 12.5, "budget_scale": scale,
            "notebooks": [], "claims": claims, **extra}


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def compared(tmp_path, a, b):
    return compare_reports(write(tmp_path / "a" / "results.json", a), write(tmp_path / "b" / "results.json", b))


def test_moved_means_the_intervals_do_not_overlap():
    assert moved(Estimate(10, 9, 11, "x"), Estimate(13, 12, 14, "x"))
    assert moved(Estimate(13, 12, 14, "x"), Estimate(10, 9, 11, "x"))
    assert not moved(Estimate(10, 9, 11, "x"), Estimate(11.5, 10.9, 12, "x"))  # overlap by a hair
    assert not moved(Estimate(10, 9, 11, "x"), Estimate(13, 12, 14, "s"))  # other units: not comparable
    assert not moved(Estimate(10, 9, float("nan"), "x"), Estimate(13, 12, 14, "x"))


def test_a_status_change_and_a_move_are_reported_with_how_far(tmp_path):
    a = report([claim("sets.membership", "holds", [verdict(18, 20, 22)])])
    b = report([claim("sets.membership", "inconclusive", [verdict(8, 9, 10.5)])])
    c = compared(tmp_path, a, b)
    assert [(x.claim, x.before, x.after) for x in c.changes] == [("sets.membership", "holds", "inconclusive")]
    assert c.changes[0].details == ("set faster than list: holds -> inconclusive",)
    assert len(c.moves) == 1 and c.moves[0].ratio == pytest.approx(9 / 20)
    text = str(c)
    assert "Claims whose verdict changed: 1" in text and "0.450x" in text
    assert "20.0x (18.0x - 22.0x)" in text and "9.00x (8.00x - 10.5x)" in text
    assert "covers its own run only" in text and "covers its own run only" in c.html()
    assert "Nothing changed" not in text


def test_overlapping_intervals_and_the_same_status_are_not_reported(tmp_path):
    a = report([claim("sets.membership", "holds", [verdict(18, 20, 22)]),
                claim("targets.get", "holds", [target(0.01, 0.012, 0.014)])])
    b = report([claim("sets.membership", "holds", [verdict(21, 23, 25)]),
                claim("targets.get", "holds", [target(0.013, 0.015, 0.017)])])
    c = compared(tmp_path, a, b)
    assert c.nothing_changed and not c.moves and not c.changes
    assert "Nothing changed: 2 claims and 2 verdicts compared" in str(c)
    assert "Nothing changed" in c.html()


def test_verdicts_are_matched_by_what_they_compare_not_by_position(tmp_path):
    first = [verdict(18, 20, 22), verdict(1.9, 2, 2.1, subject="dict", baseline="list")]
    a = report([claim("sets.membership", "holds", first)])
    b = report([claim("sets.membership", "holds", first[::-1])])
    assert compared(tmp_path, a, b).nothing_changed


def test_a_target_verdict_that_moved(tmp_path):
    a = report([claim("targets.get", "holds", [target(0.010, 0.012, 0.014)])])
    b = report([claim("targets.get", "holds", [target(0.030, 0.035, 0.040)])])
    (m,) = compared(tmp_path, a, b).moves
    assert m.label == "p95 latency below 100 ms" and m.ratio == pytest.approx(0.035 / 0.012)


def test_claims_and_verdicts_in_one_report_only(tmp_path):
    a = report([claim("sets.membership", "holds", [verdict(18, 20, 22)]),
                claim("gone.claim", "refuted", [verdict(1, 2, 3, claim="gone.claim")])])
    b = report([claim("sets.membership", "holds", [verdict(18, 20, 22), verdict(1, 2, 3, subject="tuple")]),
                claim("new.claim", "not yet", reason="needs a GPU")])
    only = {(o.side, o.claim, o.what) for o in compared(tmp_path, a, b).only}
    assert only == {("A", "gone.claim", "claim (refuted)"), ("B", "new.claim", "claim (not yet)"),
                    ("B", "sets.membership", "tuple faster than list")}


def test_a_claim_that_failed_names_the_reason(tmp_path):
    a = report([claim("sets.membership", "holds", [verdict(18, 20, 22)])])
    b = report([claim("sets.membership", "failed", reason="cell 4: KeyError: 'x'")])
    (change,) = compared(tmp_path, a, b).changes
    assert (change.before, change.after) == ("holds", "failed") and change.details == ("B: cell 4: KeyError: 'x'",)


def test_both_machines_are_described_and_the_differences_marked(tmp_path):
    c = compared(tmp_path, report([], python="3.11.7"), report([], python="3.13.0", scale=3.0))
    assert set(c.differing) == {"Python", "budget scale"}
    line = next(x for x in str(c).splitlines() if "Python" in x)
    assert line.lstrip().startswith("*") and "CPython 3.11.7" in line and "CPython 3.13.0" in line
    assert "2 of 9 fields differ" in str(c)


def test_html_is_a_page_with_everything_escaped(tmp_path):
    evil = "<script>alert(1)</script>"
    a = report([claim("sets.membership", "holds", [verdict(18, 20, 22, subject=evil)])])
    b = report([claim("sets.membership", "refuted", [verdict(1, 2, 3, subject=evil)]),
                claim(evil, "not yet", reason=evil)])
    page = compared(tmp_path, a, b).html()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Values that moved beyond their 95% intervals: 1" in page


def test_the_cli_prints_writes_html_and_takes_a_folder(tmp_path, capsys):
    a = write(tmp_path / "a" / "results.json", report([claim("x", "holds", [verdict(18, 20, 22, claim="x")])]))
    write(tmp_path / "b" / "results.json", report([claim("x", "refuted", [verdict(1, 2, 3, claim="x")])]))
    out = tmp_path / "compare.html"
    assert main(["compare", str(a), str(tmp_path / "b"), "--html", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Claims whose verdict changed: 1" in text and f"wrote {out}" in text
    assert "Claims whose verdict changed: 1" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("content, message", [
    (None, "no report at"),
    ("not json", "is not a perfkit report: it is not JSON"),
    (json.dumps({"kind": "Verdict", "format": 1}), "is not a perfkit report"),
    (json.dumps(report([], format=2)), "is in report format 2"),
    (json.dumps({"kind": "Report", "format": 1}), "not a valid perfkit report"),
])
def test_the_cli_refuses_what_is_not_a_report_with_exit_1(tmp_path, capsys, content, message):
    good = write(tmp_path / "good" / "results.json", report([]))
    bad = tmp_path / "bad" / "results.json"
    if content is not None:
        bad.parent.mkdir()
        bad.write_text(content, encoding="utf-8")
    assert main(["compare", str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("python -m perfkit compare: ") and message in err


def test_the_cli_needs_two_reports(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["compare", "only-one.json"])
    assert exit_.value.code == 2


def test_a_comparison_of_dicts_needs_no_files():
    a = report([claim("sets.membership", "holds", [verdict(18, 20, 22)])])
    assert ReportComparison(a, a).nothing_changed


def test_the_same_comparison_judged_twice_is_told_apart_by_order(tmp_path):
    a = report([claim("sets.membership", "mixed", [verdict(18, 20, 22), verdict(0.8, 0.9, 0.95)])])
    b = report([claim("sets.membership", "mixed", [verdict(0.8, 0.9, 0.95), verdict(18, 20, 22)])])
    c = compared(tmp_path, a, b)
    assert [m.label for m in c.moves] == ["set faster than list #1", "set faster than list #2"]
    assert c.changes[0].details == ("set faster than list #1: holds -> refuted", "set faster than list #2: refuted -> holds")
    lines = str(c).splitlines()
    first = next(i for i, x in enumerate(lines) if "#1: holds -> refuted" in x)
    assert "sets.membership" in lines[first] and lines[first + 1].strip() == "set faster than list #2: refuted -> holds"


def test_a_tiny_move_of_a_deterministic_value_shows_enough_figures(tmp_path):
    a = report([claim("sets.membership", "holds", [verdict(3.2609, 3.2609, 3.2609)])])
    b = report([claim("sets.membership", "holds", [verdict(3.2627, 3.2627, 3.2627)])])
    assert "1.0006x" in str(compared(tmp_path, a, b))


def test_verdicts_measured_at_named_conditions_are_matched_by_their_condition_not_their_order(tmp_path):
    def at(where, low, value, high):
        v = Verdict("set", "list", "faster", 10, Estimate(value, low, high, "x"), "sets.membership", where)
        return saved_form(v)

    a = report([claim("sets.membership", "mixed", [at("n = 10", 1, 2, 3), at("n = 1,000", 90, 100, 110)])])
    b = report([claim("sets.membership", "mixed", [at("n = 1,000", 95, 105, 115), at("n = 10", 1.5, 2.5, 3.5)])])
    c = compared(tmp_path, a, b)
    assert c.nothing_changed, str(c)
    b = report([claim("sets.membership", "mixed", [at("n = 1,000", 5, 6, 7), at("n = 10", 1.5, 2.5, 3.5)])])
    c = compared(tmp_path, a, b)
    assert [m.label for m in c.moves] == ["set faster than list at n = 1,000"], str(c)
