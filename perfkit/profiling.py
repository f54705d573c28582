"""Call and line profiles as data: cProfile and line_profiler results you can show, draw and save.

    p = pk.profile_calls(fn, *args)     # -> CallProfile: one row per function, by cumulative time
    lp = pk.profile_lines(fn, *args)    # -> LineProfile: one row per line that ran
    lp.hottest                          # the line that took the largest share of fn's time

Both work for functions defined in a notebook cell and for `async def` functions.
"""

from __future__ import annotations

import functools
import inspect
import linecache
import os
import re
import sys
import sysconfig
from dataclasses import asdict, dataclass
from typing import Any, Callable, Collection, Sequence

from . import html
from .errors import KernelError
from .units import format_seconds

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


@dataclass(frozen=True)
class LineRow:
    """One line that ran: its number, hits, time in seconds and share of its function's time."""

    line: int
    hits: int
    time: float
    per_hit: float
    share: float
    source: str | None  # None when the source is unavailable


@dataclass(frozen=True)
class FunctionLines:
    """The line rows of one profiled function, in line order."""

    name: str
    filename: str
    location: str
    first_line: int
    rows: list[LineRow]
    source_available: bool

    @property
    def total_time(self) -> float:
        return sum(r.time for r in self.rows)


@dataclass
class CallProfile:
    """What cProfile saw during one call of `function`, one row per function called.

    Attributes:
        function: name of the profiled function.
        rows: every function called, sorted by cumulative time (highest first).
        result: what the function returned.
        top: how many rows the table and the chart show.
    """

    function: str
    rows: list[CallRow]
    result: Any = None
    top: int = 15

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
        return self._head() + "\n" + _text_table(
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
        from .plots import plot_call_profile

        return plot_call_profile(self, ax=ax)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "call_profile", "function": self.function, "unit": "s",
                "total_time": self.total_time, "top": self.top,
                "rows": [asdict(r) for r in self.rows]}


@dataclass
class LineProfile:
    """What line_profiler saw during one call: the lines of `function` and of any helpers.

    Attributes:
        function: name of the profiled function.
        functions: the main function first, then the extra functions asked for.
        result: what the function returned.
    """

    function: str
    functions: list[FunctionLines]
    result: Any = None

    @property
    def main(self) -> FunctionLines:
        return self.functions[0]

    @property
    def hottest(self) -> LineRow | None:
        """The line of the main function that took the most time (None if no line ran)."""
        return max(self.main.rows, key=lambda r: r.time, default=None)

    def _head(self, fl: FunctionLines) -> str:
        if not fl.rows:
            return f"{fl.name} ({fl.location}): not called"
        head = f"{fl.name} ({fl.location}): {format_seconds(fl.total_time)}"
        return head + ("" if fl.source_available else "; source unavailable")

    def __repr__(self) -> str:
        hot = self.hottest
        parts = [f"LineProfile of {self.function}" + (
            f": hottest line {hot.line} ({hot.share:.0%}): {_source_cell(hot).strip()}" if hot else "")]
        for fl in self.functions:
            rows = [[r.line, r.hits, format_seconds(r.time), format_seconds(r.per_hit),
                     f"{r.share:.0%}", _source_cell(r)] for r in fl.rows]
            parts += [self._head(fl)] + ([_text_table(
                ["line", "hits", "time", "per hit", "share", "source"], rows, left={5})] if rows else [])
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        notes = ["time on a line includes the functions it calls; line_profiler adds overhead to every hit"]
        return "".join(html.table(
            ["line", "hits", "time", "per hit", "share", "", "source"],
            [[r.line, f"{r.hits:,}", format_seconds(r.time), format_seconds(r.per_hit), f"{r.share:.0%}",
              html.bar(r.share), html.Raw(f'<pre style="margin:0;text-align:left">{html.escape(_source_cell(r))}</pre>')]
             for r in fl.rows],
            caption=self._head(fl), notes=notes if i == len(self.functions) - 1 else ())
            for i, fl in enumerate(self.functions))

    def plot(self, ax: Any = None) -> Any:
        """Bar chart of time per line, hottest at the top; returns the Axes."""
        from .plots import plot_line_profile

        return plot_line_profile(self, ax=ax)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "line_profile", "function": self.function, "unit": "s",
                "functions": [{**asdict(fl), "total_time": fl.total_time} for fl in self.functions]}


