"""Tests of perfkit.engine.memsweep: peak memory against n, its slope, verdicts and drawing."""

from __future__ import annotations

import json

import pytest

import perfkit as pk
from perfkit.engine.memsweep import MemorySweep

KERNELS = {"generator": lambda d: sum(x * 2 for x in d), "list": lambda d: sum([x * 2 for x in d])}
SIZES = [100, 1_000, 5_000, 20_000]


@pytest.fixture(scope="module")
def ms() -> MemorySweep:
    return pk.memory_sweep(KERNELS, setup=lambda n: list(range(n)), n=SIZES)


def test_sizes_are_sorted_and_each_has_a_comparison(ms):
    unsorted = pk.memory_sweep(KERNELS, setup=lambda n: list(range(n)), n=[1_000, 100])
    assert unsorted.n == [100, 1_000]
    assert ms.n == SIZES
    assert ms.names == ["generator", "list"]
    assert ms[1_000].smallest == "generator"
    with pytest.raises(KeyError, match="n 7 is not among the sizes here"):
        ms[7]


def test_list_grows_linearly_and_generator_stays_flat(ms):
    peaks = ms.peak["list"]
    # a list of n new ints costs at least 8 bytes per pointer plus the int objects
    assert peaks[-1].value >= 8 * SIZES[-1]
    assert peaks[-1].value > 100 * peaks[0].value
    assert max(e.value for e in ms.peak["generator"]) < 4_096
    assert 0.8 <= ms.exponent("list").value <= 1.2
    assert abs(ms.exponent("generator").value) < 0.1
    e = ms.exponent("list")
    assert e.low <= e.value <= e.high


def test_ratio_and_verdict_at_one_size(ms):
    ratios = ms.ratio("list", "generator")
    assert len(ratios) == len(SIZES)
    assert ratios[-1].value > ratios[0].value
    v = ms.verdict("generator", smaller_than="list", by=100, n=20_000)
    assert v.holds and "smaller" in str(v)
    assert ms.verdict("generator", smaller_than="list", by=1e9, n=20_000).status == "refuted"
    assert ms.verdict("generator", smaller_than="list", n=20_000).by == 1.0  # no claim, no by: merely smaller
    from types import SimpleNamespace

    claimed = ms.verdict("generator", smaller_than="list", n=20_000, claim=SimpleNamespace(id="generators.x", factor=50.0))
    assert claimed.by == 50.0 and claimed.claim == "generators.x"
    with pytest.raises(KeyError, match=r"numerator 'tuple' is not among the kernels here: \['generator', 'list'\]"):
        ms.ratio("tuple", "list")


def test_kernels_get_n_without_setup():
    ms = pk.memory_sweep({"bytes": lambda n: len(bytes(n))}, n=[1_000, 100_000])
    assert ms.peak["bytes"][1].value >= 100_000
    assert ms.exponent("bytes").value > 0.5


def test_disagreeing_kernels_and_bad_sizes_raise():
    with pytest.raises(pk.KernelMismatchError):
        pk.memory_sweep({"a": lambda n: n, "b": lambda n: n + 1}, n=[10])
    with pytest.raises(ValueError, match="each size in n must be an int >= 1, got 0"):
        pk.memory_sweep(KERNELS, n=[0, 10])
    with pytest.raises(TypeError, match="setup must be callable"):
        pk.memory_sweep(KERNELS, setup=5, n=[10])


def test_shown_saved_and_drawn(ms):
    text = repr(ms)
    assert "20,000" in text and "log-log slope" in text
    assert "<table" in ms._repr_html_()
    data = json.loads(json.dumps(ms.to_dict()))
    assert data["n"] == SIZES and set(data["exponent"]) == {"generator", "list"}
    ax = ms.plot()
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(label.startswith("generator (slope") for label in labels)
