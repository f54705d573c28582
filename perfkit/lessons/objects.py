"""Objects: what one live record costs in memory, by the kind of class that holds its fields.

Records with k fields are made programmatically for each kind (plain class, `__slots__`,
dataclasses, namedtuple, tuple, dict), the way a person would write them by hand, so that
CPython lays them out exactly as it would in real code. Sizes are `bytes_per_object`
(tracemalloc, everything the object owns) beside `sys.getsizeof` (the object's own block only).
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import gc
import keyword
import sys
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from ..engine.kernels import as_kernels
from ..engine.memory import bytes_per_object
from ..engine.stats import Estimate
from ..engine.units import format_bytes, format_ratio
from ..engine.verdict import Verdict, claimed

KINDS = ("plain", "slots", "dataclass", "dataclass(slots=True)", "namedtuple", "tuple", "dict")
WRITABLE_KINDS = ("plain", "slots", "dataclass", "dataclass(slots=True)", "dict")


def _check_count(k: Any, argument: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"{argument} must be an integer >= 1, got {k!r}")
    return k


def _check_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    kinds = tuple(kinds)
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown or not kinds:
        raise ValueError(f"kinds must be a non-empty selection of {list(KINDS)}, got {list(kinds)}")
    return kinds


def attribute_names(k: int) -> list[str]:
    """The k field names every record kind uses: a0, a1, ..."""
    return [f"a{i}" for i in range(_check_count(k))]


def record_classes(k: int) -> dict[str, type]:
    """One class per class-based kind, each holding k fields `a0 ... a{k-1}`.

    plain and slots get a hand-style `__init__` (one `self.a0 = a0` line per field).
    """
    names = attribute_names(k)
    args = ", ".join(names)
    body = "\n".join(f"        self.{n} = {n}" for n in names)
    source = (f"class Plain{k}:\n    def __init__(self, {args}):\n{body}\n\n"
              f"class Slots{k}:\n    __slots__ = {tuple(names)!r}\n\n"
              f"    def __init__(self, {args}):\n{body}\n")
    namespace: dict[str, Any] = {"__name__": __name__}
    exec(compile(source, f"<perfkit record classes, k={k}>", "exec"), namespace)
    return {
        "plain": namespace[f"Plain{k}"],
        "slots": namespace[f"Slots{k}"],
        "dataclass": dataclasses.make_dataclass(f"Data{k}", names),
        "dataclass(slots=True)": dataclasses.make_dataclass(f"SlottedData{k}", names, slots=True),
        "namedtuple": collections.namedtuple(f"Named{k}", names),
    }


def record_factories(k: int, kinds: Iterable[str] = KINDS, value: Any = 0) -> dict[str, Callable[[], Any]]:
    """kind -> a no-argument callable that makes a new record of k fields, all set to `value`.

    Every field holds the same `value` object, so a measurement counts the record itself, not
    its contents. The tuple and dict are built from a variable, so each call makes a new one
    (a literal of constants would be one shared object).
    """
    kinds = _check_kinds(kinds)
    names = attribute_names(k)
    values = ", ".join("value" for _ in names)
    classes = record_classes(k)
    calls = {kind: f"{cls.__name__}({values})" for kind, cls in classes.items()}
    calls["tuple"] = f"({values},)"
    calls["dict"] = "{" + ", ".join(f"{n!r}: value" for n in names) + "}"
    namespace: dict[str, Any] = {cls.__name__: cls for cls in classes.values()}
    namespace["value"] = value
    factories = {}
    for kind in kinds:
        exec(f"def make():\n    return {calls[kind]}\n", namespace)
        make = namespace.pop("make")
        make.__name__ = make.__qualname__ = f"make_{kind}"
        factories[kind] = make
    return factories


def attribute_access(obj: Any, names: Sequence[str], repeat: int = 100, write: bool = False) -> Callable[[], None]:
    """A no-argument kernel that reads (or, with `write`, sets) each of `names` on `obj`, `repeat` times.

    Its code is compiled afresh on every call, so CPython's specialisation of the attribute
    access belongs to this one object type: one shared function timed on both a plain and a
    slotted object would be specialised for one of them and slowed on the other.
    """
    _check_count(repeat, "repeat")
    names = list(names)
    bad = [n for n in names if not isinstance(n, str) or not n.isidentifier() or keyword.iskeyword(n)]
    if bad or not names:
        raise ValueError(f"names must be a non-empty list of attribute names, got {names!r}")
    missing = [n for n in names if not hasattr(obj, n)]
    if missing:
        raise ValueError(f"{type(obj).__name__} object has no attribute(s) {missing}")
    line = "; ".join(f"o.{n} = i" if write else f"o.{n}" for n in names)
    source = f"def access():\n    o = obj\n    for i in range({repeat}):\n        {line}\n"
    namespace: dict[str, Any] = {"obj": obj}
    exec(compile(source, f"<perfkit attribute_access of {type(obj).__name__}>", "exec"), namespace)
    access = namespace["access"]
    access.__name__ = f"{'write' if write else 'read'}_{type(obj).__name__}"
    return access


def _ratio(a: Estimate, b: Estimate) -> Estimate:
    """a / b; the interval spans the extremes of both ranges."""
    return Estimate(a.value / b.value, a.low / b.high, a.high / b.low, "x")


@dataclass
class ObjectSizes:
    """Bytes each live object costs (tracemalloc) and what `sys.getsizeof` says, per kind."""

    per_object: dict[str, Estimate]  # bytes_per_object: everything the object owns
    getsizeof: dict[str, int]  # sys.getsizeof of one object: its own block only
    n: int  # objects alive at once while measuring

    @property
    def names(self) -> list[str]:
        return list(self.per_object)

    @property
    def smallest(self) -> str:
        return min(self.per_object, key=lambda name: self.per_object[name].value)

    def _known(self, name: str, argument: str = "name") -> str:
        if name not in self.per_object:
            raise ValueError(f"{argument} {name!r} was not measured; the kinds are {self.names}")
        return name

    def __getitem__(self, name: str) -> Estimate:
        return self.per_object[self._known(name)]

    def ratio(self, numerator: str, denominator: str) -> Estimate:
        """bytes(numerator) / bytes(denominator); the interval spans the repeats' extremes."""
        return _ratio(self[self._known(numerator, "numerator")], self[self._known(denominator, "denominator")])

    def saving(self, name: str, baseline: str) -> float:
        """Share of `baseline`'s bytes that `name` saves: 0.4 means "40% less memory"."""
        return 1.0 - self[name].value / self[self._known(baseline, "baseline")].value

    def left_out(self, name: str) -> float:
        """Bytes per object that `sys.getsizeof` does not count (instance dict or values array)."""
        return self[name].value - self.getsizeof[name]

    def verdict(self, name: str, smaller_than: str, by: float | None = None, *,
                saving: float | None = None, claim: Any = None) -> Verdict:
        """Judge "`name` takes at least `by` times less memory than `smaller_than`".

        Give `saving` instead of `by` for a claim in percent: saving=0.40 ("40% less memory")
        is by = 1 / (1 - 0.40), about 1.67.
        """
        if by is not None and saving is not None or by is None and saving is None and claim is None:
            raise ValueError("give exactly one of by (a factor, e.g. 1.5) or saving (a share, e.g. 0.40), "
                             "or a claim whose factor is judged")
        if saving is not None:
            if isinstance(saving, bool) or not isinstance(saving, (int, float)) or not 0 <= saving < 1:
                raise ValueError(f"saving must be a share in [0, 1), e.g. 0.40 for 40% less, got {saving!r}")
            by = 1.0 / (1.0 - saving)
        self._known(name)
        by, claim_id = claimed(by, claim)
        return Verdict(name, self._known(smaller_than, "smaller_than"), "smaller", by,
                       self.ratio(smaller_than, name), claim_id)

    def _rows(self) -> list[list[str]]:
        smallest = self.smallest
        return [[name, format_bytes(round(self[name].value, 1)), f"{self.getsizeof[name]:,} B",
                 format_bytes(round(max(self.left_out(name), 0.0))),
                 "smallest" if name == smallest else f"{format_ratio(self.ratio(name, smallest).value)} larger"]
                for name in self.names]

    def __repr__(self) -> str:
        width = max(len(n) for n in self.names)
        lines = [f"ObjectSizes (bytes per live object, {self.n:,} alive; sys.getsizeof beside)"]
        lines += [f"  {r[0]:<{width}}  {r[1]:>9}  getsizeof {r[2]:>7}  left out {r[3]:>7}  {r[4]}"
                  for r in self._rows()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from ..engine.tables import table

        return table(["kind", "bytes per object", "sys.getsizeof", "left out by getsizeof", "vs smallest"],
                     self._rows(), caption="Memory per live object",
                     notes=[f"bytes per object: tracemalloc over {self.n:,} live objects, median of 3",
                            "sys.getsizeof: the object's own block, without its dict or values"])

    def plot(self, ax: Any = None, getsizeof: bool = False, total: bool = False) -> Any:
        """Bars of bytes per object (or for all `n` objects with `total`), optionally beside
        `sys.getsizeof`; returns the Axes."""
        from ..display.plots import plot_object_sizes

        return plot_object_sizes(self, ax=ax, getsizeof=getsizeof, total=total)

    def to_dict(self) -> dict[str, Any]:
        return {"per_object": {n: e.to_dict() for n, e in self.per_object.items()},
                "getsizeof": dict(self.getsizeof), "n": self.n, "smallest": self.smallest}


@contextlib.contextmanager
def _heap_frozen() -> Iterator[None]:
    """Objects alive now are left out of garbage collections for the duration.

    bytes_per_object collects garbage before each measurement; with matplotlib loaded a full
    collection takes tens of milliseconds, a collection of only the new objects almost nothing.
    Sizes do not change: objects are freed by reference counting either way.
    """
    if gc.get_freeze_count():  # the caller froze the heap already: leave it as it is
        yield
        return
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def object_sizes(factories: Mapping[str, Callable[[], Any]], n: int = 10_000) -> ObjectSizes:
    """Bytes per live object for each factory (`pk.bytes_per_object`), and `sys.getsizeof` of one.

    Args:
        factories: name -> no-argument callable returning a new object, e.g. record_factories(4).
        n: objects kept alive at once while measuring.
    """
    fns = as_kernels(factories, "factories")
    _check_count(n, "n")
    # one object first: a plain class builds its shared key table on its first instance
    shallow = {name: sys.getsizeof(fn()) for name, fn in fns.items()}
    with _heap_frozen():
        per_object = {name: bytes_per_object(fn, n=n) for name, fn in fns.items()}
    return ObjectSizes(per_object, shallow, n)


@dataclass
class SizeSweep:
    """ObjectSizes of records with k fields, for each k."""

    k: list[int]
    sizes: list[ObjectSizes]

    @property
    def names(self) -> list[str]:
        return self.sizes[0].names

    def at(self, k: int) -> ObjectSizes:
        if k not in self.k:
            raise ValueError(f"k={k!r} was not measured; the sweep has k in {self.k}")
        return self.sizes[self.k.index(k)]

    @property
    def per_object(self) -> dict[str, list[Estimate]]:
        return {name: [s[name] for s in self.sizes] for name in self.names}

    def saving(self, name: str, baseline: str) -> list[float]:
        """Share of `baseline`'s bytes that `name` saves, one value per k."""
        return [s.saving(name, baseline) for s in self.sizes]

    def verdict(self, name: str, smaller_than: str, by: float | None = None, *,
                saving: float | None = None, k: int, claim: Any = None) -> Verdict:
        """ObjectSizes.verdict for records of `k` fields."""
        return self.at(k).verdict(name, smaller_than, by, saving=saving, claim=claim)

    def _table(self, baseline: str) -> tuple[list[str], list[list[str]]]:
        others = [n for n in self.names if n != baseline]
        headers = ["k", f"{baseline}"] + others + [f"saving of {n}" for n in others]
        rows = [[str(k)] + [format_bytes(round(s[n].value, 1)) for n in self.names if n == baseline]
                + [format_bytes(round(s[n].value, 1)) for n in others]
                + [f"{s.saving(n, baseline):.0%}" for n in others] for k, s in zip(self.k, self.sizes)]
        return headers, rows

    def __repr__(self) -> str:
        headers, rows = self._table(self.names[0])
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
        lines = ["SizeSweep (bytes per live object against the number of fields k)"]
        lines += ["  " + "  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in [headers, *rows]]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from ..engine.tables import table

        headers, rows = self._table(self.names[0])
        return table(headers, rows, caption="Bytes per live object against the number of fields",
                     notes=[f"saving = 1 - bytes / bytes of {self.names[0]}; "
                            f"{self.sizes[0].n:,} objects alive per measurement"])

    def plot(self, ax: Any = None) -> Any:
        """Bytes per object against k, one line per kind; returns the Axes."""
        from ..display.plots import plot_size_sweep

        return plot_size_sweep(self, ax=ax)

    def plot_saving(self, name: str, baseline: str, claim: tuple[float, float] | None = None,
                    ax: Any = None) -> Any:
        """`name`'s saving over `baseline` against k, with a claimed range shaded; returns the Axes."""
        from ..display.plots import plot_size_saving

        return plot_size_saving(self, name, baseline, claim=claim, ax=ax)

    def to_dict(self) -> dict[str, Any]:
        return {"k": list(self.k), "sizes": [s.to_dict() for s in self.sizes]}


def size_sweep(k: Iterable[int] = range(1, 17), kinds: Iterable[str] = ("plain", "slots"),
               n: int = 2_000) -> SizeSweep:
    """ObjectSizes of records with each number of fields in `k`, for the given kinds.

    Args:
        k: numbers of fields, each >= 1.
        kinds: a selection of KINDS.
        n: objects kept alive at once per measurement (sizes are deterministic; 2,000 is plenty).
    """
    counts = sorted({_check_count(x) for x in k})
    if not counts:
        raise ValueError("k must hold at least one number of fields")
    kinds = _check_kinds(kinds)
    with _heap_frozen():
        return SizeSweep(counts, [object_sizes(record_factories(c, kinds), n=n) for c in counts])
