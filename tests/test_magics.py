"""Tests of perfkit.display.magics in a real IPython shell: %pk_bench, %pk_memory and %pk_lines."""

from __future__ import annotations

import sys
import tracemalloc

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from traitlets.config import Config

import perfkit as pk
from perfkit.engine.memory import MemoryUse
from perfkit.engine.lineprofile import LineProfile
from perfkit.engine.timing import Timing

DEFINITIONS = '''
import asyncio, time

def sleepy(seconds):
    time.sleep(seconds)
    return seconds

def helper(n):
    return sum(range(n))

def busy(n):
    total = 0
    time.sleep(0.02)
    for i in range(n):
        total += helper(i % 10)
    return total

def fails():
    raise ValueError("broken on purpose")

delay = 0.002
'''


@pytest.fixture(scope="module")
def shell(tmp_path_factory):
    monkey = pytest.MonkeyPatch()
    monkey.setenv("IPYTHONDIR", str(tmp_path_factory.mktemp("ipython")))
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    InteractiveShell.clear_instance()
    ip = InteractiveShell.instance(config=config)
    ip.run_cell("%load_ext perfkit", store_history=True).raise_error()
    ip.run_cell(DEFINITIONS, store_history=True).raise_error()
    yield ip
    InteractiveShell.clear_instance()
    monkey.undo()


def run(shell, cell):
    """Run `cell` as a notebook would; return (value shown as Out, display() outputs, stdout)."""
    with capture_output() as captured:
        result = shell.run_cell(cell, store_history=True)
    result.raise_error()
    return result.result, captured.outputs, captured.stdout


# --- what each magic measures and returns --------------------------------------------------------

def test_pk_bench_times_the_statement_in_the_user_namespace(shell):
    timing = shell.run_line_magic("pk_bench", "-b 0.1 sleepy(delay)")
    assert isinstance(timing, Timing)
    assert timing.name == "sleepy(delay)"
    assert 0.0015 < timing.per_call.value < 0.05  # delay is 2 ms, read from the namespace
    assert timing.per_call.low <= timing.per_call.value <= timing.per_call.high
    assert timing.rounds >= 3


def test_pk_bench_budget_option_bounds_the_time_spent(shell):
    quick = shell.run_line_magic("pk_bench", "-b 0.05 helper(10)")
    assert quick.elapsed < 1.0


def test_pk_bench_awaits_a_statement_that_awaits(shell):
    timing = shell.run_line_magic("pk_bench", "-b 0.1 await asyncio.sleep(0.002)")
    assert timing.is_async
    assert 0.0015 < timing.per_call.value < 0.05


def test_pk_memory_reports_peak_and_retained_bytes_of_the_statement(shell):
    kept = shell.run_line_magic("pk_memory", "[0] * 100_000")
    assert isinstance(kept, MemoryUse)
    assert kept.result == [0] * 100_000  # the expression's value is returned ...
    assert kept.peak_bytes >= 800_000
    assert kept.retained_bytes >= 800_000  # ... and so still held when measured

    dropped = shell.run_line_magic("pk_memory", "big = [0] * 100_000; n = len(big)")
    assert dropped.peak_bytes >= 800_000
    assert dropped.retained_bytes < 100_000  # names assigned in the statement stay local
    assert "big" not in shell.user_ns
    assert not tracemalloc.is_tracing()


def test_pk_lines_profiles_the_named_function_while_the_statement_runs(shell):
    profile = shell.run_line_magic("pk_lines", "-f busy busy(500) + 1")
    assert isinstance(profile, LineProfile)
    assert profile.function == "busy"
    assert [f.name for f in profile.functions] == ["busy"]  # not the statement's wrapper
    assert profile.result == sum(sum(range(i % 10)) for i in range(500)) + 1
    assert profile.hottest.source.strip() == "time.sleep(0.02)"
    hits = {r.source.strip(): r.hits for r in profile.main.rows}
    assert hits["total += helper(i % 10)"] == 500


def test_pk_lines_takes_several_functions(shell):
    profile = shell.run_line_magic("pk_lines", "-f busy -f helper busy(50)")
    assert [f.name for f in profile.functions] == ["busy", "helper"]
    assert sum(r.hits for r in profile.functions[1].rows if "return" in r.source) == 50


