"""`python -m perfkit compare A B`: what changed between two reports (two results.json files).

Claims are matched by id, and a claim's verdicts by what they compare (a Verdict by subject,
baseline and relation; a TargetVerdict by quantity, relation and target; anything else by kind
and position). Reported: claims whose status changed (or whose verdicts' did), verdicts whose
measured value moved beyond the intervals (the two 95% intervals do not overlap), and claims or
verdicts found in one report only. Both machines are described, and where they differ is marked.
"""

from __future__ import annotations

import html
import math
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine.machine import Machine
from ..engine.results import estimate, from_saved
from ..engine.stats import Estimate
from ..engine.tables import Raw, escape, table, text_table
from ..engine.ranges import RangeVerdict
from ..engine.targets import TargetVerdict
from ..engine.units import format_ratio, format_value
from ..engine.verdict import Verdict
from .folder import RESULTS, load_report

# words read best left-aligned; perfkit's table style right-aligns every cell for numbers
_STYLE = ("<style>td,th{text-align:left!important}"
          ".numbers td:nth-child(n+3),.numbers th:nth-child(n+3){text-align:right!important}</style>")
_COLORS = {"holds": "#2e7d32", "refuted": "#c62828", "inconclusive": "#9e6c00", "mixed": "#6a1b9a",
           "failed": "#000000"}


@dataclass(frozen=True)
class _Entry:
    """One verdict of a claim, as compare sees it: what identifies it, its status and estimate."""

    key: tuple
    label: str
    status: str
    estimate: Estimate | None


def _entries(saved: list[dict[str, Any]]) -> dict[tuple, _Entry]:
    """A claim's verdicts by key; a key met twice gets its occurrence number appended."""
    found_all: list[tuple[tuple, str, str, Estimate | None]] = []
    for position, data in enumerate(saved):
        data = data if isinstance(data, dict) else {"kind": type(data).__name__}
        try:
            result: Any = from_saved(data)
        except (KeyError, TypeError, ValueError, AttributeError):
            result = None  # a kind this perfkit cannot rebuild: matched by kind and position
        if isinstance(result, Verdict):
            key: tuple = ("Verdict", result.subject, result.baseline, result.relation, result.where)
            label = f"{result.subject} {result.relation} than {result.baseline}"
            label += f" at {result.where}" if result.where else ""
        elif isinstance(result, RangeVerdict):
            key = ("RangeVerdict", result.quantity, result.at_least, result.at_most)
            label = result.claim_text.split(" [")[0]
        elif isinstance(result, TargetVerdict):
            key = ("TargetVerdict", result.quantity, result.relation, result.target)
            label = f"{result.quantity} {result.relation} {format_value(result.target, result.estimate.unit)}"
        else:
            key = (str(data.get("kind")), position)
            label = f"{data.get('kind')} #{position + 1}"
        found = getattr(result, "estimate", None)
        if found is None and isinstance(data.get("estimate"), dict):
            try:
                found = estimate(data["estimate"])
            except (KeyError, TypeError, ValueError):
                found = None
        found_all.append((key, label, getattr(result, "status", None) or str(data.get("status", "?")), found))
    # the same comparison judged several times (one verdict per n, say) is told apart by its order
    counts, seen = Counter(key for key, *_ in found_all), Counter()
    entries: dict[tuple, _Entry] = {}
    for key, label, status, found in found_all:
        if counts[key] > 1:
            seen[key] += 1
            key, label = key + (seen[key],), f"{label} #{seen[key]}"
        entries[key] = _Entry(key, label, status, found)
    return entries


def moved(a: Estimate, b: Estimate) -> bool:
    """True when the two 95% intervals do not overlap (and are comparable: same unit, finite)."""
    bounds = (a.low, a.high, b.low, b.high)
    if a.unit != b.unit or not all(math.isfinite(x) for x in bounds):
        return False
    return a.high < b.low or b.high < a.low


@dataclass(frozen=True)
class StatusChange:
    claim: str
    before: str  # the claim's status in A
    after: str  # in B
    details: tuple[str, ...]  # the verdicts whose status changed; the reason for a status without verdicts


@dataclass(frozen=True)
class Move:
    claim: str
    label: str
    before: Estimate
    after: Estimate

    @property
    def ratio(self) -> float:
        """B / A of the measured values."""
        return self.after.value / self.before.value if self.before.value else math.inf


@dataclass(frozen=True)
class OnlyIn:
    side: str  # "A" | "B"
    claim: str
    what: str  # "claim (status)" or the verdict's label


def _interval(e: Estimate) -> str:
    return f"{format_value(e.value, e.unit)} ({format_value(e.low, e.unit)} - {format_value(e.high, e.unit)})"


