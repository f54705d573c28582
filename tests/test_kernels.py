import collections
import functools
import math
import socket
from dataclasses import dataclass

import numpy as np
import pytest

from perfkit.engine.errors import KernelMismatchError, SetupError
from perfkit.engine.kernels import (Default, as_kernels, budget_scale, check_agreement, check_budget,
                                    kernel_kwargs, own_copy, results_agree, run_setup, scaled)


def test_mapping_list_and_pairs_are_accepted():
    def f():
        return 1

    assert list(as_kernels({"a": f})) == ["a"]
    assert list(as_kernels([f])) == ["f"]
    assert list(as_kernels([("x", f), ("y", f)])) == ["x", "y"]


@pytest.mark.parametrize(
    "kernels, error, words",
    [({}, ValueError, "empty"), ([], ValueError, "empty"), ({"a": 3}, TypeError, "'a' is not callable"),
     ({1: print}, TypeError, "names must be non-empty strings"), ({"": print}, TypeError, "non-empty"),
     ([("a", print), ("a", len)], ValueError, "duplicate kernel name 'a'"),
     ([lambda: 1, lambda: 2], ValueError, "duplicate kernel name '<lambda>'"),
     (print, TypeError, "single callable"), (42, TypeError, "mapping")],
)
def test_bad_kernels_are_named(kernels, error, words):
    with pytest.raises(error, match=words):
        as_kernels(kernels)


@pytest.mark.parametrize("budget", [0, -1, float("nan"), float("inf"), 86_401, 1e9])
def test_a_budget_out_of_range_is_a_value_error(budget):
    with pytest.raises(ValueError, match=r"budget must be a number of seconds > 0 and <= 86,400 \(a day\), got "):
        check_budget(budget)


@pytest.mark.parametrize("budget", ["1", None, True, [1]])
def test_a_budget_that_is_no_number_is_a_type_error(budget):
    with pytest.raises(TypeError, match=r"budget must be a number of seconds > 0 .*, got (str|NoneType|bool|list) "):
        check_budget(budget)


def test_budget_scale_multiplies_the_checked_budget_once(monkeypatch):
    monkeypatch.setenv("PERFKIT_BUDGET_SCALE", "0.25")
    assert check_budget(2) == 2.0  # checking does not scale
    assert scaled(check_budget(2)) == 0.5
    monkeypatch.setenv("PERFKIT_BUDGET_SCALE", "fast")
    with pytest.raises(ValueError, match="PERFKIT_BUDGET_SCALE"):
        budget_scale()


def test_setup_errors_are_wrapped_and_chained():
    def setup(n):
        raise KeyError("boom")

    with pytest.raises(SetupError, match=r"setup\(5\) raised KeyError") as info:
        run_setup(setup, 5)
    assert isinstance(info.value.__cause__, KeyError)


def test_own_copy_copies_mutable_containers_only():
    items = [1, 2]
    copied = own_copy(items)
    copied.append(3)
    assert items == [1, 2]
    arr = np.arange(3)
    assert own_copy(arr) is not arr
    pair = ([1], {"a": 1})
    assert own_copy(pair)[0] is not pair[0]
    text = "immutable"
    assert own_copy(text) is text


def test_own_copy_is_deep_so_a_cleared_inner_list_stays_full_for_the_next_kernel():
    value = {"rows": [[1, 2], [3]], "index": {"a": [1]}}
    first = own_copy(value)
    first["rows"].clear()
    first["index"]["a"].append(2)
    assert value == {"rows": [[1, 2], [3]], "index": {"a": [1]}}
    assert own_copy(value)["rows"] == [[1, 2], [3]]
    items = [1, 2]
    aliased = own_copy((items, items))  # one list seen twice stays one list, as deepcopy keeps it
    assert aliased[0] is aliased[1] and aliased[0] is not items
    pair = (list(range(5)), set(range(5)))  # the usual sweep input, copied the quick way
    copied = own_copy(pair)
    assert copied == pair and copied[0] is not pair[0] and copied[1] is not pair[1]


def test_namespaces_and_plain_objects_are_copied_deeply_the_quick_way():
    import types

    data = types.SimpleNamespace(items=[3, 1], index={"a": 1}, probes=frozenset({1}), hit=1, miss=1)
    copied = own_copy(data)
    copied.items.sort()
    copied.index.clear()
    assert data.items == [3, 1] and data.index == {"a": 1}
    point = Point(np.arange(3), "p")
    other = own_copy(point)
    other.xy[0] = 99
    assert point.xy[0] == 0 and isinstance(other, Point)


