"""Call profiles as data: cProfile results you can show, draw and save.

    p = pk.profile_calls(fn, *args)     # -> CallProfile: one row per function, by cumulative time

Works for functions defined in a notebook cell and for `async def` functions. Line profiles
(line_profiler) are in `lineprofile.py` and share this module's runner and location helpers.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
import sysconfig
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Mapping

from . import tables as html
from .tables import text_table
from .checks import check_callable, check_int
from .errors import KernelError
from .kernels import Default, given, kernel_kwargs
from .units import format_seconds
from .results import Result, draw, known

_OWN_FRAMES = re.compile(r"<method '(enable|disable)' of '_lsprof\.Profiler' objects>")


@dataclass(frozen=True)
class CallRow:
    """One function in a call profile; times in seconds."""

    name: str
    location: str  # short and readable: "In[7]:3", "json/encoder.py:200", "built-in"
    filename: str
    line: int
    primitive_calls: int  # calls that were not recursive
    calls: int
    own_time: float  # tottime: time in the function itself, callees excluded
    cumulative_time: float  # callees included
    share: float  # cumulative time as a share of the whole run


@dataclass
class CallProfile(Result):
    """What cProfile saw during one call of `function`, one row per function called.

    Attributes:
        function: name of the profiled function.
        rows: every function called, sorted by cumulative time (highest first).
        result: what the function returned.
        top: how many rows the table and the chart show.
    """

    function: str
    rows: list[CallRow]
    result: Any = field(default=None, repr=False, compare=False)  # not saved
    top: int = 15

    @property
    def names(self) -> list[str]:
        """The functions called, by cumulative time (a name seen twice, in two files, is listed once)."""
        return list(dict.fromkeys(r.name for r in self.rows))

    def __getitem__(self, name: str) -> CallRow:
        """The row of function `name` (of the heaviest one if two functions share the name)."""
        known(name, self.names, "function")
        return next(r for r in self.rows if r.name == name)

    @property
    def total_time(self) -> float:
        """Seconds profiled in all: the sum of every function's own time."""
        return sum(r.own_time for r in self.rows)

    def _head(self) -> str:
        return (f"CallProfile of {self.function}: {format_seconds(self.total_time)} in "
                f"{sum(r.calls for r in self.rows):,} calls of {len(self.rows)} functions")

    def _cells(self, row: CallRow) -> list[str]:
        calls = str(row.calls) if row.calls == row.primitive_calls else f"{row.calls}/{row.primitive_calls}"
        return [row.name, row.location, calls, format_seconds(row.own_time), format_seconds(row.cumulative_time)]

    def __repr__(self) -> str:
        rows = [[*self._cells(r), f"{r.share:.0%}"] for r in self.rows[: self.top]]
        return self._head() + "\n" + text_table(
            ["function", "location", "calls", "own", "cumulative", "share"], rows, left={0, 1})

    def _repr_html_(self) -> str:
        rows = [[*self._cells(r), html.bar(r.share)] for r in self.rows[: self.top]]
        hidden = len(self.rows) - len(rows)
        notes = ["calls: total/primitive when recursive; own time excludes callees"]
        notes += [f"{hidden} more functions in .rows"] if hidden > 0 else []
        return html.table(["function", "location", "calls", "own time", "cumulative", "share of run"],
                          rows, caption=self._head(), notes=notes)

    def plot(self, ax: Any = None) -> Any:
        """Bar chart of the top functions by cumulative and own time; returns the Axes."""
        return draw(self, ax)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "function": self.function, "unit": "s",
                "total_time": self.total_time, "top": self.top,
                "rows": [asdict(r) for r in self.rows]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CallProfile":
        return cls(data["function"], [CallRow(**r) for r in data["rows"]], None, int(data.get("top", 15)))


