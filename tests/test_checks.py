"""One way to check arguments: TypeError for the wrong type, ValueError for a value out of range."""

import numpy as np
import pytest

from perfkit.engine.checks import check_callable, check_choice, check_int, check_number, check_seconds


@pytest.mark.parametrize("value", ["1", None, True, [1], 1j])
def test_a_non_number_or_a_bool_is_a_type_error(value):
    with pytest.raises(TypeError, match=rf"^x must be a number > 0, got {type(value).__name__} "):
        check_number(value, "x", low=0, low_open=True)


@pytest.mark.parametrize("value", [0, -1, float("nan"), float("inf"), float("-inf")])
def test_a_number_out_of_range_is_a_value_error(value):
    with pytest.raises(ValueError, match=rf"^x must be a number > 0, got {value!r}$"):
        check_number(value, "x", low=0, low_open=True)


def test_a_float_where_an_int_is_wanted_is_a_type_error_even_when_whole():
    for value in (1.5, 2.0, np.float64(3)):
        with pytest.raises(TypeError, match=r"^n must be an int >= 1, got (float|float64) "):
            check_int(value, "n", low=1)
    assert check_int(np.int64(3), "n", low=1) == 3 and type(check_int(np.int64(3), "n")) is int


def test_bounds_are_stated_as_the_rule():
    assert check_number(0.4, "saving", low=0, high=1, high_open=True) == 0.4
    with pytest.raises(ValueError, match=r"saving must be a number in \[0, 1\), got 1"):
        check_number(1, "saving", low=0, high=1, high_open=True)
    with pytest.raises(ValueError, match=r"port must be an int in \[0, 65,535\] \(0: a free port\), got 70000"):
        check_int(70_000, "port", low=0, high=65_535, hint="(0: a free port)")
    with pytest.raises(ValueError, match=r"budget must be a number of seconds > 0 and <= 86,400, got 1000000000.0"):
        check_seconds(1e9, "budget", high=86_400)
    assert check_seconds(np.float32(0.5), "budget") == 0.5


def test_callables_and_choices():
    assert check_callable(len, "fn") is len
    assert check_callable(None, "setup", or_none=True) is None
    with pytest.raises(TypeError, match=r"^setup must be callable or None, got int 3$"):
        check_callable(3, "setup", or_none=True)
    with pytest.raises(TypeError, match=r"^fn must be callable, got NoneType None$"):
        check_callable(None, "fn")
    assert check_choice("a", "mode", ["a", "b"]) == "a"
    with pytest.raises(ValueError, match=r"^mode must be one of \['a', 'b'\], got \['a'\]$"):
        check_choice(["a"], "mode", ["a", "b"])
