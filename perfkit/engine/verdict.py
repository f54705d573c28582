"""Verdict: a claim ("a is at least `by` times faster than b") judged against a 95% interval.

The rule: with the ratio's interval [low, high] and the claimed factor `by`,
holds when low >= by, refuted when high < by, inconclusive otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from .checks import check_choice, check_number
from .results import Result, draw, estimate
from .stats import Estimate
from .units import format_ratio

_WORDS = {"faster": ("faster", "slower"), "smaller": ("smaller", "larger")}
_COLORS = {"holds": "#2e7d32", "refuted": "#c62828", "inconclusive": "#9e6c00"}


def check_factor(by: Any) -> float:
    """`by` as a float: a finite number > 0 (TypeError for a non-number, ValueError otherwise)."""
    return check_number(by, "by", low=0, low_open=True, hint="(the claimed factor, e.g. by=10)")


def claimed(by: Any, claim: Any) -> tuple[float, str | None]:
    """The factor to judge and the id of the catalog claim it comes from (None without one).

    `claim` is a claim id ("sets.membership") or a Claim from `pk.claims`; without `by`, the
    claim's own factor is judged. Without either, the factor is 1 (merely "faster").
    """
    if claim is None:
        return check_factor(1.0 if by is None else by), None
    if isinstance(claim, str):
        from .claims import default_catalog

        claim = default_catalog()[claim]
    claim_id, factor = getattr(claim, "id", None), getattr(claim, "factor", None)
    if not isinstance(claim_id, str):
        raise TypeError(f"claim must be a claim id or a Claim from pk.claims, got {type(claim).__name__}")
    if by is None:
        if factor is None:
            raise ValueError(f"claim {claim_id!r} states no factor: give the factor to judge as by=")
        by = factor
    return check_factor(by), claim_id


def _inverse(ratio: float) -> float:
    """1 / ratio, infinite at 0 (a subject that did nothing in the time the baseline did some)."""
    return math.inf if ratio == 0 else 1 / ratio


def judge(estimate: Estimate, by: float) -> str:
    """The verdict rule applied to an interval."""
    if estimate.low >= by:
        return "holds"
    if estimate.high < by:
        return "refuted"
    return "inconclusive"


class Judged:
    """How every verdict reads: one line `status: measured; claimed: claim`, and a coloured badge.

    Subclasses provide `status`, `measured` and `claim_text` (properties, not dataclass fields).
    """

    def __str__(self) -> str:
        return f"{self.status}: {self.measured}; claimed: {self.claim_text}"

    def _repr_html_(self) -> str:
        from .tables import escape

        color = _COLORS[self.status]
        return (f'<div style="font-family:sans-serif"><span style="background:{color};color:white;'
                f'padding:1px 6px;border-radius:3px;font-weight:bold">{self.status}</span> '
                f"{escape(self.measured)}<br><span style='color:#666;font-size:90%'>claimed: "
                f"{escape(self.claim_text)}</span></div>")


@dataclass(frozen=True)
class Verdict(Judged, Result):
    """The claim `subject` is at least `by` times `relation` ("faster"/"smaller") than `baseline`.

    `estimate` is baseline / subject (time or bytes): above 1 means the subject wins.
    """

    subject: str
    baseline: str
    relation: str
    by: float
    estimate: Estimate
    claim: str | None = None  # the id of the catalog claim judged, e.g. "sets.membership"
    where: str | None = None  # the condition measured at, when a claim is judged at several: "n = 1,000"

    def __post_init__(self) -> None:
        check_choice(self.relation, "relation", sorted(_WORDS))
        check_factor(self.by)
        if self.where is not None and not isinstance(self.where, str):
            raise TypeError(f"where must be a str such as 'n = 1,000' or None, got {type(self.where).__name__}")

    def at(self, where: str) -> "Verdict":
        """This verdict, saying the condition it was measured at (e.g. "n = 1,000")."""
        return replace(self, where=where)

    @property
    def names(self) -> list[str]:
        """The two sides judged: [subject, baseline]. A verdict has no lookup by name."""
        return [self.subject, self.baseline]

    @property
    def status(self) -> str:
        """"holds" | "refuted" | "inconclusive"."""
        return judge(self.estimate, self.by)

    @property
    def holds(self) -> bool:
        return self.status == "holds"

    @property
    def claim_text(self) -> str:
        """The claim in words, with the catalog id when there is one."""
        words = f"{self.subject} is at least {format_ratio(self.by)} {self.relation} than {self.baseline}"
        return f"{words} [{self.claim}]" if self.claim else words

    @property
    def measured(self) -> str:
        """What was measured, in the direction a reader would say it."""
        e = self.estimate
        better, worse = _WORDS[self.relation]
        at = f" at {self.where}" if self.where else ""
        if e.value >= 1:
            return (f"{self.subject} is {format_ratio(e.value)} {better} than {self.baseline}{at} "
                    f"(95%: {format_ratio(e.low)} - {format_ratio(e.high)})")
        return (f"{self.subject} is {format_ratio(_inverse(e.value))} {worse} than {self.baseline}{at} "
                f"(95%: {format_ratio(_inverse(e.high))} - {format_ratio(_inverse(e.low))})")

    def __repr__(self) -> str:
        return f"Verdict({self})"

    def plot(self, ax: Any = None) -> Any:
        """The measured ratio and its 95% interval against the claimed factor; returns the Axes."""
        return draw(self, ax)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "status": self.status, "subject": self.subject, "baseline": self.baseline,
                "relation": self.relation, "by": self.by, "estimate": self.estimate.to_dict(),
                "claim": self.claim, "where": self.where,
                "text": str(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Verdict":
        return cls(data["subject"], data["baseline"], data["relation"], float(data["by"]),
                   estimate(data["estimate"]), data.get("claim"), data.get("where"))
