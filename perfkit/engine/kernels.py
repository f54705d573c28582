"""Kernels: validating them, giving each its own copy of the input, checking they agree."""

from __future__ import annotations

import copy
import functools
import inspect
import math
import os
import types
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from .agreement import check_agreement, difference, is_lazy, results_agree  # noqa: F401 - re-exported
from .checks import check_callable, check_seconds
from .errors import SetupError

MAX_BUDGET = 86_400.0  # a day: a larger budget is a slip (ms for s?), and overflows timers

NO_ARG = object()  # marks "call the kernel with no argument" (no setup)


@dataclass
class Kernel:
    """One named callable and how to call it."""

    name: str
    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.fn) or inspect.iscoroutinefunction(
            getattr(self.fn, "__call__", None)
        )


def as_kernels(kernels: Any, argument: str = "kernels") -> dict[str, Callable[..., Any]]:
    """A mapping of name -> callable, from a mapping, or a list of callables or (name, fn) pairs.

    Raises TypeError / ValueError naming the culprit.
    """
    if isinstance(kernels, Mapping):
        pairs = list(kernels.items())
    elif isinstance(kernels, Sequence) and not isinstance(kernels, (str, bytes)):
        pairs = [k if isinstance(k, tuple) and len(k) == 2 else (getattr(k, "__name__", repr(k)), k)
                 for k in kernels]
    elif callable(kernels):
        raise TypeError(f"{argument} must be a mapping of name -> callable, e.g. "
                        f"{{'mine': fn}}; got a single callable (use pk.bench for one)")
    else:
        raise TypeError(f"{argument} must be a mapping of name -> callable, got {type(kernels).__name__}")
    if not pairs:
        raise ValueError(f"{argument} is empty: give at least one name -> callable")
    result: dict[str, Callable[..., Any]] = {}
    for name, fn in pairs:
        if not isinstance(name, str) or not name:
            raise TypeError(f"kernel names must be non-empty strings, got {name!r}")
        if name in result:
            raise ValueError(f"duplicate kernel name {name!r}: every kernel needs its own name")
        if not callable(fn):
            raise TypeError(f"kernel {name!r} is not callable: got {type(fn).__name__} {fn!r:.60}")
        result[name] = fn
    return result


def check_budget(budget: Any, argument: str = "budget") -> float:
    """The budget in seconds as given (see `scaled`): a number > 0 and at most a day.

    Raises TypeError for a non-number (or a bool), ValueError for one out of range.
    """
    return check_seconds(budget, argument, high=MAX_BUDGET, hint="(a day)")


def scaled(budget: float) -> float:
    """A checked budget times PERFKIT_BUDGET_SCALE: the seconds actually spent measuring."""
    return budget * budget_scale()


def budget_scale() -> float:
    raw = os.environ.get("PERFKIT_BUDGET_SCALE", "").strip()
    if not raw:
        return 1.0
    try:
        scale = float(raw)
    except ValueError:
        scale = -1.0
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"PERFKIT_BUDGET_SCALE must be a number > 0, got {raw!r}")
    return scale


def run_setup(setup: Callable[..., Any] | None, *args: Any) -> Any:
    """Call setup (if any) and wrap what it raises in SetupError."""
    if setup is None:
        return NO_ARG
    check_callable(setup, "setup", or_none=True)
    try:
        return setup(*args)
    except Exception as exc:
        shown = f"setup({', '.join(map(repr, args))})"
        raise SetupError(f"{shown} raised {type(exc).__name__}: {exc}") from exc


def own_copy(value: Any, notes: list[str] | None = None) -> Any:
    """A deep copy of setup's value, so that no kernel's mutation reaches another's input.

    A value that cannot be deep-copied (a connection, a client holding a lock) is shared, and
    a note saying so goes to `notes` (a warning without them). A lazy iterator (a generator)
    is refused with TypeError: the first kernel would use it up and the others time nothing.
    """
    if value is NO_ARG:
        return value
    if is_lazy(value):
        raise TypeError(f"setup returned a {type(value).__name__} (a lazy iterator), which the first "
                        "kernel would use up, leaving nothing for the others: return a list or a tuple")
    quick = _quick_copy(value)
    if quick is not _SLOW:
        return quick
    try:
        return copy.deepcopy(value)
    except Exception as exc:
        note = (f"setup's value (a {type(value).__name__}) cannot be copied ({type(exc).__name__}: "
                f"{exc}), so every kernel got the same one: a kernel that changes it changes the others' input")
        if notes is None:
            warnings.warn(note, stacklevel=3)
        elif note not in notes:
            notes.append(note)
        return value


_ATOMS = (int, float, complex, str, bytes, bool, type(None))
_SLOW = object()  # _quick_copy's "use deepcopy"


