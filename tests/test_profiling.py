"""Tests of perfkit.engine.profiling: call and line profiles as data. Real timers are checked coarsely."""

from __future__ import annotations

import json
import linecache
import sys
import time

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import perfkit as pk  # noqa: E402
from perfkit.engine.errors import KernelError  # noqa: E402
from perfkit.engine.profiling import _call_name, _short_location  # noqa: E402


def helper(i: int) -> int:
    return i * 2


def calls_helper_37_times() -> int:
    return sum(helper(i) for i in range(37))


def sleeps_on_one_line(n: int = 200) -> int:
    total = 0
    for i in range(n):
        total += i
    time.sleep(0.05)
    return total


def sleepy_helper() -> None:
    time.sleep(0.02)


def calls_sleepy_helper() -> int:
    sleepy_helper()
    return 1


CELL_SOURCE = '''\
def cell_function(n):
    squares = [i * i for i in range(n)]
    time.sleep(0.03)
    return sum(squares)
'''


def function_from_cell(filename: str = "<ipython-input-7-0123abcd>", register: bool = True):
    """Define a function the way IPython does: compiled from a cell registered in linecache."""
    if register:
        linecache.cache[filename] = (len(CELL_SOURCE), None, CELL_SOURCE.splitlines(True), filename)
    namespace = {"time": time}
    exec(compile(CELL_SOURCE, filename, "exec"), namespace)
    return namespace["cell_function"]


class Boom(ValueError):
    pass


def raises() -> None:
    raise Boom("bad input")


def interrupted() -> None:
    raise KeyboardInterrupt


# --- profile_calls -----------------------------------------------------------------------------

def test_profile_calls_counts_calls_and_keeps_the_result():
    profile = pk.profile_calls(calls_helper_37_times)
    assert profile.result == sum(2 * i for i in range(37))
    row = next(r for r in profile.rows if r.name == "helper")
    assert row.calls == 37 and row.primitive_calls == 37
    assert row.location.endswith(f":{helper.__code__.co_firstlineno}")


def test_profile_calls_rows_sorted_by_cumulative_and_own_frames_excluded():
    profile = pk.profile_calls(sleeps_on_one_line, 100)
    cumulative = [r.cumulative_time for r in profile.rows]
    assert cumulative == sorted(cumulative, reverse=True)
    assert profile.rows[0].name == "sleeps_on_one_line"
    names = [r.name for r in profile.rows]
    assert "time.sleep" in names
    assert not any("_lsprof" in n or "disable" in n for n in names)
    assert profile.total_time >= 0.04


def test_profile_calls_keeps_all_rows_and_shows_top():
    profile = pk.profile_calls(calls_helper_37_times, top=2)
    assert len(profile.rows) > 2
    assert len(repr(profile).splitlines()) == 1 + 1 + 2  # heading, column names, 2 rows
    assert "more functions in .rows" in profile._repr_html_()


def test_profile_calls_passes_args_and_kwargs():
    profile = pk.profile_calls(lambda a, *, b: a + b, 2, b=3)
    assert profile.result == 5


def test_profile_calls_repr_html_plot_and_to_dict():
    profile = pk.profile_calls(calls_helper_37_times)
    assert "calls_helper_37_times" in repr(profile) and "helper" in repr(profile)
    page = profile._repr_html_()
    assert "<table" in page and "calls_helper_37_times" in page
    data = json.loads(json.dumps(profile.to_dict()))
    assert data["kind"] == "CallProfile"
    assert any(r["name"] == "helper" and r["calls"] == 37 for r in data["rows"])
    ax = profile.plot()
    assert ax.get_title() and "calls_helper_37_times" in ax.get_title()
    assert "(" in ax.get_xlabel()  # the unit


def test_profile_calls_rejects_non_callable_and_bad_top():
    with pytest.raises(TypeError, match="fn must be callable"):
        pk.profile_calls(42)
    with pytest.raises(ValueError, match="top must be an int >= 1, got 0"):
        pk.profile_calls(helper, 1, top=0)
    with pytest.raises(TypeError, match="top must be an int >= 1, got float 2.5"):
        pk.profile_calls(helper, 1, top=2.5)


def test_profile_calls_refuses_a_top_the_function_takes_too():
    def ranked(items, top=3):
        return sorted(items)[:top]

    with pytest.raises(TypeError, match=r"profile_calls\(fn, \.\.\., top=\.\.\.\) is ambiguous"):
        pk.profile_calls(ranked, [3, 1, 2], top=5)
    profile = pk.profile_calls(ranked, [3, 1, 2], kwargs={"top": 1}, top=5)
    assert profile.result == [1] and profile.top == 5


def test_profile_calls_wraps_errors_and_restores_the_previous_profile_function():
    def previous_hook(frame, event, arg):
        return None

    trace_before = sys.gettrace()
    sys.setprofile(previous_hook)
    try:
        with pytest.raises(KernelError) as caught:
            pk.profile_calls(raises)
        assert sys.getprofile() is previous_hook
    finally:
        sys.setprofile(None)
    assert isinstance(caught.value.__cause__, Boom)
    assert "raises" in str(caught.value) and "profiled" in str(caught.value)
    assert sys.gettrace() is trace_before


def test_profile_calls_lets_keyboard_interrupt_through_and_stops_profiling():
    with pytest.raises(KeyboardInterrupt):
        pk.profile_calls(interrupted)
    assert sys.getprofile() is None


