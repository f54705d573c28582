import subprocess
import sys

import pytest

from perfkit import widgets


def test_sizes_are_round_and_span_the_range():
    assert widgets.sizes(10, 1000) == [10, 20, 50, 100, 200, 500, 1000]
    with pytest.raises(ValueError, match="low <= high"):
        widgets.sizes(100, 10)


def test_explore_draws_at_once_and_again_on_each_change():
    calls = []
    box = widgets.explore(lambda n, hit: calls.append((n, hit)), n=widgets.log_slider(10, 1000, 100),
                          hit=widgets.slider(0.0, 1.0, 0.5, 0.5))
    box.children[0].value = 1000
    assert calls == [(100, 0.5), (1000, 0.5)]


def test_explore_needs_controls():
    with pytest.raises(ValueError, match="at least one control"):
        widgets.explore(lambda: None)


def test_import_is_light():
    code = ("import sys, perfkit; heavy = [m for m in ('matplotlib', 'ipywidgets', 'line_profiler', "
            "'memory_profiler', 'httpx') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_unknown_attribute_is_an_attribute_error():
    import perfkit

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        perfkit.nope
    assert set(perfkit.__all__) <= set(dir(perfkit))