def test_a_value_that_cannot_be_copied_is_shared_with_a_note():
    with socket.socket() as sock:
        notes: list[str] = []
        assert own_copy(sock, notes) is sock
        assert own_copy({"conn": sock}, notes)["conn"] is sock
        assert len(notes) == 2 and all("every kernel got the same one" in n for n in notes)
        assert "(a socket)" in notes[0] and "(a dict)" in notes[1]
        with pytest.warns(UserWarning, match="cannot be copied"):
            own_copy(sock)


def test_a_generator_as_input_is_refused_naming_its_type():
    with pytest.raises(TypeError, match="setup returned a generator .* return a list"):
        own_copy(x for x in range(3))
    with pytest.raises(TypeError, match="setup returned a map"):
        own_copy(map(str, [1]))


def test_agreement_tolerates_float_rounding_and_compares_arrays():
    assert results_agree(0.1 + 0.2, 0.3)
    assert not results_agree(1.0, 1.1)
    assert results_agree(np.arange(3), np.arange(3))
    assert not results_agree(np.arange(3), np.arange(1, 4))


def test_mismatch_names_both_kernels_and_values():
    with pytest.raises(KernelMismatchError, match=r"'a' and 'b' returned different results: 'a' -> 1, 'b' -> 2"):
        check_agreement({"a": 1, "b": 2})


# --- when results agree ---------------------------------------------------------------------------

def test_arrays_of_other_shapes_never_agree_though_allclose_broadcasts_them():
    assert np.allclose(np.zeros(1), np.zeros(5))  # why the old check let them through
    assert not results_agree(np.zeros(1), np.zeros(5))
    with pytest.raises(KernelMismatchError, match=r"they differ: shape \(1,\) vs \(5,\)"):
        check_agreement({"one": np.zeros(1), "five": np.zeros(5)})
    with pytest.raises(KernelMismatchError, match=r"'x' and 'y' .* they differ at \[1\]: shape \(1,\) vs \(5,\)"):
        check_agreement({"x": (np.zeros(2), np.zeros(1)), "y": (np.zeros(2), np.zeros(5))})


@pytest.mark.parametrize("make", [
    lambda: np.unique([3, 1, 3, 2], return_counts=True),
    lambda: np.histogram([1.0, 2.5, 2.5, 4.0], bins=3),
    lambda: np.array(["ab", "c"]),
    lambda: np.array([1, "a", None], dtype=object),
    lambda: [math.nan],
    lambda: [float("nan"), np.array([np.nan, 1.0])],
    lambda: {"a": [1.0, float("nan")], "b": (1, 2)},
    lambda: {1, 2},
])
def test_equal_results_made_twice_agree(make):
    a, b = make(), make()
    assert results_agree(a, b)
    check_agreement({"a": a, "b": b})


@dataclass
class Point:
    xy: np.ndarray
    label: str


@pytest.mark.parametrize("a, b, agree", [
    (3, 3.0, True),  # numbers compare by value
    (True, 1, True),
    (0.1 + 0.2, 0.3, True),  # within the relative tolerance of 1e-9
    (1.0, 1.0 + 1e-6, False),
    (1e20, 1e20 * (1 + 1e-10), True),
    (float("nan"), float("nan"), True),
    ([1, 2], (1, 2), False),  # a list is no tuple
    ({"a": 1}, collections.OrderedDict(a=1), True),
    (collections.Counter("ab"), {"a": 1, "b": 1}, True),
    ({1, 2}, frozenset({1, 2}), True),
    ({"a": 1}, {"b": 1}, False),
    (np.arange(3), np.arange(3.0), True),
    (np.arange(3), [0, 1, 2], False),  # an array is no list
    ([np.zeros(1)], [np.zeros((1, 1))], False),  # though == says True, broadcasting
    ([np.array([5])], [5], False),
    (np.array(["1"]), np.array([1]), False),
    (np.array([1.0, np.nan]), np.array([1.0 + 1e-12, np.nan]), True),
    (Point(np.arange(2), "p"), Point(np.arange(2), "p"), True),
    (Point(np.arange(2), "p"), Point(np.arange(1, 3), "p"), False),
    ("abc", b"abc", False),
    (None, 0, False),
])
def test_the_agreement_rule(a, b, agree):
    assert results_agree(a, b) is agree
    assert results_agree(b, a) is agree


