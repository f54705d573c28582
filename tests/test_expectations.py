"""Tests for perfkit.display.expectations: a line saying whether this run agrees with the text."""

import numpy as np
import pytest

import perfkit as pk
from perfkit import Estimate, Verdict
from perfkit.display.expectations import AGREES, DIFFERS, WHY, expectation
from perfkit.engine.results import MIME, saved_form


def _verdict(low: float, high: float, by: float = 10.0) -> Verdict:
    return Verdict("set", "list", "faster", by, Estimate((low + high) / 2, low, high, "x"), "sets.membership")


def test_a_run_that_agrees_says_so_with_what_was_measured():
    v = _verdict(20.0, 30.0)
    line = str(expectation(v.holds, "a set is at least 10x faster than a list", measured=v))
    assert line.startswith(f"{AGREES} a set is at least 10x faster than a list (measured: **holds**: ")
    assert v.measured in line and DIFFERS not in line


def test_a_run_that_differs_is_a_marked_note_not_an_error():
    v = _verdict(2.0, 4.0)
    e = expectation(v.holds, "a set is at least 10x faster than a list.", measured=v)
    first, second = str(e).splitlines()
    assert not e.agrees
    assert first.startswith(f"> **{DIFFERS}** it says a set is at least 10x faster than a list. Measured here: **refuted**")
    assert second == f"> {WHY}"
    assert e._repr_markdown_() == str(e)


def test_expect_shows_the_line_and_returns_nothing(capsys):
    assert pk.display.expect(False, "the deque is faster", measured="0.5x") is None
    out = capsys.readouterr().out
    assert DIFFERS in out and "Measured here: 0.5x." in out


def test_markup_in_results_is_escaped_and_the_callers_markdown_is_not():
    v = Verdict("x_in_set", "$list", "faster", 1.0, Estimate(2.0, 1.5, 2.5, "x"))
    line = str(expectation(True, "`x in s` is *faster*", measured=v))
    assert "`x in s` is *faster*" in line
    assert "x\\_in\\_set" in line and "\\$list" in line
    assert "`0.5x`" in str(expectation(True, "t", measured="`0.5x`"))  # a str is the caller's markdown


def test_a_mapping_labels_each_result_and_carries_them_all():
    v, w = _verdict(2.0, 4.0), _verdict(20.0, 30.0)
    e = expectation(False, "refuted at every k", measured={"k = 2": v, "k_4": w})
    assert e.measured.startswith(f"k = 2: **refuted**: {v.measured}; claimed: ")
    assert f"; k\\_4: **holds**: {w.measured}; claimed: " in e.measured  # a label is escaped
    assert e.results == (v, w)


def test_a_numpy_bool_is_a_condition_and_no_measured_shows_none():
    e = expectation(np.float64(2.0) > 1.0, "the slope is above 1")
    assert e.agrees is True and str(e) == f"{AGREES} the slope is above 1"


def test_a_single_result_carries_its_saved_form_several_a_summarys():
    v, w = _verdict(20.0, 30.0), _verdict(2.0, 4.0)
    assert expectation(True, "t", measured=v)._repr_mimebundle_() == {MIME: saved_form(v)}
    bundle = expectation(False, "t", measured=[v, Estimate(1.0, 0.9, 1.1, "x"), w])._repr_mimebundle_()[MIME]
    assert bundle["kind"] == "Summary" and bundle["results"] == [saved_form(v), saved_form(w)]
    assert expectation(True, "t", measured="text only")._repr_mimebundle_() == {}


@pytest.mark.parametrize("args, error, match", [
    ((_verdict(1, 2), "t"), TypeError, "^condition must be a bool .*got Verdict$"),
    (("yes", "t"), TypeError, "^condition must be a bool .*got str$"),
    ((np.array([True, False]), "t"), TypeError, "^condition must be a bool .*got ndarray$"),
    ((True, 3), TypeError, "^text must be a str .*got int$"),
    ((True, "  "), ValueError, "^text must say what the text above expects"),
    ((True, "t", True), TypeError, "^measured must be a result.*got bool$"),
    ((True, "t", np.True_), TypeError, "^measured must be a result.*got bool"),
    ((True, "t", []), ValueError, "^measured must not be an empty list"),
    ((True, "t", {}), ValueError, "^measured must not be an empty dict"),
])
def test_bad_arguments_are_refused_naming_the_argument(args, error, match):
    with pytest.raises(error, match=match):
        expectation(*args)
    with pytest.raises(error, match=match):
        pk.display.expect(*args)


def test_in_a_notebook_the_line_is_displayed_not_printed(monkeypatch, capsys):
    IPython = pytest.importorskip("IPython")
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", shown.append)
    pk.display.expect(True, "the deque is faster", measured=_verdict(20.0, 30.0))
    assert capsys.readouterr().out == ""
    assert len(shown) == 1 and shown[0].agrees and MIME in shown[0]._repr_mimebundle_()
