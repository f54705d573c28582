"""A run's summary as a markdown list, built from the result objects' own strings.

    pk.display.summary([("Membership at 10,000 items", v_miss),
                        ("Building the set at n = 10,000", builds.per_call["set(items)"][3])])

A verdict is shown as its status, what was measured and what was claimed (`Verdict.status`,
`.measured`, `.claim_text`); any other result as `str(result)`, e.g. an Estimate with its 95%
interval. Nothing is re-formatted here, so a summary says exactly what the results say.
A plain `str` value is taken as markdown written by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..engine.results import Result, carried

__all__ = ["Summary", "summary"]

# characters that markdown (and the notebook's MathJax, for "$") would read as markup
_MARKUP = re.compile(r"([\\`*_\[\]<>$|])")


def _escape(text: str) -> str:
    return _MARKUP.sub(r"\\\1", text)


def _text(value: Any) -> str:
    """One result as markdown, in its own words."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        if not value:
            raise ValueError("a summary item's value must not be an empty list")
        return "; ".join(_text(v) for v in value)
    if all(hasattr(value, a) for a in ("status", "measured", "claim_text")):
        return f"**{value.status}**: {_escape(value.measured)}; claimed: {_escape(value.claim_text)}"
    return _escape(str(value))


@dataclass(frozen=True)
class Summary:
    """Labelled lines of markdown; a notebook shows it rendered, `str()` gives the markdown."""

    lines: tuple[tuple[str, str], ...]  # (label, markdown text)
    intro: str | None = None
    results: tuple[Result, ...] = field(default=(), compare=False, repr=False)  # the results summarised

    def __str__(self) -> str:
        items = [f"- **{label}**: {text}" if label else f"- {text}" for label, text in self.lines]
        return "\n".join(([self.intro, ""] if self.intro else []) + items)

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        return str(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """The summarised results' saved forms, for `python -m perfkit report` to read back."""
        return carried(self.results)


def _results(value: Any) -> list[Result]:
    if isinstance(value, Result):
        return [value]
    if isinstance(value, (list, tuple)):
        return [r for v in value for r in _results(v)]
    return []


def summary(items: Iterable[tuple[str, Any]] | Mapping[str, Any], intro: str | None = None) -> Summary:
    """A markdown list, one line per (label, result): verdicts, estimates or other results.

    Args:
        items: (label, value) pairs, or a mapping of label to value. A value is a Verdict
            (status, measured, claimed), any other result (its `str`), a list of those
            (joined with "; "), or a `str` of markdown. Labels are markdown; "" for none.
        intro: a line of markdown above the list.

    Returns:
        A Summary, shown as markdown in a notebook.
    """
    pairs = list(items.items()) if isinstance(items, Mapping) else list(items)
    if not pairs:
        raise ValueError("items must hold at least one (label, result) pair, got none")
    lines = []
    for i, pair in enumerate(pairs):
        if not isinstance(pair, tuple) or len(pair) != 2 or not isinstance(pair[0], str):
            raise TypeError(f"items[{i}] must be a (label, result) pair with a str label, got {pair!r}")
        lines.append((pair[0], _text(pair[1])))
    if intro is not None and not isinstance(intro, str):
        raise TypeError(f"intro must be a str of markdown or None, got {type(intro).__name__}")
    return Summary(tuple(lines), intro, tuple(r for _, value in pairs for r in _results(value)))