def test_cell_mode_runs_the_cell_body(shell):
    timing = shell.run_cell_magic("pk_bench", "-b 0.05", "x = helper(10)\nx + 1\n")
    assert timing.name == "x = helper(10); x + 1"
    memory = shell.run_cell_magic("pk_memory", "", "data = [0] * 50_000\ndata\n")
    assert memory.result == [0] * 50_000


# --- shown once, and returned ------------------------------------------------------------------

def test_the_value_of_a_cell_is_shown_by_ipython_once(shell):
    value, displayed, stdout = run(shell, "%pk_bench -b 0.05 helper(10)")
    assert isinstance(value, Timing)
    assert displayed == []  # IPython shows it as Out[...]; the magic does not show it again
    assert "Out[" in stdout and "helper(10)" in stdout


def test_an_assigned_result_is_displayed_by_the_magic_and_kept(shell):
    value, displayed, stdout = run(shell, "t = %pk_memory [0] * 10_000")
    assert value is None and "Out[" not in stdout
    assert len(displayed) == 1
    assert "peak" in displayed[0].data["text/plain"]
    assert isinstance(shell.user_ns["t"], MemoryUse)
    assert shell.user_ns["t"].peak_bytes >= 80_000


def test_magics_inside_a_loop_each_display(shell):
    value, displayed, _ = run(shell, "for k in (10, 20):\n    %pk_lines -f helper helper(k)")
    assert value is None
    assert len(displayed) == 2
    assert all("LineProfile of helper" in d.data["text/plain"] for d in displayed)


# --- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("magic, line, message", [
    ("pk_lines", "-f nope busy(3)", r"-f nope: NameError: name 'nope' is not defined"),
    ("pk_lines", "-f delay busy(3)", r"-f delay: not a function, got float"),
    ("pk_lines", "-f len len('abc')", r"cannot profile len line by line"),
    ("pk_lines", "busy(3)", r"needs -f FUNCTION"),
    ("pk_bench", "", r"%pk_bench needs a statement"),
    ("pk_memory", "   ", r"%pk_memory needs a statement"),
    ("pk_lines", "-f busy", r"%pk_lines needs a statement"),
    ("pk_bench", "helper(3", r"not valid Python: '\(' was never closed in 'helper\(3'"),
    ("pk_memory", "x = = 1", r"%pk_memory: the statement is not valid Python"),
    ("pk_bench", "break", r"cannot run as a function body: 'break' outside loop"),
    ("pk_bench", "-b soon helper(3)", r"-b needs a number of seconds > 0 .* got 'soon'"),
    ("pk_bench", "-b -1 helper(3)", r"-b needs a number of seconds > 0"),
    ("pk_bench", "-b 1e9 helper(3)", r"-b needs a number of seconds > 0 and at most 86,400 \(a day\)"),
    ("pk_bench", "yield 1", r"%pk_bench: the statement yields, which would make it a generator"),
    ("pk_memory", "x = yield from range(3)", r"%pk_memory: the statement yields.*list\(gen\(data\)\)"),
    ("pk_bench", "-z helper(3)", r"%pk_bench: option -z not recognized"),
])
def test_bad_input_raises_a_usage_error_naming_the_problem(shell, magic, line, message):
    with pytest.raises(UsageError, match=message):
        shell.run_line_magic(magic, line)


def test_cell_mode_with_a_statement_on_the_first_line_is_a_usage_error(shell):
    with pytest.raises(UsageError, match="first line holds only options"):
        shell.run_cell_magic("pk_bench", "-b 0.1 helper(3)", "helper(4)\n")


def test_an_error_in_the_statement_is_the_users_and_leaves_nothing_on(shell):
    trace_before = sys.gettrace()
    for magic, line in [("pk_bench", "fails()"), ("pk_memory", "fails()"), ("pk_lines", "-f fails fails()")]:
        with pytest.raises(pk.KernelError) as info:
            shell.run_line_magic(magic, line)
        assert isinstance(info.value.__cause__, ValueError)
        assert "broken on purpose" in str(info.value.__cause__)
    assert not tracemalloc.is_tracing()
    assert sys.gettrace() is trace_before
    assert sys.getprofile() is None


def test_a_yield_inside_a_function_the_statement_defines_is_fine(shell):
    t = shell.run_line_magic("pk_bench", "-b 0.05 def g(): yield 1\nlist(g())")
    assert isinstance(t, Timing) and not t.notes
