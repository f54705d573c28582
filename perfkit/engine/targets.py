"""TargetVerdict: a measured quantity judged against a target ("p95 latency below 100 ms").

Where `Verdict` judges a ratio between two kernels, a target verdict judges one quantity with
its 95% interval [low, high] against a fixed value, by the same three-way rule:

    below=target:  holds when high < target, refuted when low > target, inconclusive otherwise
    above=target:  holds when low > target,  refuted when high < target, inconclusive otherwise
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .results import Result, estimate
from .stats import Estimate
from .units import format_value
from .verdict import Judged

RELATIONS = ("below", "above")


def check_target(target: Any, name: str) -> float:
    """`target` as a float; ValueError unless it is a finite number >= 0."""
    if isinstance(target, bool) or not isinstance(target, (int, float)) or not math.isfinite(target) \
            or target < 0:
        raise ValueError(f"{name} must be a finite number >= 0 (the target), got {target!r}")
    return float(target)


def judge_target(e: Estimate, relation: str, target: float) -> str:
    """The rule above, applied to an interval."""
    inside, outside = (e.high < target, e.low > target) if relation == "below" else (e.low > target, e.high < target)
    return "holds" if inside else "refuted" if outside else "inconclusive"


@dataclass(frozen=True)
class TargetVerdict(Judged, Result):
    """The claim "`quantity` is `relation` (below/above) `target`", judged on `estimate`'s interval."""

    quantity: str  # what is judged, in words: "p95 latency", "throughput"
    relation: str  # "below" | "above"
    target: float  # in the estimate's unit
    estimate: Estimate
    claim: str | None = None  # the id of the catalog claim judged, if any

    def __post_init__(self) -> None:
        if self.relation not in RELATIONS:
            raise ValueError(f"relation must be one of {list(RELATIONS)}, got {self.relation!r}")
        check_target(self.target, self.relation)

    @property
    def names(self) -> list[str]:
        """The quantity judged. A verdict has no lookup by name."""
        return [self.quantity]

    @property
    def status(self) -> str:
        """"holds" | "refuted" | "inconclusive"."""
        return judge_target(self.estimate, self.relation, self.target)

    @property
    def holds(self) -> bool:
        return self.status == "holds"

    @property
    def claim_text(self) -> str:
        words = f"{self.quantity} is {self.relation} {format_value(self.target, self.estimate.unit)}"
        return f"{words} [{self.claim}]" if self.claim else words

    @property
    def measured(self) -> str:
        return f"{self.quantity} is {self.estimate}"

    def __repr__(self) -> str:
        return f"TargetVerdict({self})"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "status": self.status, "quantity": self.quantity,
                "relation": self.relation, "target": self.target, "estimate": self.estimate.to_dict(),
                "claim": self.claim, "text": str(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TargetVerdict":
        return cls(data["quantity"], data["relation"], float(data["target"]), estimate(data["estimate"]),
                   data.get("claim"))
