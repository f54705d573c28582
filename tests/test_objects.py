"""Tests for perfkit.lessons.objects: sizes of objects the caller makes, sweeps over fields, verdicts."""

from __future__ import annotations

import gc
import json
import sys
from collections import namedtuple
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import pytest

from perfkit import Estimate
from perfkit.lessons.objects import ObjectSizes, attribute_access, object_sizes, size_sweep

V = 0  # every field holds this one object, so sizes count the records, not their contents


class Plain:
    def __init__(self, a, b, c, d):
        self.a = a
        self.b = b
        self.c = c
        self.d = d


class Slotted:
    __slots__ = ("a", "b", "c", "d")

    def __init__(self, a, b, c, d):
        self.a = a
        self.b = b
        self.c = c
        self.d = d


@dataclass
class Data:
    a: int
    b: int
    c: int
    d: int


@dataclass(slots=True)
class SlottedData:
    a: int
    b: int
    c: int
    d: int


Named = namedtuple("Named", "a b c d")

RECORDS = {"plain": lambda: Plain(V, V, V, V), "slots": lambda: Slotted(V, V, V, V),
           "dataclass": lambda: Data(V, V, V, V), "dataclass(slots=True)": lambda: SlottedData(V, V, V, V),
           "namedtuple": lambda: Named(V, V, V, V), "tuple": lambda: (V, V, V, V),
           "dict": lambda: {"a": V, "b": V, "c": V, "d": V}}


def plain_and_slotted(k: int) -> dict:
    """A plain and a slotted class with k fields; each class is its own no-argument factory."""
    fields = tuple(f"a{i}" for i in range(k))

    def __init__(self):
        for name in fields:
            setattr(self, name, V)

    return {"plain": type(f"Plain{k}", (), {"__init__": __init__}),
            "slots": type(f"Slotted{k}", (), {"__init__": __init__, "__slots__": fields})}


def _sizes(plain: float, slots: float, spread: float = 0.0) -> ObjectSizes:
    return ObjectSizes({"plain": Estimate(plain, plain - spread, plain + spread, "B"),
                        "slots": Estimate(slots, slots - spread, slots + spread, "B")},
                       {"plain": 56, "slots": int(slots)}, n=100)


def test_object_sizes_slots_smaller_than_plain_and_getsizeof_misses_the_values():
    sizes = object_sizes(RECORDS, n=2_000)
    assert sizes.names == list(RECORDS)
    assert sizes["slots"].value < sizes["plain"].value
    assert sizes["dataclass(slots=True)"].value < sizes["dataclass"].value
    assert sizes["tuple"].value < sizes["namedtuple"].value + 1
    assert sizes["slots"].value == pytest.approx(sizes.getsizeof["slots"], abs=2)
    assert sizes.smallest in ("slots", "dataclass(slots=True)")
    assert 0 < sizes.saving("slots", "plain") < 1
    assert gc.get_freeze_count() == 0  # the heap is unfrozen again
    json.dumps(sizes.to_dict())


def test_getsizeof_share_is_what_getsizeof_counts_of_the_bytes_owned_with_their_interval():
    sizes = _sizes(112.0, 64.0, spread=2.0)  # getsizeof: plain 56 B, slots 64 B
    assert sizes.getsizeof_share("plain") == Estimate(50.0, 5600 / 114, 5600 / 110, "%")
    assert sizes.getsizeof_share("slots").value == 100.0
    with pytest.raises(KeyError):
        sizes.getsizeof_share("tuple")


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="3.13 moved the values inline into the object")
def test_getsizeof_leaves_out_a_plain_objects_values():
    sizes = object_sizes({"plain": RECORDS["plain"], "slots": RECORDS["slots"]}, n=1_000)
    assert sizes.left_out("plain") >= 8 * 4
    assert sizes.getsizeof["plain"] < sizes.getsizeof["slots"] + 8  # getsizeof alone suggests no saving


def test_object_sizes_rejects_bad_input():
    with pytest.raises(TypeError):
        object_sizes({"x": 3})
    with pytest.raises(ValueError, match="n must be"):
        object_sizes({"tuple": RECORDS["tuple"]}, n=0)


def test_ratio_saving_and_verdict_from_made_up_sizes():
    sizes = _sizes(100.0, 60.0, spread=1.0)
    assert sizes.saving("slots", "plain") == pytest.approx(0.40)
    r = sizes.ratio("plain", "slots")
    assert r.value == pytest.approx(100 / 60) and r.low == pytest.approx(99 / 61) and r.high == pytest.approx(101 / 59)
    assert sizes.verdict("slots", smaller_than="plain", saving=0.30).status == "holds"
    assert sizes.verdict("slots", smaller_than="plain", saving=0.45).status == "refuted"
    assert sizes.verdict("slots", smaller_than="plain", saving=0.40).status == "inconclusive"
    assert sizes.verdict("slots", smaller_than="plain", saving=0.50).by == pytest.approx(2.0)
    assert sizes.verdict("slots", smaller_than="plain", by=1.5).holds


