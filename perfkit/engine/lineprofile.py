"""Line profiles as data: line_profiler results you can show, draw and save.

    lp = pk.profile_lines(fn, *args)    # -> LineProfile: one row per line that ran
    lp.hottest                          # the line that took the largest share of fn's time

Works for functions defined in a notebook cell and for `async def` functions.
"""

from __future__ import annotations

import functools
import inspect
import linecache
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Mapping, Sequence

from . import tables as html
from .optional import require
from .checks import check_callable
from .kernels import kernel_kwargs
from .profiling import _name, _run, _short_location
from .results import Result, draw, known
from .tables import text_table
from .units import format_seconds


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
class LineProfile(Result):
    """What line_profiler saw during one call: the lines of `function` and of any helpers.

    Attributes:
        function: name of the profiled function.
        functions: the main function first, then the extra functions asked for.
        result: what the function returned.
    """

    function: str
    functions: list[FunctionLines]
    result: Any = field(default=None, repr=False, compare=False)  # not saved

    @property
    def names(self) -> list[str]:
        """The functions profiled line by line, the main one first."""
        return [fl.name for fl in self.functions]

    def __getitem__(self, name: str) -> FunctionLines:
        known(name, self.names, "function")
        return next(fl for fl in self.functions if fl.name == name)

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
            parts += [self._head(fl)] + ([text_table(
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
        return draw(self, ax)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "function": self.function, "unit": "s",
                "functions": [{**asdict(fl), "total_time": fl.total_time} for fl in self.functions]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "LineProfile":
        return cls(data["function"], [
            FunctionLines(f["name"], f["filename"], f["location"], int(f["first_line"]),
                          [LineRow(**r) for r in f["rows"]], bool(f["source_available"]))
            for f in data["functions"]])


def profile_lines(fn: Callable[..., Any], /, *args: Any, functions: Sequence[Callable[..., Any]] | None = None,
                  kwargs: Mapping[str, Any] | None = None, **fn_kwargs: Any) -> LineProfile:
    """Run `fn(*args, **kwargs)` once under line_profiler and return time per line as data.

    `functions` and `kwargs` are profile_lines' own; every other keyword goes to `fn`.
    `functions=` given when `fn` takes a `functions` too (or **kwargs) is ambiguous and refused
    with TypeError: pass fn's own as `kwargs={"functions": ...}`, as with pk.bench.

    Args:
        fn: the function to profile, e.g. defined in a notebook cell; `async def` works too,
            but time a coroutine spends suspended at an `await` is not counted on any line.
        *args: positional arguments for `fn`.
        functions: more functions to profile line by line, e.g. helpers that `fn` calls.
        kwargs: keyword arguments for `fn`, as a dict; needed only for the name `functions`.
        **fn_kwargs: keyword arguments for `fn`.

    Raises:
        TypeError: `fn` or one of `functions` is not callable.
        KernelError: `fn` raised; the original exception is its `__cause__`.
    """
    LineProfiler = require("line_profiler", "profile_lines", "notebooks").LineProfiler

    check_callable(fn, "fn")
    kwargs = kernel_kwargs(fn, "profile_lines", {"functions": functions}, kwargs, fn_kwargs)
    extra = [functions] if callable(functions) else list(functions or ())
    for i, f in enumerate(extra):
        check_callable(f, f"functions[{i}]")
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


def _source_cell(row: LineRow) -> str:
    return "(source unavailable)" if row.source is None else row.source

