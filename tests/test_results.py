"""One contract for every result object: names, lookups, repr, charts, to_dict, save and load.

Every result here is built from fixed made-up numbers (no kernel is timed), saved to a file,
loaded back, and must then show, draw and judge exactly as the original did.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import math
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes

import perfkit as pk
from perfkit import Estimate
from perfkit.engine.compare import Comparison
from perfkit.engine.lineprofile import FunctionLines, LineProfile, LineRow
from perfkit.engine.memory import MemoryComparison, MemoryUse
from perfkit.engine.memsweep import MemorySweep
from perfkit.engine.profiling import CallProfile, CallRow
from perfkit.engine.ranges import RangeVerdict
from perfkit.engine.results import FORMAT, MIME, from_saved, known, saved_form
from perfkit.engine.sweep import Sweep
from perfkit.engine.timeline import MemoryTimeline
from perfkit.engine.timing import Timing
from perfkit.engine.verdict import Verdict
from perfkit.lessons.fetch import RequestCost
from perfkit.lessons.sizes import ObjectSizes, SizeSweep

NOISE = np.array([1.00, 1.02, 0.99, 1.01, 1.03, 0.98, 1.00, 1.01, 0.99, 1.02, 1.00, 0.97])


def timing(name: str, seconds: float, noise: np.ndarray = NOISE) -> Timing:
    return Timing(name, seconds * noise, number=1_000, overhead=2e-8, notes=["made up"], retaken=1)


def comparison(list_s: float = 1e-6, set_s: float = 5e-8) -> Comparison:
    return Comparison({"list": timing("list", list_s), "set": timing("set", set_s, NOISE[::-1])},
                      rounds=NOISE.size, elapsed=0.5, stopped_early=False)


def memory_comparison(list_b: int = 800_000, gen_b: int = 400) -> MemoryComparison:
    return MemoryComparison({"list": [MemoryUse("list", list_b + d, 64) for d in (0, 8, 16)],
                             "gen": [MemoryUse("gen", gen_b + d, 0) for d in (0, 0, 8)]})


def object_sizes(plain: float = 104.0) -> ObjectSizes:
    return ObjectSizes({"plain": Estimate(plain, plain - 1, plain + 1, "B"),
                        "slots": Estimate(56.0, 55.0, 57.0, "B")}, {"plain": 48, "slots": 56}, n=1_000)


BUILDERS = {
    "Timing": lambda: timing("f", 3e-7),
    "Comparison": comparison,
    # the list grows with n, the set does not: they cross between 10 and 100
    "Sweep": lambda: Sweep({n: comparison(1e-8 * n, 3e-7) for n in (10, 100, 1_000, 10_000)}),
    "MemoryUse": lambda: MemoryUse("build", 1_048_576, 2_048),
    "MemoryComparison": memory_comparison,
    "MemoryTimeline": lambda: MemoryTimeline("spike", np.array([0.0, 0.005, 0.010, 0.015]),
                                             np.array([100.0, 160.0, 130.0, 101.0]) * 2**20, 60 * 2**20),
    "MemorySweep": lambda: MemorySweep({n: memory_comparison(80 * n, 400) for n in (100, 1_000, 10_000)}),
    "CallProfile": lambda: CallProfile("main", [
        CallRow("main", "In[3]:1", "<ipython-input-3-x>", 1, 1, 1, 0.001, 0.010, 1.0),
        CallRow("json.dumps", "json/__init__.py:183", "/usr/lib/json/__init__.py", 183, 40, 40, 0.009, 0.009, 0.9)],
        top=10),
    "LineProfile": lambda: LineProfile("f", [
        FunctionLines("f", "<cell>", "<cell>:1", 1, [
            LineRow(2, 1, 0.002, 0.002, 0.2, "    data = load()"),
            LineRow(3, 100, 0.008, 0.00008, 0.8, "    return sorted(data)")], True),
        FunctionLines("helper", "<cell>", "<cell>:9", 9, [], False)]),
    "ObjectSizes": object_sizes,
    "SizeSweep": lambda: SizeSweep([1, 2, 4], [object_sizes(p) for p in (64.0, 104.0, 184.0)]),
    "RequestCost": lambda: RequestCost(20, True, wall=0.06, loop_cpu=0.012, process_cpu=0.02),
    # an infinite upper end (as break_even gives) and a claim id must survive the file
    "Verdict": lambda: Verdict("set", "list", "faster", 10.0, Estimate(25.0, 12.0, math.inf, "x"),
                               claim="sets.membership"),
    # a count the code decides: no spread, and a claim id that must survive the file
    "RangeVerdict": lambda: RangeVerdict.counted("repeat calls answered", 0, 20, at_least=100,
                                                 claim="caching.async-lru-coroutine"),
}


def judged(r: object) -> object:
    """What each kind decides from its numbers: must be the same before and after saving."""
    kind = type(r).__name__
    if kind == "Timing":
        return r.per_call, r.resolved
    if kind == "Comparison":
        v = r.verdict("set", faster_than="list", by=10)
        return r.fastest, r.ratio("list", "set"), v.status, str(v)
    if kind == "Sweep":
        return (r.exponent("list"), r.complexity("list"), r.crossover("list", "set"),
                str(r.verdict("set", faster_than="list", by=10, n=10_000)))
    if kind == "MemoryUse":
        return r.peak_bytes, r.retained_bytes
    if kind == "MemoryComparison":
        return r.smallest, r.ratio("list", "gen"), str(r.verdict("gen", smaller_than="list", by=100))
    if kind == "MemoryTimeline":
        return r.rss_peak_increase, r.rss_delta, r.duration
    if kind == "MemorySweep":
        return r.exponent("list"), r.exponent("gen"), str(r.verdict("gen", smaller_than="list", by=10, n=10_000))
    if kind == "CallProfile":
        return r.total_time, r["json.dumps"]
    if kind == "LineProfile":
        return r.hottest, r["helper"].total_time
    if kind == "ObjectSizes":
        return r.smallest, str(r.verdict("slots", smaller_than="plain", saving=0.4))
    if kind == "SizeSweep":
        return r.saving("slots", "plain"), str(r.verdict("slots", smaller_than="plain", by=1.5, k=4))
    if kind == "RequestCost":
        return r.wall_per_request, r.loop_cpu_per_request
    if kind == "Verdict":
        return r.status, str(r), r.claim_text
    if kind == "RangeVerdict":
        return r.status, str(r), r.count
    raise AssertionError(f"no judgement for {kind}")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("kind", BUILDERS)
def test_every_kind_saves_and_loads_back_the_same_result(kind, tmp_path):
    original = BUILDERS[kind]()
    assert original.machine is None  # measured (here: made) in this session
    path = original.save(tmp_path / "run.json")
    loaded = pk.load(path)
    assert type(loaded) is type(original) and loaded.kind == kind
    assert loaded == original
    assert loaded.names == original.names and loaded.names
    assert judged(loaded) == judged(original)
    assert repr(loaded) == repr(original)
    assert loaded._repr_html_() == original._repr_html_()
    assert loaded.to_dict() == json.loads(json.dumps(original.to_dict()))
    assert isinstance(loaded.machine, pk.Machine)
    assert loaded.machine.perfkit == pk.__version__


@pytest.mark.parametrize("kind", BUILDERS)
def test_every_kind_shown_in_a_notebook_carries_its_saved_form(kind):
    from IPython.core.interactiveshell import InteractiveShell

    original = BUILDERS[kind]()
    shown, _ = InteractiveShell.instance().display_formatter.format(original)
    assert {"text/plain", "text/html", MIME} <= set(shown)
    carried = json.loads(json.dumps(shown[MIME], allow_nan=False))  # strict JSON, as Jupyter sends it
    assert carried["kind"] == kind and carried["format"] == FORMAT
    assert judged(from_saved(carried)) == judged(original)


def test_a_saved_form_keeps_values_that_are_not_finite():
    v = Verdict("a", "b", "faster", 2.0, Estimate(float("nan"), 1.0, float("inf"), "x"))
    carried = json.loads(json.dumps(saved_form(v), allow_nan=False))
    assert carried["estimate"]["value"] == "NaN" and carried["estimate"]["high"] == "Infinity"
    back = from_saved(carried).estimate
    assert math.isnan(back.value) and back.high == math.inf and back.low == 1.0


def test_a_summary_carries_the_saved_forms_of_the_results_it_summarises():
    v = Verdict("set", "list", "faster", 10.0, Estimate(50.0, 40.0, 60.0, "x"), claim="sets.membership")
    s = pk.display.summary([("verdict", v), ("plain words", "no result here"), ("two", [v, Estimate(1, 0.5, 2)])])
    carried = s._repr_mimebundle_()[MIME]
    assert carried["kind"] == "Summary"
    assert [r["kind"] for r in carried["results"]] == ["Verdict", "Verdict"]
    assert str(from_saved(carried["results"][0])) == str(v)


@pytest.mark.parametrize("kind", BUILDERS)
def test_every_kind_shows_and_draws(kind):
    r = BUILDERS[kind]()
    assert r.to_dict()["kind"] == kind
    assert repr(r).strip() and "object at 0x" not in repr(r)
    assert "<" in r._repr_html_()
    ax = r.plot()
    assert isinstance(ax, Axes) and (ax.get_title() or ax.get_xlabel())
    mine = plt.subplots()[1]
    assert r.plot(ax=mine) is mine


@pytest.mark.parametrize("kind", [k for k in BUILDERS if k not in ("Verdict", "RangeVerdict")])  # no lookup by name
def test_every_lookup_gives_an_entry_and_a_bad_one_lists_the_choices(kind):
    r = BUILDERS[kind]()
    choices = list(getattr(r, "n", None) or getattr(r, "k", None) or r.names) \
        if kind in ("Sweep", "MemorySweep", "SizeSweep") else r.names
    assert r[choices[0]] is not None
    with pytest.raises(KeyError) as info:
        r["no such name"]
    message = str(info.value)
    assert "'no such name'" in message and str(choices) in message
    assert not message.startswith('"')  # the message itself, not KeyError's quoted repr


def test_a_bad_name_as_an_argument_is_a_value_error_too():
    c = comparison()
    with pytest.raises(ValueError, match=r"numerator 'lst' is not among the kernels here: \['list', 'set'\]"):
        c.ratio("lst", "set")
    with pytest.raises(KeyError, match="kind 'x'"):
        known("x", ["a"], "kind")
    assert known("a", ["a"]) == "a"


def test_a_loaded_file_is_json_with_kind_format_version_and_machine(tmp_path):
    comparison().save(tmp_path / "c.json")
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert (data["kind"], data["format"], data["perfkit"]) == ("Comparison", FORMAT, pk.__version__)
    assert data["machine"]["cpus"] >= 1 and data["machine"]["python"]
    assert data["timings"]["list"]["samples"][0] == pytest.approx(1e-6)


def test_timing_samples_come_back_as_a_float_array_with_nan_and_inf(tmp_path):
    t = Timing("odd", np.array([1e-6, math.nan, math.inf, 2e-6]), number=10, overhead=0.0)
    loaded = pk.load(t.save(tmp_path / "t.json"))
    assert isinstance(loaded.samples, np.ndarray) and loaded.samples.dtype == float
    assert np.isnan(loaded.samples[1]) and loaded.samples[2] == math.inf
    assert loaded == t


def test_saving_a_loaded_result_keeps_the_machine_it_was_measured_on(tmp_path):
    first = pk.load(comparison().save(tmp_path / "a.json"))
    again = pk.load(first.save(tmp_path / "b.json"))
    assert again.machine == first.machine


def test_unknown_kind_newer_format_and_not_json_are_refused_naming_the_file(tmp_path):
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"kind": "Teapot", "format": 1}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"odd\.json.*unknown kind 'Teapot'.*'Comparison'"):
        pk.load(path)
    path.write_text(json.dumps({"kind": "Timing", "format": FORMAT + 1, "perfkit": "9.0"}), encoding="utf-8")
    with pytest.raises(ValueError, match=rf"odd\.json is in format {FORMAT + 1} \(saved by perfkit 9\.0\); "
                                         rf"this perfkit reads format {FORMAT} at most"):
        pk.load(path)
    path.write_text("timings: fast", encoding="utf-8")
    with pytest.raises(ValueError, match=r"odd\.json is not a saved perfkit result: it is not JSON"):
        pk.load(path)
    path.write_text(json.dumps([1, 2]), encoding="utf-8")
    with pytest.raises(ValueError, match="without 'kind' and 'format'"):
        pk.load(path)
    path.write_text(json.dumps({"kind": "Timing", "format": 1, "name": "f"}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"odd\.json: not a valid saved Timing \(KeyError"):
        pk.load(path)


def test_a_missing_file_raises_file_not_found_naming_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="no-such-run.json"):
        pk.load(tmp_path / "no-such-run.json")


def test_timing_equality_compares_samples_and_never_raises():
    t1 = timing("f", 1e-6)
    assert t1 == t1
    assert t1 == timing("f", 1e-6)  # equal samples in another array
    assert t1 != timing("f", 2e-6)
    assert t1 != timing("g", 1e-6)
    assert t1 != "f"
    assert comparison() == comparison() and comparison() != comparison(set_s=6e-8)
    a, b = BUILDERS["MemoryTimeline"](), BUILDERS["MemoryTimeline"]()
    assert a == b
    b.rss_bytes[1] += 1
    assert a != b


def test_describe_machine_says_what_ran_it(monkeypatch):
    monkeypatch.setenv("PERFKIT_BUDGET_SCALE", "2.5")
    m = pk.describe_machine()
    assert m.budget_scale == 2.5 and m.perfkit == pk.__version__
    assert m.implementation in str(m) and m.python in str(m) and "\n" not in str(m)
    assert m.cpu and m.cpus >= 1 and m.os
    assert datetime.datetime.fromisoformat(m.date).utcoffset() == datetime.timedelta(0)
    assert m["cpu"] == m.cpu and list(m) == list(m.to_dict())
    with pytest.raises(KeyError, match="key 'gpu' is not among the keys"):
        m["gpu"]
    assert pk.Machine.from_dict(json.loads(json.dumps(m.to_dict()))) == m
    assert "<table" in m._repr_html_()
    monkeypatch.setenv("PERFKIT_BUDGET_SCALE", "lots")
    assert pk.describe_machine().budget_scale is None  # described, not refused


def test_memory_timeline_of_an_async_def_sees_what_the_coroutine_allocates_after_awaiting():
    async def allocates_later():
        await asyncio.sleep(0.02)
        block = bytearray(50 * 2**20)
        block[::4096] = b"x" * len(block[::4096])  # touch every page, so RSS grows for sure
        await asyncio.sleep(0.1)
        return len(block)

    tl = pk.memory_timeline(allocates_later, interval=0.005)
    assert tl.rss_peak_increase > 40 * 2**20
    assert tl.duration >= 0.1
    assert tl.tracemalloc_peak >= 50 * 2**20


def test_memory_timeline_of_a_sync_function_still_works():
    def holds():
        block = bytearray(30 * 2**20)
        block[::4096] = b"x" * len(block[::4096])
        time.sleep(0.05)

    tl = pk.memory_timeline(holds, interval=0.005, with_tracemalloc=False)
    assert tl.rss_peak_increase > 20 * 2**20 and tl.tracemalloc_peak is None
