"""A line that says whether this run agrees with what the notebook's text says, and never raises.

    pk.display.expect(v.holds, "a set is at least 10x faster than a list at 10,000 items", measured=v)

shows "✓ As the text says: ..." when the run agrees, and a marked note "This run differs from the
text above: ..." when it does not. A timing decides its verdict on the machine that runs it: on a
busy machine, another Python or a smaller budget it can come out otherwise, and that is a finding
to show, not an error that stops the notebook. `assert` stays for what no machine changes:
counts, exact sizes, a behaviour demonstrated, the kernels' agreement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..engine.results import Result, carried
from .summaries import _escape, _results, _text

__all__ = ["Expectation", "expect"]

AGREES = "✓ As the text says:"
DIFFERS = "⚠ This run differs from the text above:"
# why a run may differ, said once under the note so the reader does not take it for a bug
WHY = "A finding, not an error: load, another Python or a smaller budget can change a measurement."


@dataclass(frozen=True)
class Expectation:
    """What the text expects, whether this run agrees, and what was measured (markdown)."""

    agrees: bool
    text: str  # markdown, as the caller wrote it
    measured: str | None = None  # markdown, built from the results' own strings
    results: tuple[Result, ...] = field(default=(), compare=False, repr=False)

    def __str__(self) -> str:
        if self.agrees:
            return f"{AGREES} {self.text}" + (f" (measured: {self.measured})" if self.measured else "")
        measured = f" Measured here: {self.measured}." if self.measured else ""
        return f"> **{DIFFERS}** it says {self.text.rstrip('.')}.{measured}  \n> {WHY}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        return str(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """The measured results' saved forms, for `python -m perfkit report` to read back."""
        return carried(self.results)


def _is_bool(value: Any) -> bool:
    """A Python bool, or a numpy bool scalar (what `estimate.low > x` gives for numpy floats)."""
    if isinstance(value, bool):
        return True
    dtype = getattr(value, "dtype", None)
    return getattr(value, "shape", None) == () and getattr(dtype, "kind", None) == "b"


def expectation(condition: Any, text: Any, measured: Any = None) -> Expectation:
    """The Expectation that `expect` shows, checked and built but not shown."""
    if not _is_bool(condition):
        raise TypeError("condition must be a bool (e.g. v.holds, or a comparison of measured values), "
                        f"got {type(condition).__name__}")
    if not isinstance(text, str):
        raise TypeError(f"text must be a str of markdown saying what the text above expects, got {type(text).__name__}")
    if not text.strip():
        raise ValueError("text must say what the text above expects, got an empty str")
    if isinstance(measured, bool) or _is_bool(measured):
        raise TypeError("measured must be a result, an estimate, a str of markdown, or a list or a mapping of "
                        f"those, got {type(measured).__name__}")
    if isinstance(measured, (list, tuple, Mapping)) and not measured:
        raise ValueError(f"measured must not be an empty {type(measured).__name__}: pass None to show no measurement")
    if isinstance(measured, Mapping):  # labelled: "k = 2: refuted ...; k = 4: ..."
        shown = "; ".join(f"{_escape(str(label))}: {_text(value)}" for label, value in measured.items())
        measured = list(measured.values())
    else:
        shown = None if measured is None else _text(measured)
    return Expectation(bool(condition), text.strip(), shown, tuple(_results(measured)))


def expect(condition: Any, text: str, measured: Any = None) -> None:
    """Show whether this run agrees with the text above; never raise when it does not.

    Args:
        condition: a bool this run measured, e.g. `v.holds`, `v.status == "refuted"`,
            `slope.low > 0.4`.
        text: markdown saying what the text above expects, in its words ("the deque is at least
            10x faster at 100,000 items").
        measured: what to show beside it: a verdict (its status, what was measured, what was
            claimed), any other result or estimate (its `str`), a str of markdown, a list of
            those, or a mapping of label to those (`{f"k = {k}": v for k, v in verdicts.items()}`).
            Results also carry their saved form, for `python -m perfkit report`.

    In a notebook the line is displayed as markdown; elsewhere it is printed.
    """
    item = expectation(condition, text, measured)
    try:
        from IPython import get_ipython
    except ImportError:  # perfkit's core does not need IPython
        get_ipython = None  # type: ignore[assignment]
    if get_ipython is not None and get_ipython() is not None:
        from IPython.display import display

        display(item)
    else:
        print(item)
