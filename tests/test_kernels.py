import numpy as np
import pytest

from perfkit.engine.errors import KernelMismatchError, SetupError
from perfkit.engine.kernels import (as_kernels, budget_scale, check_agreement, check_budget, own_copy,
                             results_agree, run_setup)


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


@pytest.mark.parametrize("budget", [0, -1, float("nan"), float("inf"), "1", None, True])
def test_bad_budget(budget):
    with pytest.raises(ValueError, match="budget must be a number of seconds > 0"):
        check_budget(budget)


def test_budget_scale_multiplies_and_is_checked(monkeypatch):
    monkeypatch.setenv("PERFKIT_BUDGET_SCALE", "0.25")
    assert check_budget(2) == 0.5
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


def test_agreement_tolerates_float_rounding_and_compares_arrays():
    assert results_agree(0.1 + 0.2, 0.3)
    assert not results_agree(1.0, 1.1)
    assert results_agree(np.arange(3), np.arange(3))
    assert not results_agree(np.arange(3), np.arange(1, 4))


def test_mismatch_names_both_kernels_and_values():
    with pytest.raises(KernelMismatchError, match=r"'a' and 'b' returned different results: 'a' -> 1, 'b' -> 2"):
        check_agreement({"a": 1, "b": 2})