def test_long_lists_of_floats_follow_the_same_rule():
    a = [float(i) for i in range(1_000)] + [float("nan")]
    b = [x * (1 + 1e-12) for x in a]
    assert results_agree(a, b)
    b[700] = -1.0
    with pytest.raises(KernelMismatchError, match=r"they differ at \[700\]: 700.0 vs -1.0"):
        check_agreement({"a": a, "b": b})


def test_the_mismatch_says_where_in_a_container_the_results_differ():
    with pytest.raises(KernelMismatchError, match=r"they differ at \['rows'\]\[2\]: 3 vs 4"):
        check_agreement({"a": {"rows": [1, 2, 3]}, "b": {"rows": [1, 2, 4]}})
    with pytest.raises(KernelMismatchError, match=r"they differ at \[0\]\[1, 0\]: 5.0 vs 6.0"):
        check_agreement({"a": [np.array([[1.0], [5.0]])], "b": [np.array([[1.0], [6.0]])]})
    with pytest.raises(KernelMismatchError, match=r"they differ at \.xy\[0\]: 0 vs 1"):
        check_agreement({"a": Point(np.arange(2), "p"), "b": Point(np.arange(1, 3), "p")})
    with pytest.raises(KernelMismatchError, match=r"they differ: list \[1, 2\] vs tuple \(1, 2\)"):
        check_agreement({"a": [1, 2], "b": (1, 2)})


def test_objects_without_eq_are_said_to_compare_by_identity():
    class Box:
        pass

    with pytest.raises(KernelMismatchError, match="compare by identity .* pass equal="):
        check_agreement({"a": Box(), "b": Box()})


def test_equal_replaces_the_rule():
    check_agreement({"a": [1, 2], "b": (1, 2)}, equal=lambda a, b: list(a) == list(b))
    with pytest.raises(KernelMismatchError, match=r"equal\(a, b\), which returned False"):
        check_agreement({"a": 1, "b": 1}, equal=lambda a, b: False)
    with pytest.raises(TypeError, match=r"equal\(a, b\) must return True or False.*'a' and 'b'.*ambiguous"):
        check_agreement({"a": np.zeros(2), "b": np.zeros(2)}, equal=lambda a, b: a == b)


def test_a_generator_result_is_refused_by_the_check():
    def numbers():
        yield 1

    with pytest.raises(TypeError, match=r"kernel 'gen' returned a generator .* list\(gen\(x\)\).*deque"):
        check_agreement({"gen": numbers()})


# --- perfkit's options and the kernel's keyword arguments -------------------------------------------

def _get(url, timeout=None):
    return url, timeout


def test_an_option_the_kernel_also_takes_is_refused_as_ambiguous():
    with pytest.raises(TypeError, match=r"bench\(fn, \.\.\., timeout=\.\.\.\) is ambiguous: .*_get\(\) takes a "
                                        r"timeout argument too.*kwargs=\{'timeout': \.\.\.\}.*functools.partial"):
        kernel_kwargs(_get, "bench", {"timeout": 5, "budget": Default(0.5)}, None, {})


def test_a_kernel_taking_kwargs_takes_every_option():
    def anything(**kwargs):
        return kwargs

    with pytest.raises(TypeError, match="name=.*ambiguous"):
        kernel_kwargs(anything, "bench", {"name": "x"}, None, {})


def test_a_default_shows_as_its_value_in_signatures():
    import inspect

    import perfkit as pk

    text = str(inspect.signature(pk.bench))
    assert "budget: 'float' = 0.5" in text and "disable_gc: 'bool' = True" in text


def test_options_left_at_their_default_or_unknown_to_the_kernel_pass():
    assert kernel_kwargs(_get, "bench", {"timeout": None, "budget": Default(0.5)}, None, {"timeout": 5}) \
        == {"timeout": 5}
    assert kernel_kwargs(_get, "bench", {"budget": 0.1}, None, {}) == {}
    assert kernel_kwargs(len, "bench", {"timeout": 3}, None, {}) == {}  # positional-only: no clash


def test_kwargs_or_a_partial_makes_the_call_unambiguous():
    assert kernel_kwargs(_get, "bench", {"timeout": 9}, {"timeout": 5}, {}) == {"timeout": 5}
    assert kernel_kwargs(functools.partial(_get, timeout=5), "bench", {"timeout": 9}, None, {}) == {}
    with pytest.raises(TypeError, match=r"\['timeout'\] given both"):
        kernel_kwargs(_get, "bench", {}, {"timeout": 5}, {"timeout": 6})
    with pytest.raises(TypeError, match="kwargs must be a dict"):
        kernel_kwargs(_get, "bench", {}, [("timeout", 5)], {})