def test_verdict_needs_exactly_one_of_by_and_saving():
    sizes = _sizes(100.0, 60.0)
    with pytest.raises(ValueError, match="exactly one"):
        sizes.verdict("slots", smaller_than="plain")
    with pytest.raises(ValueError, match="exactly one"):
        sizes.verdict("slots", smaller_than="plain", by=2, saving=0.5)
    with pytest.raises(ValueError, match="saving must be"):
        sizes.verdict("slots", smaller_than="plain", saving=1.0)
    with pytest.raises(KeyError, match="smaller_than 'dict' is not among the kinds here"):
        sizes.verdict("slots", smaller_than="dict", by=2)


def test_size_sweep_saving_shrinks_as_fields_grow():
    sweep = size_sweep(plain_and_slotted, [8, 1, 2], n=500)
    assert sweep.k == [1, 2, 8]
    per_object = sweep.per_object
    assert all(s.value < p.value for s, p in zip(per_object["slots"], per_object["plain"]))
    assert per_object["slots"][0].value < per_object["slots"][-1].value
    saving = sweep.saving("slots", "plain")
    assert saving[0] > saving[-1] > 0
    assert sweep.verdict("slots", smaller_than="plain", by=1.01, k=2).holds
    with pytest.raises(KeyError, match="k 3 is not among the field counts here: \\[1, 2, 8\\]"):
        sweep[3]
    assert "saving of slots" in repr(sweep)
    assert json.loads(json.dumps(sweep.to_dict()))["k"] == [1, 2, 8]


def test_size_sweep_classes_made_with_type_cost_what_class_statements_cost():
    sweep = size_sweep(plain_and_slotted, [4], n=1_000)
    sizes = object_sizes({"plain": RECORDS["plain"], "slots": RECORDS["slots"]}, n=1_000)
    for kind in ("plain", "slots"):
        assert sweep[4][kind].value == pytest.approx(sizes[kind].value, abs=1)


def test_size_sweep_rejects_bad_input():
    with pytest.raises(TypeError, match="factories must be a function of k"):
        size_sweep(RECORDS, [1, 2])
    with pytest.raises(ValueError, match="k must hold at least one"):
        size_sweep(plain_and_slotted, [])
    with pytest.raises(ValueError, match="k must be an int >= 1, got 0"):
        size_sweep(plain_and_slotted, [0, 1])
    with pytest.raises(TypeError, match="k must be an int >= 1, got float 1.5"):
        size_sweep(plain_and_slotted, [1.5])
    with pytest.raises(ValueError, match="same names for every k"):
        size_sweep(lambda k: {f"kind{k}": RECORDS["tuple"]}, [1, 2])


def test_attribute_access_reads_and_writes_with_its_own_code():
    obj = Slotted(1, 2, 3, 4)
    read = attribute_access(obj, ["a", "b"], repeat=10)
    assert read() is None
    write = attribute_access(obj, ["a", "b"], repeat=10, write=True)
    write()
    assert (obj.a, obj.b, obj.c) == (9, 9, 3)
    other = attribute_access(Plain(1, 2, 3, 4), ["a", "b"], repeat=10)
    assert other.__code__ is not read.__code__
    with pytest.raises(ValueError, match="no attribute"):
        attribute_access(obj, ["a", "zz"])
    with pytest.raises(ValueError, match="names must be"):
        attribute_access(obj, ["a; import os"])
    with pytest.raises(ValueError, match="repeat must be"):
        attribute_access(obj, ["a"], repeat=0)


def test_plots_have_titles_and_labels():
    import matplotlib.pyplot as plt

    sizes = object_sizes({kind: RECORDS[kind] for kind in ("plain", "slots", "tuple")}, n=200)
    ax = sizes.plot(getsizeof=True)
    assert "getsizeof" in ax.get_title() and ax.get_xlabel()
    assert len(ax.patches) == 6  # two bars per kind
    ax = sizes.plot(total=True)
    assert "200" in ax.get_title()
    sweep = size_sweep(plain_and_slotted, [1, 2, 3], n=200)
    ax = sweep.plot()
    assert ax.get_xlabel() == "number of fields k" and ax.get_ylabel()
    ax = sweep.plot_saving("slots", "plain", claim=(0.40, 0.50))
    assert "40%-50%" in " ".join(t.get_text() for t in ax.get_legend().get_texts())
    plt.close("all")
