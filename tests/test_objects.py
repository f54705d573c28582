"""Tests for perfkit.lessons.objects: record kinds made programmatically, their sizes, sweeps and verdicts."""

from __future__ import annotations

import gc
import json
import sys

import matplotlib

matplotlib.use("Agg")

import pytest

from perfkit import Estimate
from perfkit.lessons.objects import (
    KINDS,
    ObjectSizes,
    attribute_access,
    attribute_names,
    object_sizes,
    record_classes,
    record_factories,
    size_sweep,
)


def _sizes(plain: float, slots: float, spread: float = 0.0) -> ObjectSizes:
    return ObjectSizes({"plain": Estimate(plain, plain - spread, plain + spread, "B"),
                        "slots": Estimate(slots, slots - spread, slots + spread, "B")},
                       {"plain": 56, "slots": int(slots)}, n=100)


def test_attribute_names_and_bad_counts():
    assert attribute_names(3) == ["a0", "a1", "a2"]
    for bad in (0, -1, 2.0, True, "3"):
        with pytest.raises(ValueError, match="k must be an integer >= 1"):
            attribute_names(bad)


def test_record_classes_have_k_fields_and_the_right_layout():
    classes = record_classes(3)
    assert set(classes) == set(KINDS) - {"tuple", "dict"}
    for kind, cls in classes.items():
        obj = cls(1, 2, 3)
        assert (obj.a0, obj.a1, obj.a2) == (1, 2, 3), kind
    assert not hasattr(classes["slots"](1, 2, 3), "__dict__")
    assert not hasattr(classes["dataclass(slots=True)"](1, 2, 3), "__dict__")
    assert hasattr(classes["plain"](1, 2, 3), "__dict__")
    assert classes["slots"].__slots__ == ("a0", "a1", "a2")


def test_record_factories_make_a_new_object_per_call():
    value = object()
    factories = record_factories(5, value=value)
    assert list(factories) == list(KINDS)
    for kind, make in factories.items():
        a, b = make(), make()
        assert a is not b, kind
        assert make.__name__ == f"make_{kind}"
    assert factories["tuple"]() == (value,) * 5
    assert factories["dict"]() == {f"a{i}": value for i in range(5)}
    assert factories["slots"]().a4 is value
    assert record_factories(1, ["tuple"])["tuple"]() == (0,)


def test_record_factories_reject_unknown_kinds():
    with pytest.raises(ValueError, match="kinds must be"):
        record_factories(2, ["plain", "struct"])
    with pytest.raises(ValueError, match="kinds must be"):
        record_factories(2, [])


def test_object_sizes_slots_smaller_than_plain_and_getsizeof_misses_the_values():
    sizes = object_sizes(record_factories(4), n=2_000)
    assert sizes.names == list(KINDS)
    assert sizes["slots"].value < sizes["plain"].value
    assert sizes["dataclass(slots=True)"].value < sizes["dataclass"].value
    assert sizes["tuple"].value < sizes["namedtuple"].value + 1
    assert sizes["slots"].value == pytest.approx(sizes.getsizeof["slots"], abs=2)
    assert sizes.smallest in ("slots", "dataclass(slots=True)")
    assert 0 < sizes.saving("slots", "plain") < 1
    assert gc.get_freeze_count() == 0  # the heap is unfrozen again
    json.dumps(sizes.to_dict())


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="3.13 moved the values inline into the object")
def test_getsizeof_leaves_out_a_plain_objects_values():
    sizes = object_sizes(record_factories(4, ["plain", "slots"]), n=1_000)
    assert sizes.left_out("plain") >= 8 * 4
    assert sizes.getsizeof["plain"] < sizes.getsizeof["slots"] + 8  # getsizeof alone suggests no saving


def test_object_sizes_rejects_bad_input():
    with pytest.raises(TypeError):
        object_sizes({"x": 3})
    with pytest.raises(ValueError, match="n must be"):
        object_sizes(record_factories(2, ["tuple"]), n=0)


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
    with pytest.raises(ValueError, match="smaller_than 'dict' was not measured"):
        sizes.verdict("slots", smaller_than="dict", by=2)


def test_size_sweep_saving_shrinks_as_fields_grow():
    sweep = size_sweep([8, 1, 2], kinds=("plain", "slots"), n=500)
    assert sweep.k == [1, 2, 8]
    per_object = sweep.per_object
    assert all(s.value < p.value for s, p in zip(per_object["slots"], per_object["plain"]))
    assert per_object["slots"][0].value < per_object["slots"][-1].value
    saving = sweep.saving("slots", "plain")
    assert saving[0] > saving[-1] > 0
    assert sweep.verdict("slots", smaller_than="plain", by=1.01, k=2).holds
    with pytest.raises(ValueError, match="k=3 was not measured"):
        sweep.at(3)
    assert "saving of slots" in repr(sweep)
    assert json.loads(json.dumps(sweep.to_dict()))["k"] == [1, 2, 8]


def test_attribute_access_reads_and_writes_with_its_own_code():
    cls = record_classes(2)["slots"]
    obj = cls(1, 2)
    read = attribute_access(obj, ["a0", "a1"], repeat=10)
    assert read() is None
    write = attribute_access(obj, ["a0", "a1"], repeat=10, write=True)
    write()
    assert (obj.a0, obj.a1) == (9, 9)
    other = attribute_access(record_classes(2)["plain"](1, 2), ["a0", "a1"], repeat=10)
    assert other.__code__ is not read.__code__
    with pytest.raises(ValueError, match="no attribute"):
        attribute_access(obj, ["a0", "zz"])
    with pytest.raises(ValueError, match="names must be"):
        attribute_access(obj, ["a0; import os"])
    with pytest.raises(ValueError, match="repeat must be"):
        attribute_access(obj, ["a0"], repeat=0)


def test_plots_have_titles_and_labels():
    import matplotlib.pyplot as plt

    sizes = object_sizes(record_factories(3, ["plain", "slots", "tuple"]), n=200)
    ax = sizes.plot(getsizeof=True)
    assert "getsizeof" in ax.get_title() and ax.get_xlabel()
    assert len(ax.patches) == 6  # two bars per kind
    ax = sizes.plot(total=True)
    assert "200" in ax.get_title()
    sweep = size_sweep([1, 2, 3], n=200)
    ax = sweep.plot()
    assert ax.get_xlabel() == "number of fields k" and ax.get_ylabel()
    ax = sweep.plot_saving("slots", "plain", claim=(0.40, 0.50))
    assert "40%-50%" in " ".join(t.get_text() for t in ax.get_legend().get_texts())
    plt.close("all")