def _quick_copy(value: Any, depth: int = 2) -> Any:
    """A deep copy made much quicker than copy.deepcopy, of the usual inputs only; _SLOW for others.

    The usual inputs: numbers and strings, numpy arrays of numbers, lists and dicts of those,
    sets (their items are hashable, so taken as immutable), and tuples, SimpleNamespaces and
    plain objects holding such values (setup's `(list(...), set(...))`), two levels deep.
    """
    kind = type(value)
    if kind in _ATOMS:
        return value
    # the items of a set and the keys of a dict are hashable: immutable in all but name
    if kind is frozenset:
        return value
    if kind is set or (kind is list and all(type(v) in _ATOMS for v in value)):
        return value.copy()
    if kind is dict and all(type(v) in _ATOMS for v in value.values()):
        return value.copy()
    if kind.__name__ == "ndarray" and kind.__module__ == "numpy" and value.dtype.kind in "biufcSUMm":
        return value.copy()
    if kind is tuple and depth > 0 and _unaliased(value):
        items = [_quick_copy(v, depth - 1) for v in value]
        return _SLOW if any(v is _SLOW for v in items) else tuple(items)
    if depth > 0 and _plain_object(value) and _unaliased(vars(value).values()):
        fields = {k: _quick_copy(v, depth - 1) for k, v in vars(value).items()}
        if any(v is _SLOW for v in fields.values()):
            return _SLOW
        new = kind.__new__(kind)  # as deepcopy makes it: no __init__
        vars(new).update(fields)
        return new
    return _SLOW


def _unaliased(values: Any) -> bool:
    """No mutable value appears twice (deepcopy would keep the two one object; we would not)."""
    mutable = [id(v) for v in values if type(v) not in _ATOMS]
    return len(set(mutable)) == len(mutable)


# the ways a class can take over its own copying: a class with none of them is copied field by field
_COPY_HOOKS = ("__deepcopy__", "__copy__", "__reduce__", "__reduce_ex__", "__getstate__", "__setstate__",
               "__slots__", "__new__", "__init_subclass__")


def _plain_object(value: Any) -> bool:
    """A SimpleNamespace, or an instance of a Python class (a dataclass, say) with only a __dict__."""
    kind = type(value)
    if kind is types.SimpleNamespace:
        return True
    if kind.__module__ == "builtins" or not isinstance(getattr(value, "__dict__", None), dict):
        return False  # functions, modules, classes (a mappingproxy): deepcopy knows them
    return all(not any(hook in vars(k) for hook in _COPY_HOOKS) for k in kind.__mro__[:-1])


def call_args(value: Any) -> tuple[Any, ...]:
    return () if value is NO_ARG else (value,)


class Default:
    """A keyword's default value, told apart from the same value passed on purpose.

    It shows as the value itself, so that a signature reads `budget: float = 0.5`.
    """

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value)


def given(value: Any) -> Any:
    """`value` itself, or the value a Default stands for."""
    return value.value if isinstance(value, Default) else value


def kernel_kwargs(fn: Callable[..., Any], caller: str, options: dict[str, Any], kwargs: Any,
                  fn_kwargs: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments to call `fn` with, kept apart from `caller`'s own `options`.

    `options` are the caller's keywords as passed (None or a Default: not passed). One that
    was passed and that `fn` also takes (a parameter of that name, or **kwargs) is ambiguous
    and refused with TypeError, unless `kwargs=` was passed: then fn's keyword arguments are
    `kwargs` (and any keyword that is not an option), and the options are the caller's.
    """
    if kwargs is not None and not isinstance(kwargs, Mapping):
        raise TypeError(f"kwargs must be a dict of the function's keyword arguments, e.g. "
                        f"kwargs={{'timeout': 5}}, got {type(kwargs).__name__} {kwargs!r:.60}")
    twice = sorted(set(kwargs or {}) & set(fn_kwargs))
    if twice:
        raise TypeError(f"{caller}: {twice} given both in kwargs= and as keywords; give each once")
    if kwargs is None:
        passed = [k for k, v in options.items() if v is not None and not isinstance(v, Default)]
        clashing = [(k, how) for k in passed if (how := _takes(fn, k))]
        if clashing:
            (k, how), label = clashing[0], getattr(fn, "__qualname__", None) or getattr(fn, "__name__", "fn")
            raise TypeError(
                f"{caller}(fn, ..., {k}=...) is ambiguous: {k} is an option of {caller}, and "
                f"{label}() {how}. perfkit never passes its own options on to "
                f"the function: give {label}() its {k} as kwargs={{{k!r}: ...}}, or bind it with "
                f"functools.partial({label}, {k}=...). With kwargs= given (kwargs={{}} if it needs none), {k}= is {caller}'s.")
    return {**(kwargs or {}), **fn_kwargs}


def _takes(fn: Callable[..., Any], name: str) -> str | None:
    """How `fn` accepts a keyword argument `name` ("takes a name argument too"), or None."""
    if isinstance(fn, functools.partial) and name in fn.keywords:
        return None  # bound already: the keyword left over is the caller's
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):  # no signature (some builtins): nothing known to clash
        return None
    for p in parameters:
        if p.name == name and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            return f"takes a {name} argument too"
    for p in parameters:
        if p.kind is p.VAR_KEYWORD:
            return f"takes **{p.name}, so a {name} argument too"
    return None
