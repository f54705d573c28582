import asyncio
import json
import time

import pytest

import perfkit as pk


def _data():
    items = list(range(10_000))
    return items, set(items)


def test_set_beats_list_by_far_and_the_verdict_says_so():
    c = pk.compare({"list": lambda d: 9_999 in d[0], "set": lambda d: 9_999 in d[1]}, setup=_data, budget=0.5)
    assert c.fastest == "set"
    assert c.verdict("set", faster_than="list", by=10).status == "holds"
    assert c.verdict("list", faster_than="set", by=1).status == "refuted"
    assert c.ratio("list", "set").value > 10


def test_kernels_that_disagree_raise_before_anything_is_timed():
    calls = []

    def right(d):
        calls.append(1)
        return 1

    with pytest.raises(pk.KernelMismatchError, match=r"'right' and 'wrong'.*1.*2"):
        pk.compare({"right": right, "wrong": lambda d: 2}, setup=lambda: None)
    assert calls == [1]


def test_check_false_skips_the_comparison_of_results():
    c = pk.compare({"a": lambda: 1, "b": lambda: 2}, check=False, budget=0.1)
    assert set(c.names) == {"a", "b"}


def test_each_kernel_gets_its_own_copy_of_a_mutable_input():
    seen = {}

    def grower(items):
        items.append(0)
        return None

    def reader(items):
        seen.setdefault("len", len(items))
        return None

    original = [1, 2, 3]
    pk.compare({"grower": grower, "reader": reader}, setup=lambda: original, budget=0.1)
    assert seen["len"] == 3
    assert original == [1, 2, 3]


def test_async_and_sync_kernels_side_by_side():
    async def a():
        await asyncio.sleep(0.002)
        return 1

    def s():
        time.sleep(0.002)
        return 1

    c = pk.compare({"async": a, "sync": s}, budget=0.3)
    assert c["async"].is_async and not c["sync"].is_async


def test_setup_that_raises_names_setup():
    def setup():
        raise OSError("disk gone")

    with pytest.raises(pk.SetupError, match="setup\\(\\) raised OSError: disk gone"):
        pk.compare({"a": len}, setup=setup)


def test_unknown_names_and_bad_factors_are_refused():
    c = pk.compare({"a": lambda: 1, "b": lambda: 1}, budget=0.05)
    with pytest.raises(KeyError, match="kernel 'c' is not among the kernels here: \\['a', 'b'\\]"):
        c.verdict("c", faster_than="a")
    with pytest.raises(KeyError, match="faster_than 'z' is not among the kernels"):
        c.verdict("a", faster_than="z")
    with pytest.raises(KeyError, match="kernel 'c' is not among the kernels"):
        c["c"]
    with pytest.raises(ValueError, match="by must be a number > 0"):
        c.verdict("a", faster_than="b", by=0)
    with pytest.raises(ValueError, match="by must be"):
        c.verdict("a", faster_than="b", by=-2)


def test_same_kernel_twice_is_not_called_faster():
    def work():
        return sum(range(200))

    statuses = [pk.compare({"a": work, "b": work}, budget=0.2).verdict("a", faster_than="b").status
                for _ in range(3)]
    assert statuses.count("inconclusive") >= 2


def test_a_clear_case_stops_early():
    start = time.perf_counter()
    # sleeps: CPU-bound kernels on a loaded 2-core machine may never reach +-2%
    c = pk.compare({"slow": lambda: time.sleep(0.006), "fast": lambda: time.sleep(0.003)}, budget=8)
    assert c.stopped_early
    assert time.perf_counter() - start < 8


def test_comparison_shows_saves_and_draws():
    c = pk.compare({"a": lambda: 1, "b": lambda: sum(range(100))}, budget=0.1, check=False)
    assert "fastest" in repr(c) and "<table" in c._repr_html_()
    data = json.loads(json.dumps(c.to_dict()))
    assert data["fastest"] == c.fastest and set(data["timings"]) == {"a", "b"}
    ax = c.plot()
    assert ax.get_title() and ax.get_xlabel()



# --- the results check ------------------------------------------------------------------------------

def test_arrays_of_other_lengths_are_not_timed_as_agreeing():
    import numpy as np

    with pytest.raises(pk.KernelMismatchError, match=r"'one' and 'five'.*they differ: shape \(1,\) vs \(5,\)"):
        pk.compare({"one": lambda: np.zeros(1), "five": lambda: np.zeros(5)}, budget=0.05)


def test_equal_tuples_of_arrays_string_arrays_and_nan_agree():
    import numpy as np

    data = np.array([3, 1, 3, 2])
    pk.compare({"unique": lambda: np.unique(data, return_counts=True),
                "sorted": lambda: np.unique(np.sort(data), return_counts=True)}, budget=0.05)
    pk.compare({"a": lambda: np.histogram(data, bins=3), "b": lambda: np.histogram(data.tolist(), bins=3)},
               budget=0.05)
    pk.compare({"a": lambda: np.array(["x", "y"]), "b": lambda: np.array(list("xy"))}, budget=0.05)
    pk.compare({"a": lambda: [float("nan")], "b": lambda: [float("nan")]}, budget=0.05)


def test_a_kernel_that_clears_a_nested_list_leaves_the_next_kernel_a_full_one():
    seen = []

    def clearer(d):
        d["rows"].clear()

    def counter(d):
        seen.append(len(d["rows"]))

    pk.compare({"clearer": clearer, "counter": counter}, setup=lambda: {"rows": [1, 2, 3]}, budget=0.05)
    assert set(seen) == {3}


def test_an_input_that_cannot_be_copied_is_shared_and_the_timings_say_so():
    import threading

    lock = threading.Lock()
    c = pk.compare({"a": lambda lk: lk.locked(), "b": lambda lk: lk.locked()}, setup=lambda: lock, budget=0.05)
    for name in ("a", "b"):
        assert any("cannot be copied" in n and "same one" in n for n in c[name].notes)
    assert "cannot be copied" in repr(c)


def test_a_generator_kernel_is_refused_by_the_check_and_noted_without_it():
    def squares():
        return (x * x for x in range(1000))

    with pytest.raises(TypeError, match=r"kernel 'gen' returned a generator .* check=False"):
        pk.compare({"gen": squares, "list": lambda: [x * x for x in range(1000)]}, budget=0.05)
    c = pk.compare({"gen": squares, "list": lambda: [x * x for x in range(1000)]}, check=False, budget=0.05)
    assert any("only its creation was timed" in n for n in c["gen"].notes)
    assert not c["list"].notes


def test_equal_decides_agreement_when_given_and_is_checked():
    c = pk.compare({"list": lambda: [3, 1], "set": lambda: {1, 3}}, budget=0.05,
                   equal=lambda a, b: sorted(a) == sorted(b))
    assert set(c.names) == {"list", "set"}
    with pytest.raises(pk.KernelMismatchError, match="returned False"):
        pk.compare({"a": lambda: 1, "b": lambda: 1}, equal=lambda a, b: False, budget=0.05)
    with pytest.raises(TypeError, match="equal must be callable or None, got str"):
        pk.compare({"a": lambda: 1}, equal="sorted")
