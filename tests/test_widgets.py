import pytest

from perfkit import widgets


def test_sizes_are_round_and_span_the_range():
    assert widgets.sizes(10, 1000) == [10, 20, 50, 100, 200, 500, 1000]
    with pytest.raises(ValueError, match=r"high must be an int >= 100 \(need low <= high\), got 10"):
        widgets.sizes(100, 10)
    with pytest.raises(TypeError, match="low must be an int >= 1, got float 1.5"):
        widgets.sizes(1.5, 10)


def test_explore_draws_at_once_and_again_on_each_change():
    calls = []
    box = widgets.explore(lambda n, hit: calls.append((n, hit)), n=widgets.log_slider(10, 1000, 100),
                          hit=widgets.slider(0.0, 1.0, 0.5, 0.5))
    box.children[0].value = 1000
    assert calls == [(100, 0.5), (1000, 0.5)]


def test_explore_needs_controls():
    with pytest.raises(ValueError, match="at least one control"):
        widgets.explore(lambda: None)
