"""When two kernels' results agree: the check that a fast wrong answer is never timed.

Two results agree when:
- numbers are equal by value, as Python sees them (3 agrees with 3.0, True with 1), floats
  within a relative tolerance of 1e-9 (or 1e-12 apart, for sums that cancel to about zero),
  NaN with NaN;
- numpy arrays have the same shape and agree element by element (numbers as above, strings
  and other dtypes exactly, object arrays recursively); a string array never agrees with a
  number array;
- containers are of the same kind as Python's == sees it (a list never agrees with a tuple; a
  dict agrees with an OrderedDict or a Counter holding the same items; a set with a
  frozenset), the same length or keys, and agree item by item, recursively;
- dataclass instances are of the same class and agree field by field;
- anything else is compared with ==.
`equal=` (a callable `equal(a, b) -> bool`) replaces the whole rule for one comparison.
"""

from __future__ import annotations

import dataclasses
import io
import math
import numbers
import sys
from collections.abc import AsyncIterator, Iterator, Mapping, Set
from typing import Any, Callable

from .errors import KernelMismatchError

REL_TOL = 1e-9
ABS_TOL = 1e-12


def results_agree(a: Any, b: Any) -> bool:
    """True when `a` and `b` agree by the rule above."""
    return difference(a, b) is None


