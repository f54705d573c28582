"""PeakReporter: the guidelines' tracemalloc decorator, alone and nested (tracemalloc counts are exact)."""

import tracemalloc

import pytest

from perfkit.lessons.peaks import PeakReporter


def build(n):
    return [bytes(100) for _ in range(n)]


def test_alone_it_reports_the_peak_that_pk_memory_sees():
    traced = PeakReporter()
    report = traced(build)
    assert report(1_000) == build(1_000) and report.__name__ == "build"
    assert traced.peaks["build"] > 1_000 * 100
    share = traced.share_of_peak(report, build, 1_000)
    assert share.unit == "%" and 90 < share.low <= share.value <= share.high < 110
    assert not tracemalloc.is_tracing()


def test_a_decorated_caller_of_a_decorated_function_reports_nothing():
    traced = PeakReporter()
    inner = traced(build)

    @traced
    def outer(n):
        return len(inner(n)) + len(build(n))  # more memory after the inner call: not seen either

    assert outer(1_000) == 2_000
    assert traced.peaks["build"] > 1_000 * 100 and traced.peaks["outer"] == 0
    share = traced.share_of_peak(outer, lambda n: len(build(n)) + len(build(n)), 1_000)
    assert share.value == share.low == share.high == 0.0
    assert not tracemalloc.is_tracing()


def test_it_asks_for_a_function_it_decorated_and_six_repeats():
    traced = PeakReporter()
    with pytest.raises(ValueError, match="recorded no peak"):
        traced.share_of_peak(build, build, 10)
    with pytest.raises(ValueError):
        traced.share_of_peak(traced(build), build, 10, repeats=3)
    with pytest.raises(TypeError):
        traced(42)
