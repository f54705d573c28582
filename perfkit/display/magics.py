"""IPython magics: measure a statement from the notebook's namespace without wrapping it first.

    %load_ext perfkit
    %pk_bench -b 0.2 sorted(data)          # Timing: per-call time with this run's 95% interval
    %pk_memory [x * 2 for x in data]       # MemoryUse: peak and retained bytes (tracemalloc)
    %pk_lines -f parse parse(lines)        # LineProfile of `parse` while the statement runs
    t = %pk_bench sorted(data)             # each magic returns its result object

Like %timeit, the statement is compiled into a function whose globals are the notebook's
namespace; a statement that awaits becomes an `async def`, which perfkit awaits. The result
object is shown once: by IPython when the magic is the value of a cell, by the magic otherwise.
Each magic also works as a cell magic (`%%pk_bench -b 0.2`), the statement being the cell body.
"""

from __future__ import annotations

import ast
import linecache
from typing import Any, Callable, Iterator

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand

from ..engine.kernels import MAX_BUDGET, check_budget

_FUNCTION = "_pk_statement"
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


@magics_class
class PerfkitMagics(Magics):
    """%pk_bench, %pk_memory and %pk_lines: perfkit's measurements of one statement."""

    @no_var_expand
    @line_cell_magic
    def pk_bench(self, line: str, cell: str | None = None) -> Any:
        """Time a statement: `%pk_bench [-b BUDGET] STATEMENT` -> Timing.

        -b BUDGET: seconds of measuring in all (default 0.5; times PERFKIT_BUDGET_SCALE).
        """
        from ..engine.timing import bench

        opts, statement = self._options(line, cell, "b:", "pk_bench")
        budget = _budget(opts.get("b", "0.5"), "pk_bench")
        fn = self._compile(statement, "pk_bench")
        return self._show(bench(fn, budget=budget, name=fn.__name__), "pk_bench", line)

    @no_var_expand
    @line_cell_magic
    def pk_memory(self, line: str, cell: str | None = None) -> Any:
        """Peak and retained bytes of one run of a statement: `%pk_memory STATEMENT` -> MemoryUse.

        Retained bytes include the statement's value, if it is an expression.
        """
        from ..engine.memory import memory

        _, statement = self._options(line, cell, "", "pk_memory")
        fn = self._compile(statement, "pk_memory")
        return self._show(memory(fn), "pk_memory", line)

    @no_var_expand
    @line_cell_magic
    def pk_lines(self, line: str, cell: str | None = None) -> Any:
        """Time per line of a function while a statement runs: `%pk_lines -f FUNC [-f FUNC2] STATEMENT`.

        -f FUNC: a function (or any expression naming one, e.g. `obj.method`) from the
        notebook's namespace to profile line by line; repeat -f for more functions.
        Returns a LineProfile of the -f functions, the first one as its main function.
        """
        from ..engine.lineprofile import LineProfile, profile_lines

        opts, statement = self._options(line, cell, "f:", "pk_lines", list_all=True)
        targets = opts.get("f", [])
        if not targets:
            raise UsageError("%pk_lines needs -f FUNCTION, the function to profile line by line, "
                             "e.g. %pk_lines -f parse parse(lines)")
        functions = [self._function(expression) for expression in targets]
        fn = self._compile(statement, "pk_lines")
        try:
            profile = profile_lines(fn, functions=functions)
        except TypeError as exc:  # e.g. a built-in function, which has no lines to profile
            raise UsageError(f"%pk_lines: {exc}") from None
        # the statement's own wrapper comes first; the reader asked for the -f functions
        result = LineProfile(profile.functions[1].name, profile.functions[1:], profile.result)
        return self._show(result, "pk_lines", line)

    def _options(self, line: str, cell: str | None, spec: str, magic: str,
                 list_all: bool = False) -> tuple[dict[str, Any], str]:
        """Options and the statement: the rest of the line, or the cell body in cell mode."""
        if spec:
            try:
                opts, rest = self.parse_options(line, spec, posix=False, strict=False,
                                                preserve_non_opts=True, list_all=list_all)
            except UsageError as exc:  # e.g. an unknown option: say which magic
                raise UsageError(f"%{magic}: {exc}") from None
        else:  # no options: a statement such as `-x * 2` is not mistaken for one
            opts, rest = {}, line
        if cell is None:
            return dict(opts), rest
        if rest.strip():
            raise UsageError(f"%%{magic}: the first line holds only options; put the statement in "
                             f"the cell body (found {rest.strip()!r} on the first line)")
        return dict(opts), cell

    def _function(self, expression: str) -> Callable[..., Any]:
        """The callable that `expression` names in the notebook's namespace."""
        try:
            value = eval(expression, self.shell.user_ns)  # noqa: S307 - the user's own code
        except Exception as exc:
            raise UsageError(f"%pk_lines -f {expression}: {type(exc).__name__}: {exc} "
                             "(in the notebook's namespace)") from None
        if not callable(value):
            raise UsageError(f"%pk_lines -f {expression}: not a function, got "
                             f"{type(value).__name__} {value!r:.60}")
        return value

    def _compile(self, statement: str, magic: str) -> Callable[[], Any]:
        """`statement` as a function of no argument run in the notebook's namespace.

        An expression's value (or the last line's, if it is an expression) is returned.
        """
        if not statement.strip():
            raise UsageError(f"%{magic} needs a statement to run, e.g. %{magic} sorted(data)")
        source = self.shell.transform_cell(statement)
        filename = f"<{magic} statement>"
        try:
            tree = self.shell.transform_ast(ast.parse(source, filename))
        except SyntaxError as exc:
            raise UsageError(f"%{magic}: the statement is not valid Python: {_syntax(exc)}") from None
        body = tree.body or [ast.Pass()]
        if _yields(body):
            raise UsageError(f"%{magic}: the statement yields, which would make it a generator: only "
                             "making the generator would be measured, not running it. Consume the "
                             f"values instead, e.g. %{magic} list(gen(data))")
        if isinstance(body[-1], ast.Expr):
            body[-1] = ast.copy_location(ast.Return(body[-1].value), body[-1])
        keyword = "async def" if _awaits(body) else "def"
        module = ast.parse(f"{keyword} {_FUNCTION}():\n    pass\n")
        module.body[0].body = body  # type: ignore[attr-defined]
        ast.fix_missing_locations(module)
        try:
            code = self.shell.compile(module, filename, "exec")
        except SyntaxError as exc:  # e.g. `break` outside a loop, found only when compiled
            raise UsageError(f"%{magic}: the statement cannot run as a function body: {_syntax(exc)}") from None
        # tracebacks from inside the statement show its source
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        namespace: dict[str, Any] = {}
        exec(code, self.shell.user_ns, namespace)  # noqa: S102 - the user's own code
        fn = namespace[_FUNCTION]
        fn.__name__ = fn.__qualname__ = _label(statement)
        return fn

    def _show(self, result: Any, magic: str, line: str) -> Any:
        """Display `result` unless IPython will, as the value of the running cell; return it."""
        if not _shown_by_ipython(self.shell, magic, line):
            from IPython.display import display

            display(result)
        return result