def difference(a: Any, b: Any, where: str = "") -> str | None:
    """Where and how `a` and `b` first differ ("at [1]: shape (1,) vs (5,)"), or None."""
    at = f"at {where}: " if where else ""
    if a is b:
        return None
    if type(a) is type(b) and _flat(a) and _flat(b) and a == b:
        return None  # the quick answer, in C; otherwise look item by item
    if _is_array(a) or _is_array(b):
        return _array_difference(a, b, where)
    if isinstance(a, numbers.Number) and isinstance(b, numbers.Number):
        return None if _numbers_agree(a, b) else f"{at}{_short(a)} vs {_short(b)}"
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return _sequence_difference(a, b, where)
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return _mapping_difference(a, b, where)
    if isinstance(a, Set) and isinstance(b, Set):
        return _set_difference(a, b, where)
    if dataclasses.is_dataclass(a) and not isinstance(a, type) and type(a) is type(b):
        for f in dataclasses.fields(a):
            if f.compare:
                found = difference(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
                if found is not None:
                    return found
        return None
    return _plain_difference(a, b, at)


def _plain_difference(a: Any, b: Any, at: str) -> str | None:
    if type(a).__module__.startswith("pandas") and hasattr(a, "equals"):
        return None if type(a) is type(b) and a.equals(b) else f"{at}{_short(a)} vs {_short(b)}"
    try:
        equal = bool(a == b)
    except Exception as exc:  # e.g. == returned something that is neither True nor False
        return (f"{at}{_kind(a)} == {_kind(b)} gave no answer ({type(exc).__name__}: {exc}); "
                "pass equal= to compare them")
    if equal:
        return None
    if type(a) is type(b) and type(a).__eq__ is object.__eq__:
        return (f"{at}two {_kind(a)} objects, which compare by identity ({_kind(a)} defines no "
                "__eq__); pass equal= to compare them")
    if type(a) is not type(b):
        return f"{at}{_kind(a)} {_short(a)} vs {_kind(b)} {_short(b)}"
    return f"{at}{_short(a)} vs {_short(b)}"


def _numbers_agree(a: Any, b: Any) -> bool:
    if isinstance(a, numbers.Integral) and isinstance(b, numbers.Integral):
        return a == b
    try:
        if isinstance(a, numbers.Real) and isinstance(b, numbers.Real):
            x, y = float(a), float(b)
            return (math.isnan(x) and math.isnan(y)) or math.isclose(x, y, rel_tol=REL_TOL, abs_tol=ABS_TOL)
        x, y = complex(a), complex(b)
    except (TypeError, ValueError, OverflowError):  # e.g. a Decimal: compared exactly
        return bool(a == b)
    return all(_numbers_agree(p, q) for p, q in ((x.real, y.real), (x.imag, y.imag)))


def _sequence_difference(a: Any, b: Any, where: str) -> str | None:
    at = f"at {where}: " if where else ""
    same_kind = (isinstance(a, list) and isinstance(b, list)) or (isinstance(a, tuple) and isinstance(b, tuple))
    if not same_kind:
        return f"{at}{_kind(a)} {_short(a)} vs {_kind(b)} {_short(b)}"
    if len(a) != len(b):
        return f"{at}length {len(a)} vs {len(b)}"
    start = 0
    if len(a) > 100 and all(type(x) is float for x in a) and all(type(y) is float for y in b):
        import numpy as np  # a million floats: the same rule at numpy's speed

        same = np.isclose(np.array(a), np.array(b), rtol=REL_TOL, atol=ABS_TOL, equal_nan=True)
        if same.all():
            return None
        start = int(np.argmin(same))
    for i, (x, y) in enumerate(zip(a[start:], b[start:]), start):
        found = difference(x, y, f"{where}[{i}]")
        if found is not None:
            return found
    return None


def _mapping_difference(a: Mapping, b: Mapping, where: str) -> str | None:
    at = f"at {where}: " if where else ""
    only_a = [k for k in a if k not in b]
    only_b = [k for k in b if k not in a]
    if only_a or only_b:
        return f"{at}keys only in the first: {_short(only_a)}, only in the second: {_short(only_b)}"
    for key in a:
        found = difference(a[key], b[key], f"{where}[{key!r}]")
        if found is not None:
            return found
    return None


def _set_difference(a: Set, b: Set, where: str) -> str | None:
    if a == b:
        return None
    at = f"at {where}: " if where else ""
    return (f"{at}items only in the first: {_short(sorted(a - b, key=repr))}, "
            f"only in the second: {_short(sorted(b - a, key=repr))}")


def _array_difference(a: Any, b: Any, where: str) -> str | None:
    import numpy as np

    at = f"at {where}: " if where else ""
    if not (_is_array(a) and _is_array(b)):
        return f"{at}{_kind(a)} {_short(a)} vs {_kind(b)} {_short(b)}"
    if a.shape != b.shape:
        return f"{at}shape {a.shape} vs {b.shape}"
    kinds = a.dtype.kind + b.dtype.kind
    if "O" in kinds or "V" in kinds:  # objects and records: item by item, by the same rule
        for index in np.ndindex(a.shape):
            found = difference(a[index], b[index], f"{where}[{', '.join(map(str, index))}]")
            if found is not None:
                return found
        return None
    numeric = a.dtype.kind in "biufc" and b.dtype.kind in "biufc"
    if not numeric and a.dtype.kind != b.dtype.kind:
        return f"{at}dtype {a.dtype} vs {b.dtype}"
    if numeric and (a.dtype.kind in "fc" or b.dtype.kind in "fc"):
        same = np.isclose(a, b, rtol=REL_TOL, atol=ABS_TOL, equal_nan=True)
    else:  # ints, bools, strings, dates: exactly
        same = np.asarray(a == b)
        if a.dtype.kind in "mM":
            same |= np.isnat(a) & np.isnat(b)
    if same.all():
        return None
    index = tuple(int(i) for i in np.argwhere(~same)[0])
    return f"at {where}[{', '.join(map(str, index))}]: {_short(a[index].item())} vs {_short(b[index].item())}"


def is_lazy(value: Any) -> bool:
    """True for a generator or another lazy iterator (map, filter, zip...), but not a file."""
    return isinstance(value, (Iterator, AsyncIterator)) and not isinstance(value, io.IOBase)


def refuse_lazy(name: str, value: Any) -> None:
    """TypeError when a kernel returned a lazy iterator: timing it would time only its creation."""
    if is_lazy(value):
        raise TypeError(
            f"kernel {name!r} returned a {type(value).__name__} (a lazy iterator): only its creation "
            "would be timed, not the work of producing its items. Consume it in the kernel, e.g. "
            "lambda: list(gen(x)), or collections.deque(gen(x), maxlen=0) to drop the items; or pass "
            "check=False to time the creation alone.")


def lazy_note(value: Any) -> str | None:
    """The note a Timing carries when its kernel returned a lazy iterator, else None."""
    if not is_lazy(value):
        return None
    return (f"it returned a {type(value).__name__} (a lazy iterator): only its creation was timed, "
            "not its items; consume it, e.g. with list(...), to time the work")


def check_agreement(results: dict[str, Any], equal: Callable[[Any, Any], Any] | None = None) -> None:
    """Raise when a result is a lazy iterator (TypeError), or differs from the first one.

    KernelMismatchError names both kernels, shows both results and says where they differ.
    """
    for name, value in results.items():
        refuse_lazy(name, value)
    names = list(results)
    ref = names[0]
    for name in names[1:]:
        a, b = results[ref], results[name]
        if equal is None:
            found = difference(a, b)
        else:
            try:
                found = None if bool(equal(a, b)) else "by equal(a, b), which returned False"
            except Exception as exc:
                raise TypeError(f"equal(a, b) must return True or False; comparing the results of "
                                f"{ref!r} and {name!r} it raised {type(exc).__name__}: {exc}") from exc
        if found is not None:
            raise KernelMismatchError(
                f"kernels {ref!r} and {name!r} returned different results: "
                f"{ref!r} -> {_short(a)}, {name!r} -> {_short(b)}; they differ"
                f"{' ' if found.startswith(('at ', 'by ')) else ': '}{found}. "
                "Fix the kernels, pass equal= to compare results your own way, or check=False if "
                "they are not meant to agree.")


_ATOMS = (int, float, complex, str, bytes, bool, type(None))


def _flat(value: Any) -> bool:
    """A builtin container whose == is this rule's, when it says equal: no array inside, whose
    == would broadcast ([np.zeros(1)] == [np.zeros((1, 1))] is True)."""
    if isinstance(value, (set, frozenset)):
        return True  # hashable items: no arrays
    if isinstance(value, (list, tuple)):
        return all(type(v) in _ATOMS for v in value)
    if isinstance(value, dict):
        return all(type(v) in _ATOMS for v in value.values())
    return False


def _is_array(value: Any) -> bool:
    np = sys.modules.get("numpy")  # a numpy array can only exist once numpy is imported
    return np is not None and isinstance(value, np.ndarray)


def _kind(value: Any) -> str:
    return type(value).__name__


def _short(value: Any, limit: int = 80) -> str:
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