def _machine_rows(report: dict[str, Any]) -> list[tuple[str, str]]:
    m = Machine.from_dict(report["machine"])
    load = ", ".join(f"{x:.2f}" for x in m.load) if m.load is not None else "-"
    scale = report.get("budget_scale", m.budget_scale)
    took = report.get("seconds")
    return [("Python", f"{m.implementation} {m.python}"), ("build", f"{m.build} ({m.compiler})"),
            ("OS", f"{m.os} {m.os_release} {m.architecture}"), ("CPU", f"{m.cpu}, {m.cpus} logical CPUs"),
            ("load (1, 5, 15 min)", load), ("budget scale", "-" if scale is None else f"{scale:g}"),
            ("perfkit", str(report.get("perfkit", m.perfkit))), ("started", str(report.get("started", m.date))),
            ("took", f"{took:,.1f} s" if isinstance(took, (int, float)) else "-")]


# what a move is not proof of: each interval covers its own run (see README, benchmarks/repeat_sweep.py)
RUN_TO_RUN = ("Each 95% interval covers its own run only: two runs of the same code on a shared machine "
              "can differ by a few percent, so a move of under about 5% may be no more than that.")


class ReportComparison:
    """Two reports side by side: `str()` for a terminal, `html()` for a page."""

    def __init__(self, a: dict[str, Any], b: dict[str, Any], names: tuple[str, str] = ("A", "B")) -> None:
        self.names = names
        self.machines = [(field, va, vb) for (field, va), (_, vb) in zip(_machine_rows(a), _machine_rows(b))]
        claims_a = {c["id"]: c for c in a["claims"]}
        claims_b = {c["id"]: c for c in b["claims"]}
        self.changes: list[StatusChange] = []
        self.moves: list[Move] = []
        self.only: list[OnlyIn] = [OnlyIn("A", i, f"claim ({claims_a[i].get('status')})")
                                   for i in claims_a if i not in claims_b]
        self.only += [OnlyIn("B", i, f"claim ({claims_b[i].get('status')})") for i in claims_b if i not in claims_a]
        self.compared = [i for i in claims_a if i in claims_b]
        self.verdicts = 0
        for claim_id in self.compared:
            self._claim(claim_id, claims_a[claim_id], claims_b[claim_id])

    def _claim(self, claim_id: str, a: dict[str, Any], b: dict[str, Any]) -> None:
        before, after = _entries(a.get("verdicts") or []), _entries(b.get("verdicts") or [])
        flips = []
        for key in [k for k in before if k in after]:
            va, vb = before[key], after[key]
            self.verdicts += 1
            if va.status != vb.status:
                flips.append(f"{va.label}: {va.status} -> {vb.status}")
            if va.estimate is not None and vb.estimate is not None and moved(va.estimate, vb.estimate):
                self.moves.append(Move(claim_id, va.label, va.estimate, vb.estimate))
        if before and after:  # a claim with no verdicts on one side is a status change, not "only in"
            self.only += [OnlyIn("A", claim_id, v.label) for k, v in before.items() if k not in after]
            self.only += [OnlyIn("B", claim_id, v.label) for k, v in after.items() if k not in before]
        status_a, status_b = str(a.get("status")), str(b.get("status"))
        if status_a != status_b or flips:
            reasons = [f"{side}: {c['reason']}" for side, c in (("A", a), ("B", b))
                       if c.get("reason") and c.get("status") not in ("holds", "refuted", "inconclusive", "mixed")]
            self.changes.append(StatusChange(claim_id, status_a, status_b, tuple(flips + reasons)))

    @property
    def nothing_changed(self) -> bool:
        return not (self.changes or self.moves or self.only)

    @property
    def differing(self) -> list[str]:
        """The machine fields whose values differ between A and B."""
        return [field for field, va, vb in self.machines if va != vb]

    def _counted(self) -> str:
        claims, verdicts = len(self.compared), self.verdicts
        return f"{claims} claim{'s' * (claims != 1)} and {verdicts} verdict{'s' * (verdicts != 1)}"

    def _move_rows(self) -> list[list[str]]:
        return [[m.claim, m.label, _interval(m.before), _interval(m.after), _times(m.ratio)] for m in self.moves]

    def _change_lines(self) -> str:
        """One row per claim, and a row more for each further verdict that changed."""
        rows = []
        for c in self.changes:
            first, *more = c.details or ("",)
            rows += [[c.claim, c.before, c.after, first]] + [["", "", "", d] for d in more]
        return text_table(["claim", "A", "B", "what changed"], rows, left={0, 1, 2, 3})

    def _move_lines(self) -> str:
        """The moves under the claim they belong to, so that the table stays narrow."""
        lines = text_table(["compares", "A (95%)", "B (95%)", "B/A"], [row[1:] for row in self._move_rows()],
                           left={0}, indent="    ").split("\n")
        out, claim = [lines[0]], None
        for move, line in zip(self.moves, lines[1:]):
            if move.claim != claim:
                out.append(f"  {move.claim}")
                claim = move.claim
            out.append(line)
        return "\n".join(out)

    def __str__(self) -> str:
        a, b = self.names
        out = [f"A: {a}", f"B: {b}", "",
               f"Machines ({len(self.differing)} of {len(self.machines)} fields differ, marked *)",
               text_table(["", "", "A", "B"], [["*" if va != vb else "", f, va, vb] for f, va, vb in self.machines],
                          left={1, 2, 3}), ""]
        if self.nothing_changed:
            out.append(f"Nothing changed: {self._counted()} compared; "
                       f"every status is the same and every interval overlaps.")
            return "\n".join(out)
        out += [f"Claims whose verdict changed: {len(self.changes)}"]
        if self.changes:
            out += [self._change_lines()]
        out += ["", f"Values that moved beyond their 95% intervals (A and B do not overlap): {len(self.moves)}"]
        if self.moves:
            out += [f"  ({RUN_TO_RUN})", self._move_lines()]
        out += ["", f"In one report only: {len(self.only)}"]
        if self.only:
            out += [text_table(["in", "claim", "what"], [[o.side, o.claim, o.what] for o in self.only], left={0, 1, 2})]
        out += ["", f"{self._counted()} compared."]
        return "\n".join(out)

    def html(self) -> str:
        """A self-contained HTML page: the machines, then what changed; every text is escaped."""
        a, b = self.names
        marked = [[Raw("<b>*</b>"), f, _bold(va), _bold(vb)] if va != vb else ["", f, va, vb]
                  for f, va, vb in self.machines]
        parts = [f"<h1>perfkit compare</h1><p>A: <code>{escape(a)}</code><br>B: <code>{escape(b)}</code></p>",
                 table(["", "", "A", "B"], marked,
                       caption=f"Machines ({len(self.differing)} of {len(self.machines)} fields differ, marked *)")]
        if self.nothing_changed:
            parts.append(f"<p><b>Nothing changed</b>: {self._counted()} compared; every status is the same "
                         f"and every interval overlaps.</p>")
        else:
            parts += [_section(f"Claims whose verdict changed: {len(self.changes)}", ["claim", "A", "B", "what changed"],
                               [[c.claim, _badge(c.before), _badge(c.after), _lines(c.details)] for c in self.changes]),
                      _section(f"Values that moved beyond their 95% intervals: {len(self.moves)}",
                               ["claim", "compares", "A (95%)", "B (95%)", "B/A"], self._move_rows(), "numbers"),
                      f"<p style=\"color:#555\">{escape(RUN_TO_RUN)}</p>" if self.moves else "",
                      _section(f"In one report only: {len(self.only)}", ["in", "claim", "what"],
                               [[o.side, o.claim, o.what] for o in self.only]),
                      f"<p>{self._counted()} compared.</p>"]
        return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>perfkit compare</title>" + _STYLE + "</head>"
                "<body style=\"font-family:sans-serif;margin:2em\">" + "".join(parts) + "</body></html>\n")

    def _repr_html_(self) -> str:
        return self.html()