def profile_calls(fn: Callable[..., Any], /, *args: Any, top: int = Default(15),  # type: ignore[assignment]
                  kwargs: Mapping[str, Any] | None = None, **fn_kwargs: Any) -> CallProfile:
    """Run `fn(*args, **kwargs)` once under cProfile and return the profile as data.

    `top` and `kwargs` are profile_calls' own; every other keyword goes to `fn`. `top=` given
    when `fn` takes a `top` too (or **kwargs) is ambiguous and refused with TypeError: pass
    fn's own as `kwargs={"top": ...}`, or use functools.partial, as with pk.bench.

    Args:
        fn: the function to profile; `async def` functions are run to completion (on
            perfkit's loop thread, so the event loop's own frames show up too).
        *args: positional arguments for `fn`.
        top: how many rows the table and the chart show (all rows are kept).
        kwargs: keyword arguments for `fn`, as a dict; needed only for the name `top`.
        **fn_kwargs: keyword arguments for `fn`.

    Raises:
        TypeError: `fn` is not callable, `top` is not an int, or an option is ambiguous.
        ValueError: `top` is < 1.
        KernelError: `fn` raised; the original exception is its `__cause__`.
    """
    import _lsprof
    import cProfile
    import pstats

    check_callable(fn, "fn")
    kwargs = kernel_kwargs(fn, "profile_calls", {"top": top}, kwargs, fn_kwargs)
    top = check_int(given(top), "top", low=1)
    profiler = cProfile.Profile()
    previous: list[Any] = []

    def start() -> None:
        previous.append(sys.getprofile())
        profiler.enable()

    def stop() -> None:
        profiler.disable()
        before = previous.pop()
        if isinstance(before, _lsprof.Profiler):  # an outer cProfile: resume it
            before.enable()
        elif before is not None:
            sys.setprofile(before)

    result = _run(fn, args, kwargs, start, stop)
    stats = {key: value for key, value in pstats.Stats(profiler).stats.items()
             if not _OWN_FRAMES.fullmatch(key[2]) and key[0] != __file__}
    total = sum(tt for _, _, tt, _, _ in stats.values())
    rows = [CallRow(_call_name(name), _short_location(file, line), file, line, cc, nc, tt, ct,
                    ct / total if total > 0 else 0.0)
            for (file, line, name), (cc, nc, tt, ct, _) in stats.items()]
    rows.sort(key=lambda r: (-r.cumulative_time, -r.own_time, r.name))
    return CallProfile(_name(fn), rows, result, top)


def _run(fn: Callable[..., Any], args: tuple, kwargs: dict, start: Callable[[], None],
         stop: Callable[[], None]) -> Any:
    """Call `fn` between start() and stop(), always stopping; wrap its exceptions in KernelError.

    A coroutine runs on perfkit's loop thread (see aio.py), so the profiler starts and stops
    in that thread. KeyboardInterrupt and other BaseExceptions propagate unwrapped.
    """
    if not inspect.iscoroutinefunction(fn):
        start()
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise KernelError(_name(fn), exc, stage="profiled") from exc
        finally:
            stop()
    from .aio import run_async

    async def profiled() -> Any:
        start()
        try:
            return await fn(*args, **kwargs)
        finally:
            stop()

    try:
        return run_async(profiled())
    except Exception as exc:
        raise KernelError(_name(fn), exc, stage="profiled") from exc


def _name(fn: Any) -> str:
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)


def _call_name(name: str) -> str:
    """cProfile's '<built-in method time.sleep>' -> 'time.sleep', "<method 'append' of 'list' objects>" -> 'list.append'."""
    if m := re.fullmatch(r"<method '(.+)' of '(.+)' objects>", name):
        return f"{m[2]}.{m[1]}"
    if m := re.fullmatch(r"<built-in method (.+)>", name):
        return m[1]
    return name


def _short_location(filename: str, line: int) -> str:
    """A location a reader recognises: notebook cells as In[n] or <cell>, library files by package path."""
    if filename == "~":
        return "built-in"
    if m := re.match(r"<ipython-input-(\d+)-", filename):
        return f"In[{m[1]}]:{line}"
    if re.search(r"ipykernel_\d+[/\\]\d+\.py$", filename):
        return f"<cell>:{line}"
    if filename.startswith("<"):
        return f"{filename}:{line}"
    path = filename.replace("\\", "/")
    if "site-packages/" in path:
        return f"{path.rsplit('site-packages/', 1)[1]}:{line}"
    stdlib = sysconfig.get_paths()["stdlib"].replace("\\", "/").rstrip("/") + "/"
    if path.startswith(stdlib):
        return f"{path[len(stdlib):]}:{line}"
    cwd = os.getcwd().replace("\\", "/").rstrip("/") + "/"
    if path.startswith(cwd):
        return f"{path[len(cwd):]}:{line}"
    return f"{'/'.join(path.split('/')[-2:])}:{line}"