def profile_calls(fn: Callable[..., Any], *args: Any, top: int = 15, **kwargs: Any) -> CallProfile:
    """Run `fn(*args, **kwargs)` once under cProfile and return the profile as data.

    Args:
        fn: the function to profile; `async def` functions are run to completion (on
            perfkit's loop thread, so the event loop's own frames show up too).
        *args: positional arguments for `fn`.
        top: how many rows the table and the chart show (all rows are kept).
        **kwargs: keyword arguments for `fn`.

    Raises:
        TypeError: `fn` is not callable or `top` is not a positive int.
        KernelError: `fn` raised; the original exception is its `__cause__`.
    """
    import _lsprof
    import cProfile
    import pstats

    _check_callable(fn, "fn")
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise TypeError(f"top must be an int >= 1, got {top!r}")
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


def profile_lines(fn: Callable[..., Any], *args: Any, functions: Sequence[Callable[..., Any]] | None = None,
                  **kwargs: Any) -> LineProfile:
    """Run `fn(*args, **kwargs)` once under line_profiler and return time per line as data.

    Args:
        fn: the function to profile, e.g. defined in a notebook cell; `async def` works too,
            but time a coroutine spends suspended at an `await` is not counted on any line.
        *args: positional arguments for `fn`.
        functions: more functions to profile line by line, e.g. helpers that `fn` calls.
        **kwargs: keyword arguments for `fn`.

    Raises:
        TypeError: `fn` or one of `functions` is not callable.
        KernelError: `fn` raised; the original exception is its `__cause__`.
    """
    from line_profiler import LineProfiler

    _check_callable(fn, "fn")
    extra = [functions] if callable(functions) else list(functions or ())
    for i, f in enumerate(extra):
        _check_callable(f, f"functions[{i}]")
    profiler = LineProfiler()
    targets = []
    for f in [fn, *extra]:
        func = _python_function(f)
        code = getattr(func, "__code__", None)
        if code is None:
            raise TypeError(f"cannot profile {_name(f)} line by line: it is not a Python function")
        if code not in (c for _, c in targets):
            profiler.add_callable(f)
            targets.append((func, code))
    result = _run(fn, args, kwargs, profiler.enable_by_count, profiler.disable_by_count)
    stats = profiler.get_stats()
    by_start = {(file, start): timings for (file, start, _), timings in stats.timings.items()}
    return LineProfile(_name(fn), [_function_lines(f, code, by_start.get((code.co_filename, code.co_firstlineno), []),
                                                   stats.unit) for f, code in targets], result)


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


def _function_lines(func: Any, code: Any, timings: list, unit: float) -> FunctionLines:
    try:
        lines, start = inspect.getsourcelines(func)
    except (OSError, TypeError):
        lines, start = [], code.co_firstlineno

    def source(n: int) -> str | None:
        if 0 <= n - start < len(lines):
            return lines[n - start].rstrip("\n")
        return linecache.getline(code.co_filename, n).rstrip("\n") or None

    total = sum(t for _, _, t in timings) * unit
    rows = [LineRow(n, hits, t * unit, t * unit / hits if hits else 0.0,
                    t * unit / total if total > 0 else 0.0, source(n)) for n, hits, t in sorted(timings)]
    available = bool(lines) or any(r.source is not None for r in rows)
    return FunctionLines(getattr(func, "__qualname__", code.co_name), code.co_filename, _short_location(code.co_filename, code.co_firstlineno),
                         code.co_firstlineno, rows, available)


def _python_function(f: Any) -> Any:
    """The plain function behind a decorated function, a partial or a bound method."""
    f = inspect.unwrap(f)
    while isinstance(f, functools.partial):
        f = inspect.unwrap(f.func)
    return getattr(f, "__func__", f)


def _check_callable(value: Any, argument: str) -> None:
    if not callable(value):
        raise TypeError(f"{argument} must be callable, got {type(value).__name__} {value!r:.60}")


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


def _source_cell(row: LineRow) -> str:
    return "(source unavailable)" if row.source is None else row.source


def _text_table(headers: Sequence[str], rows: Sequence[Sequence[object]], left: Collection[int] = ()) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    return "\n".join("  " + "  ".join(c.ljust(w) if i in left else c.rjust(w)
                                     for i, (c, w) in enumerate(zip(r, widths))).rstrip() for r in cells)
