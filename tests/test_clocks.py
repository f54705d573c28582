"""Clock readings (perfkit.lessons.clocks): steps, distinct values, and the readings' collection."""

import itertools
import math
import time

import numpy as np
import pytest

from perfkit.lessons.clocks import ClockReadings, clock_readings, float_step


def test_float_step_is_the_gap_to_the_next_float():
    assert float_step(1.0) == 2.0 ** -52
    assert float_step(1.7e9) == 2.0 ** -22  # time.time() near today's date: about 0.24 µs
    assert float_step(time.time()) >= 2.0 ** -22


def test_a_coarse_fake_clock_shows_its_step_and_few_distinct_values():
    ticks = itertools.count()
    coarse = lambda: next(ticks) // 3 * 0.5  # noqa: E731  advances 0.5 s every third reading
    r = clock_readings(lambda: None, {"coarse": coarse}, repeats=30)
    assert set(np.unique(r["coarse"])) <= {0.0, 0.5} and r.step("coarse") == 0.5
    assert r.distinct("coarse") == 2 and r.names == ["coarse"]


def test_real_clocks_give_positive_readings_of_a_real_call():
    r = clock_readings(lambda: sum(range(100)), {"time.time()": time.time, "time.perf_counter()": time.perf_counter},
                       repeats=200, label="sum")
    assert r["time.perf_counter()"].size == 200 and r.median("time.perf_counter()") > 0
    steps = r["time.time()"] / float_step(time.time())
    assert np.allclose(steps, np.round(steps))  # time.time() answers in whole float steps
    assert "200 readings" in str(r)


def test_a_clock_that_never_moves_has_no_step():
    r = ClockReadings({"stopped": np.zeros(5)})
    assert r.step("stopped") == math.inf and r.distinct("stopped") == 1
    with pytest.raises(KeyError, match="the clocks are"):
        r["other"]


@pytest.mark.parametrize("kwargs, error", [({"fn": 1, "clocks": {"t": time.time}}, TypeError),
                                           ({"fn": print, "clocks": {}}, ValueError),
                                           ({"fn": print, "clocks": {"t": 5}}, TypeError),
                                           ({"fn": print, "clocks": {"t": time.time}, "repeats": 1}, ValueError)])
def test_arguments_are_checked(kwargs, error):
    with pytest.raises(error):
        clock_readings(**kwargs)