def _budget(text: str, magic: str) -> float:
    try:
        return check_budget(float(text))
    except (TypeError, ValueError):
        raise UsageError(f"%{magic} -b needs a number of seconds > 0 and at most {MAX_BUDGET:,.0f} (a day), "
                         f"the measuring budget; got {text!r}") from None


def _syntax(exc: SyntaxError) -> str:
    where = f" in {exc.text.strip()!r}" if exc.text and exc.text.strip() else ""
    return f"{exc.msg}{where}"


def _label(statement: str, width: int = 40) -> str:
    """A short name for the statement in reports: its lines joined with "; ", cut at `width`."""
    text = "; ".join(" ".join(part.split()) for part in statement.splitlines() if part.strip())
    return text if len(text) <= width else text[: width - 1] + "…"


def _own_level(nodes: list[ast.stmt]) -> Iterator[ast.AST]:
    """The statement's nodes, but none inside a function or a class it defines."""
    stack: list[ast.AST] = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, _SCOPES):
            stack.extend(ast.iter_child_nodes(node))


def _awaits(nodes: list[ast.stmt]) -> bool:
    """True if the statement awaits at its own level (not inside a function it defines)."""
    return any(isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith))
               or (isinstance(node, ast.comprehension) and node.is_async) for node in _own_level(nodes))


def _yields(nodes: list[ast.stmt]) -> bool:
    """True if the statement yields at its own level: as a function body it would be a generator."""
    return any(isinstance(node, (ast.Yield, ast.YieldFrom)) for node in _own_level(nodes))


def _shown_by_ipython(shell: Any, magic: str, line: str) -> bool:
    """Will IPython's display hook show this magic's return value, as the value of the cell?

    True when the running cell's statement that IPython displays (per its
    `ast_node_interactivity`) is this very magic call, e.g. a cell whose last line is
    `%pk_bench f(x)` (or ends with `;`, which silences it). False when the value is assigned,
    when the magic runs inside a loop or a function, and whenever the running cell is unknown.
    """
    history = getattr(shell, "history_manager", None)
    parsed = getattr(history, "input_hist_parsed", None)
    # the running cell is the last entry only while it runs with store_history=True; IPython 8
    # counts it after the cell, IPython 9 before
    if not parsed or len(parsed) not in (shell.execution_count, shell.execution_count + 1):
        return False
    try:
        nodes = ast.parse(parsed[-1]).body
    except SyntaxError:
        return False
    mode = getattr(shell, "ast_node_interactivity", "last_expr")
    if mode == "none" or not nodes:
        return False
    shown = [n.value for n in nodes if isinstance(n, ast.Expr)] if mode == "all" else []
    last = nodes[-1]
    if isinstance(last, ast.Expr) or (mode == "last_expr_or_assign" and isinstance(last, (ast.Assign, ast.AnnAssign))):
        shown.append(last.value)  # type: ignore[union-attr]
    return any(_is_magic_call(value, magic, line) for value in shown)


def _is_magic_call(node: Any, magic: str, line: str) -> bool:
    """`node` is IPython's rewrite of `%magic line`: get_ipython().run_line_magic('magic', 'line')."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("run_line_magic", "run_cell_magic") and len(node.args) >= 2):
        return False
    name, text = node.args[0], node.args[1]
    return (isinstance(name, ast.Constant) and name.value == magic
            and isinstance(text, ast.Constant) and text.value == line)


def load_ipython_extension(ipython: Any) -> None:
    """Register perfkit's magics with `ipython` (what `%load_ext perfkit` calls)."""
    ipython.register_magics(PerfkitMagics)