def _badge(status: str) -> Raw:
    color = _COLORS.get(status, "#757575")
    return Raw(f'<span style="background:{color};color:white;padding:1px 6px;border-radius:3px">'
               f"{html.escape(status)}</span>")


def _times(ratio: float) -> str:
    """B/A as a factor; a move too small to show at three figures gets more of them."""
    text = format_ratio(ratio)
    return f"{ratio:.4f}x" if text == "1.00x" and ratio != 1 else text


def _lines(texts: tuple[str, ...]) -> Raw:
    return Raw("<br>".join(html.escape(t) for t in texts))


def _bold(text: str) -> Raw:
    return Raw(f"<b>{html.escape(text)}</b>")


def _section(title: str, headers: list[str], rows: list[list[Any]], css: str = "") -> str:
    body = f'<div class="{css}">{table(headers, rows)}</div>' if rows else ""
    return f"<h2 style=\"font-size:16px;margin-top:1.5em\">{escape(title)}</h2>{body}"


def compare_reports(a: str | os.PathLike, b: str | os.PathLike) -> ReportComparison:
    """The two reports at `a` and `b` (results.json files or report folders), compared.

    Raises:
        FileNotFoundError: no results.json there.
        ValueError: a file that is not a perfkit report, or in a format this perfkit does not read.
    """
    names = tuple(str(Path(p) / RESULTS if Path(p).is_dir() else Path(p)) for p in (a, b))
    return ReportComparison(load_report(a), load_report(b), names)  # type: ignore[arg-type]
