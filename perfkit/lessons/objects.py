"""Objects: what one live object costs in memory, and how fast its attributes are read.

The objects are the caller's: `object_sizes` takes factories (name -> a no-argument callable
that makes a new object), `size_sweep` a function of k that returns such factories, so the
classes under test are written where a reader sees them (in the notebook). Sizes are
`bytes_per_object` (tracemalloc, everything the object owns) beside `sys.getsizeof` (the
object's own block only). The results they give, ObjectSizes and SizeSweep, are in sizes.py.
"""

from __future__ import annotations

import keyword
import sys
from typing import Any, Callable, Iterable, Mapping, Sequence

from ..engine.checks import check_int
from ..engine.kernels import as_kernels
from ..engine.memory import bytes_per_object, heap_frozen
from .sizes import ObjectSizes, SizeSweep

__all__ = ["attribute_access", "object_sizes", "size_sweep", "ObjectSizes", "SizeSweep"]


def _check_count(k: Any, argument: str = "k") -> int:
    return check_int(k, argument, low=1)


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


def object_sizes(factories: Mapping[str, Callable[[], Any]], n: int = 10_000) -> ObjectSizes:
    """Bytes per live object for each factory (`pk.bytes_per_object`), and `sys.getsizeof` of one.

    Args:
        factories: name -> no-argument callable returning a new object, e.g.
            {"plain": lambda: Point(0, 0), "slots": lambda: SlottedPoint(0, 0)}.
        n: objects kept alive at once while measuring.
    """
    fns = as_kernels(factories, "factories")
    _check_count(n, "n")
    # one object first: a plain class builds its shared key table on its first instance
    shallow = {name: sys.getsizeof(fn()) for name, fn in fns.items()}
    with heap_frozen():
        per_object = {name: bytes_per_object(fn, n=n) for name, fn in fns.items()}
    return ObjectSizes(per_object, shallow, n)


def size_sweep(factories: Callable[[int], Mapping[str, Callable[[], Any]]], k: Iterable[int],
               n: int = 2_000) -> SizeSweep:
    """ObjectSizes of the objects `factories(k)` makes, for each number of fields in `k`.

    Args:
        factories: k -> {name: no-argument callable returning a new object with k fields};
            the same names for every k.
        k: numbers of fields, each >= 1.
        n: objects kept alive at once per measurement (sizes are deterministic; 2,000 is plenty).
    """
    if not callable(factories):
        raise TypeError(f"factories must be a function of k returning {{name: factory}}, "
                        f"got {type(factories).__name__}")
    counts = sorted({_check_count(x) for x in k})
    if not counts:
        raise ValueError("k must hold at least one number of fields")
    made = {c: dict(factories(c)) for c in counts}
    names = {c: list(fns) for c, fns in made.items()}
    odd = next((c for c in counts if names[c] != names[counts[0]]), None)
    if odd is not None:
        raise ValueError(f"factories(k) must return the same names for every k, got {names[counts[0]]} "
                         f"for k={counts[0]} and {names[odd]} for k={odd}")
    with heap_frozen():
        return SizeSweep(counts, [object_sizes(made[c], n=n) for c in counts])