def test_profile_calls_on_a_cell_function_shows_a_short_location():
    profile = pk.profile_calls(function_from_cell(), 10)
    row = next(r for r in profile.rows if r.name == "cell_function")
    assert row.location == "In[7]:1"


# --- profile_lines -----------------------------------------------------------------------------

def test_profile_lines_finds_the_sleeping_line():
    profile = pk.profile_lines(sleeps_on_one_line, 200)
    assert profile.result == sum(range(200))
    hot = profile.hottest
    assert hot.source.strip() == "time.sleep(0.05)"
    assert hot.line == sleeps_on_one_line.__code__.co_firstlineno + 4
    assert hot.share > 0.8 and hot.hits == 1
    assert hot.time >= 0.04
    loop_line = next(r for r in profile.main.rows if r.source.strip() == "total += i")
    assert loop_line.hits == 200
    assert abs(sum(r.share for r in profile.main.rows) - 1) < 1e-9


def test_profile_lines_reads_source_of_a_cell_registered_in_linecache():
    profile = pk.profile_lines(function_from_cell(), 50)
    assert profile.result == sum(i * i for i in range(50))
    assert profile.main.source_available and profile.main.location == "In[7]:1"
    sources = {r.line: r.source.strip() for r in profile.main.rows}
    assert sources[3] == "time.sleep(0.03)"
    assert profile.hottest.line == 3
    assert "time.sleep(0.03)" in repr(profile)


def test_profile_lines_without_source_still_gives_line_numbers():
    cell = function_from_cell("<cell-that-linecache-never-saw>", register=False)
    profile = pk.profile_lines(cell, 5)
    assert not profile.main.source_available
    assert [r.line for r in profile.main.rows] == [2, 3, 4]
    assert profile.hottest.line == 3 and profile.hottest.source is None
    assert "source unavailable" in repr(profile)


def test_profile_lines_profiles_extra_functions():
    profile = pk.profile_lines(calls_sleepy_helper, functions=[sleepy_helper])
    assert [f.name for f in profile.functions] == ["calls_sleepy_helper", "sleepy_helper"]
    assert profile.hottest.source.strip() == "sleepy_helper()"
    helper_rows = profile.functions[1].rows
    assert helper_rows and helper_rows[0].source.strip() == "time.sleep(0.02)"


def test_profile_lines_repr_html_plot_and_to_dict():
    profile = pk.profile_lines(sleeps_on_one_line, 10)
    assert "sleeps_on_one_line" in repr(profile)
    page = profile._repr_html_()
    assert "sleeps_on_one_line" in page and "time.sleep(0.05)" in page
    data = json.loads(json.dumps(profile.to_dict()))
    assert data["functions"][0]["name"] == "sleeps_on_one_line"
    ax = profile.plot()
    assert "sleeps_on_one_line" in ax.get_title()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].startswith(f"L{profile.hottest.line}: time.sleep")  # hottest on top
    assert "(" in ax.get_xlabel()


def test_profile_lines_wraps_errors_and_stops_tracing():
    trace_before = sys.gettrace()
    with pytest.raises(KernelError) as caught:
        pk.profile_lines(raises)
    assert isinstance(caught.value.__cause__, Boom)
    assert sys.gettrace() is trace_before
    with pytest.raises(KeyboardInterrupt):
        pk.profile_lines(interrupted)
    assert sys.gettrace() is trace_before


def test_profile_lines_restores_a_previous_trace_function():
    def previous_tracer(frame, event, arg):
        return None

    trace_before = sys.gettrace()
    sys.settrace(previous_tracer)
    try:
        with pytest.raises(KernelError):
            pk.profile_lines(raises)
        assert sys.gettrace() is previous_tracer
    finally:
        sys.settrace(trace_before)


def test_profile_lines_rejects_non_callables():
    with pytest.raises(TypeError, match="fn"):
        pk.profile_lines("not a function")
    with pytest.raises(TypeError, match=r"functions\[1\]"):
        pk.profile_lines(helper, 1, functions=[helper, 3])
    with pytest.raises(TypeError, match="not a Python function"):
        pk.profile_lines(len, [])


# --- async -------------------------------------------------------------------------------------

async def async_sleeper() -> str:
    import asyncio

    await asyncio.sleep(0.03)
    return "done"


def test_async_functions_are_awaited_and_profiled():
    calls = pk.profile_calls(async_sleeper)
    assert calls.result == "done"
    assert calls.rows and any(r.name == "async_sleeper" for r in calls.rows)
    lines = pk.profile_lines(async_sleeper)
    assert lines.result == "done"
    assert lines.hottest.source.strip() == "await asyncio.sleep(0.03)"
    assert sys.getprofile() is None


# --- helpers -----------------------------------------------------------------------------------

def test_call_names_and_locations_are_short():
    assert _call_name("<built-in method time.sleep>") == "time.sleep"
    assert _call_name("<method 'append' of 'list' objects>") == "list.append"
    assert _short_location("~", 0) == "built-in"
    assert _short_location("/tmp/ipykernel_4242/1234567.py", 5) == "<cell>:5"
    assert _short_location("/x/lib/python3.11/site-packages/numpy/core/a.py", 9) == "numpy/core/a.py:9"
    assert _short_location(json.__file__, 3) == "json/__init__.py:3"


def test_profile_lines_refuses_functions_the_profiled_function_takes_too():
    def takes_anything(**options):
        return options

    with pytest.raises(TypeError, match=r"profile_lines\(fn, \.\.\., functions=\.\.\.\) is ambiguous"):
        pk.profile_lines(takes_anything, functions=[sleepy_helper])
