import json

import numpy as np
import pytest

import perfkit as pk
from perfkit.engine.sweep import check_sizes, crossing, fit_complexity

N = np.array([10, 100, 1_000, 10_000, 100_000, 1_000_000], dtype=float)
CLASSES = {
    "O(1)": lambda n: 50 + 0 * n,
    "O(log n)": lambda n: 100 + 15 * np.log2(n),
    "O(n)": lambda n: 40 + 0.5 * n,
    "O(n log n)": lambda n: 200 + 2 * n * np.log(n),
    "O(n^2)": lambda n: 50 + 0.1 * n**2,
}


@pytest.mark.parametrize("name", list(CLASSES))
def test_complexity_is_recognised_on_made_up_timings(name):
    rng = np.random.default_rng(0)
    for _ in range(5):
        t = CLASSES[name](N) * rng.lognormal(0, 0.03, N.size)
        assert fit_complexity(N, t)[0] == name


def test_one_size_disturbed_by_a_cache_edge_does_not_make_o1_linear():
    t = np.array([37.5, 37.5, 37.6, 38.2, 39.2, 66.1])
    assert fit_complexity(N, t)[0] == "O(1)"


def test_crossing_interpolates_on_log_n():
    assert crossing([10, 100], [-1.0, 1.0]) == pytest.approx(np.sqrt(10 * 100))
    assert crossing([10, 100, 1000], [1.0, 2.0, 3.0]) is None


@pytest.mark.parametrize("n, error", [([], ValueError), ([0, 10], ValueError), ([1.5], TypeError),
                                       (["10"], TypeError), ("100", TypeError), ([True], TypeError),
                                       (None, TypeError)])
def test_bad_sizes(n, error):
    with pytest.raises(error, match="n "):
        check_sizes(n)


def test_bad_sizes_time_nothing():
    calls = []
    with pytest.raises(ValueError):
        pk.sweep({"a": lambda n: calls.append(n)}, n=[])
    assert calls == []


def test_list_grows_with_n_and_set_does_not():
    s = pk.sweep({"list": lambda d: -1 in d[0], "set": lambda d: -1 in d[1]},
                 setup=lambda n: (list(range(n)), set(range(n))), n=[10, 100, 1_000, 10_000], budget=1.5)
    assert s.exponent("list").value > 0.6
    assert s.exponent("set").value < 0.3
    assert s.complexity("list") == "O(n)"
    assert s.verdict("set", faster_than="list", by=10, n=10_000).holds
    assert len(s.per_call["set"]) == 4
    assert json.loads(json.dumps(s.to_dict()))["n"] == [10, 100, 1_000, 10_000]
    assert "O(n)" in repr(s) and "<table" in s._repr_html_()
    assert "log" in s.plot().get_xscale()
    with pytest.raises(KeyError, match="n 5 is not among the sizes here"):
        s[5]
    with pytest.raises(KeyError, match="kernel 'tuple' is not among the kernels here"):
        s.exponent("tuple")


def test_setup_gets_n_and_kernels_get_its_value():
    seen = []
    pk.sweep({"len": lambda d: seen.append(len(d))}, setup=lambda n: [0] * n, n=[3, 7], budget=0.1)
    assert {3, 7} <= set(seen)


def test_sweep_takes_equal_and_checks_every_size():
    s = pk.sweep({"list": lambda n: list(range(n)), "tuple": lambda n: tuple(range(n))}, n=[2, 4],
                 budget=0.1, equal=lambda a, b: list(a) == list(b))
    assert s.n == [2, 4]
    with pytest.raises(pk.KernelMismatchError, match="list .* vs tuple"):
        pk.sweep({"list": lambda n: list(range(n)), "tuple": lambda n: tuple(range(n))}, n=[2], budget=0.1)


def test_sweep_scales_the_budget_once(monkeypatch):
    import time

    monkeypatch.setenv("PERFKIT_BUDGET_SCALE", "0.1")
    t0 = time.perf_counter()
    pk.sweep({"sleep": lambda n: time.sleep(0.001)}, n=[1, 2], budget=2.0)
    assert time.perf_counter() - t0 < 1.2  # 0.2 s of measuring, not 2 s


def test_a_sweep_measures_every_size_in_the_same_rounds_not_one_after_another():
    switches = []  # the n of each call, written down only when it differs from the last call's

    def kernel(n):
        if not switches or switches[-1] != n:
            switches.append(n)
        return n

    s = pk.sweep({"a": kernel, "b": lambda n: kernel(n)}, n=[10, 100, 1_000], budget=0.3, progress=False)
    rounds = {c.rounds for c in s.comparisons.values()}
    assert len(rounds) == 1  # one set of rounds for every size
    # measured size after size, the calls would change n a handful of times; interleaved, the
    # cells of the three sizes alternate within every round
    assert len(switches) - 1 >= 2 * rounds.pop()
    assert all(len(c["a"].samples) == len(c["b"].samples) for c in s.comparisons.values())
    assert s[100]["a"].name == "a"  # split back into one Comparison per n, named by kernel


def test_a_sweep_checks_every_size_before_timing_any():
    calls = []

    def a(n):
        calls.append(n)
        return n

    with pytest.raises(pk.KernelMismatchError, match=r"at n=100: kernels 'a' and 'b'"):
        pk.sweep({"a": a, "b": lambda n: -1 if n == 100 else n}, n=[10, 100], budget=0.2, progress=False)
    assert calls == [10, 100]  # each called once at every size, nothing timed


def test_a_kernel_that_raises_at_one_size_is_named_with_the_size():
    def fragile(n):
        if n == 100:
            raise IndexError("too big")
        return n

    with pytest.raises(pk.KernelError, match=r"kernel 'fragile \(n=100\)' raised IndexError"):
        pk.sweep({"fragile": fragile}, n=[10, 100], budget=0.2, progress=False)
