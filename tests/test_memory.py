import gc
import json
import tracemalloc
from collections import namedtuple

import pytest

import perfkit as pk
from perfkit.engine.memory import heap_frozen


def test_peak_of_a_temporary_list_and_what_is_retained():
    def make_and_drop():
        big = [0] * 100_000
        return len(big)

    m = pk.memory(make_and_drop)
    assert m.peak_bytes >= 800_000
    assert m.retained_bytes < 10_000
    kept = pk.memory(lambda: [0] * 100_000)
    assert kept.retained_bytes >= 800_000
    assert "peak" in repr(kept) and kept.plot().get_title()


def test_generator_peak_is_flat_and_the_verdict_says_so():
    mc = pk.compare_memory({"list": lambda d: sum([x * 2 for x in d]), "gen": lambda d: sum(x * 2 for x in d)},
                           setup=lambda: list(range(100_000)))
    assert mc.smallest == "gen"
    assert mc.verdict("gen", smaller_than="list", by=100).holds
    assert "smaller" in str(mc.verdict("gen", smaller_than="list", by=100))
    assert json.loads(json.dumps(mc.to_dict()))["smallest"] == "gen"
    assert mc.plot().get_title()


def test_memory_kernels_that_disagree_raise():
    with pytest.raises(pk.KernelMismatchError):
        pk.compare_memory({"a": lambda: [1], "b": lambda: [2]})


def test_bytes_per_object_sees_slots_save_memory():
    class Plain:
        def __init__(self):
            self.a, self.b, self.c, self.d = 1, 2, 3, 4

    class Slotted:
        __slots__ = ("a", "b", "c", "d")

        def __init__(self):
            self.a, self.b, self.c, self.d = 1, 2, 3, 4

    plain, slotted = pk.bytes_per_object(Plain), pk.bytes_per_object(Slotted)
    assert slotted.value < plain.value
    assert slotted.unit == "B"
    Point = namedtuple("Point", "a b c d")
    assert 40 <= pk.bytes_per_object(lambda: Point(1, 2, 3, 4)).value <= 200


def test_tracemalloc_is_off_after_a_kernel_raises():
    def broken():
        raise ValueError("bad")

    with pytest.raises(pk.KernelError, match="'broken' raised ValueError") as info:
        pk.memory(broken)
    assert isinstance(info.value.__cause__, ValueError)
    assert not tracemalloc.is_tracing()
    with pytest.raises(pk.KernelError):
        pk.bytes_per_object(broken)
    assert not tracemalloc.is_tracing()


def test_memory_leaves_an_outer_tracemalloc_running():
    tracemalloc.start()
    try:
        pk.memory(lambda: [0] * 10)
        assert tracemalloc.is_tracing()
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("n, error", [(0, ValueError), (-5, ValueError), (2.5, TypeError), (True, TypeError)])
def test_bytes_per_object_needs_a_positive_count(n, error):
    with pytest.raises(error, match="n must be an int >= 1"):
        pk.bytes_per_object(object, n=n)


def test_rss_timeline_sees_a_short_peak_that_the_end_minus_start_delta_misses():
    import time

    def spike():
        block = bytearray(60 * 2**20)
        block[::4096] = b"x" * len(block[::4096])  # touch the pages so RSS really grows
        time.sleep(0.1)
        del block
        time.sleep(0.05)

    tl = pk.memory_timeline(spike, interval=0.005)
    assert tl.rss_peak_increase > 30 * 2**20
    assert tl.rss_delta < 10 * 2**20
    assert tl.tracemalloc_peak >= 60 * 2**20
    assert tl.plot().get_ylabel()
    assert json.loads(json.dumps(tl.to_dict()))["name"] == "spike"


def test_compare_memory_takes_equal_and_copies_inputs_deeply():
    seen = []

    def clearer(d):
        d["rows"].clear()
        return 0

    def counter(d):
        seen.append(len(d["rows"]))
        return 0

    pk.compare_memory({"clearer": clearer, "counter": counter}, setup=lambda: {"rows": [[1], [2]]})
    assert set(seen) == {2}
    mc = pk.compare_memory({"list": lambda: [2, 1], "tuple": lambda: (1, 2)},
                           equal=lambda a, b: sorted(a) == sorted(b))
    assert mc.names == ["list", "tuple"]
    with pytest.raises(pk.KernelMismatchError, match="list .* vs tuple"):
        pk.compare_memory({"list": lambda: [1, 2], "tuple": lambda: (1, 2)})


def test_memory_passes_every_keyword_to_the_function():
    def make(n, interval=None):
        return [interval] * n

    assert pk.memory(make, 3, interval=1).result == [1, 1, 1]


def test_memory_timeline_refuses_an_interval_the_function_takes_too():
    def sampler(interval=0.1):
        return interval

    with pytest.raises(TypeError, match=r"memory_timeline\(fn, \.\.\., interval=\.\.\.\) is ambiguous"):
        pk.memory_timeline(sampler, interval=0.01)
    with pytest.raises(ValueError, match="interval must be a number of seconds > 0, got 0"):
        pk.memory_timeline(lambda: None, interval=0)


def test_repeated_calls_freeze_the_heap_for_one_collection_and_leave_it_as_it_was():
    kernels = {"list": lambda: len([0] * 10_000), "tuple": lambda: len((0,) * 10_000)}
    alone = pk.compare_memory(kernels)
    assert gc.get_freeze_count() == 0
    with heap_frozen():
        frozen = gc.get_freeze_count()
        inside = pk.compare_memory(kernels)
        assert gc.get_freeze_count() == frozen > 0  # a caller's freeze is left as it was
    assert gc.get_freeze_count() == 0
    assert inside.peak["list"].value == pytest.approx(alone.peak["list"].value, rel=0.01)
    with pytest.raises(pk.PerfkitError):
        pk.compare_memory({"raises": lambda: 1 / 0})
    assert gc.get_freeze_count() == 0
