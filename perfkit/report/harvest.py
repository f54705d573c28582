"""What an executed notebook showed, read back; and each catalog claim's status from it.

The notebooks stay the single source: every result a notebook shows carries its saved form under
`perfkit.engine.results.MIME`, and a summary carries the saved forms of what it summarises. This
module reads those outputs in cell order and never measures anything itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..engine.claims import NOT_YET, Catalog
from ..engine.results import MIME

VERDICT_STATUSES = ("holds", "refuted", "inconclusive")
# every status a claim can have in a report, in the order the page counts them
CLAIM_STATUSES = (*VERDICT_STATUSES, "mixed", "no verdict", "failed", "not run", NOT_YET)


def harvest(notebook: Any) -> list[dict[str, Any]]:
    """The saved forms a notebook's outputs carry, in cell order, each with `"cell": index`.

    A Summary gives the results it summarises; a result shown twice (shown, then summarised)
    is kept once, where it was first shown.
    """
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, cell in enumerate(notebook.get("cells", [])):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data", {}).get(MIME) if output.get("output_type") in (
                "display_data", "execute_result") else None
            for saved in _flatten(_as_dict(data)):
                key = json.dumps(saved, sort_keys=True)
                if key not in seen:
                    seen.add(key)
                    found.append({**saved, "cell": index})
    return found


def _as_dict(data: Any) -> Any:
    """A JSON output as a dict: nbformat keeps it parsed, but a file written by hand may not."""
    if isinstance(data, str):
        try:
            return json.loads(data)
        except json.JSONDecodeError:
            return None
    return data


def _flatten(data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        return []
    if data.get("kind") == "Summary":
        return [r for r in data.get("results", []) if isinstance(r, dict) and "kind" in r]
    return [data] if "kind" in data else []


def is_verdict(saved: Mapping[str, Any]) -> bool:
    """A saved form that judges something: it has a verdict's status (Verdict, TargetVerdict, ...)."""
    return saved.get("status") in VERDICT_STATUSES


def claim_rows(catalog: Catalog, notebooks: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per catalog claim, in catalog order, as the report's "claims" list holds them.

    Args:
        catalog: the claim catalog.
        notebooks: the report's notebook entries ({"name", "status", "failure", "results"}).

    A claim's status: its verdicts' status when they agree, "mixed" when they differ; without a
    verdict, "not yet" (the catalog says so), "not run" (its notebook was not in this run),
    "failed" (its notebook failed before judging it) or "no verdict" (its notebook passed and
    showed no verdict carrying its id).
    """
    notebooks = list(notebooks)
    by_name = {nb["name"]: nb for nb in notebooks}
    verdicts: dict[str, list[dict[str, Any]]] = {}
    for nb in notebooks:
        for saved in nb.get("results", []):
            if is_verdict(saved) and isinstance(saved.get("claim"), str):
                verdicts.setdefault(saved["claim"], []).append(saved)
    rows = []
    for claim in catalog.values():
        mine = verdicts.get(claim.id, [])
        notebook = claim.notebook if claim.judged else None
        status, reason = _status(claim, mine, by_name.get(notebook) if notebook else None)
        rows.append({"id": claim.id, "topic": claim.topic, "document": claim.document,
                     "quote": claim.quote, "notebook": notebook, "status": status,
                     "reason": reason, "verdicts": mine})
    return rows


def _status(claim: Any, verdicts: list[dict[str, Any]], run: Mapping[str, Any] | None) -> tuple[str, str | None]:
    if verdicts:
        statuses = {v["status"] for v in verdicts}
        if len(statuses) == 1:
            return statuses.pop(), None
        counts = ", ".join(f"{sum(v['status'] == s for v in verdicts)} {s}" for s in VERDICT_STATUSES
                           if s in statuses)
        return "mixed", f"its verdicts differ: {counts}"
    if not claim.judged:
        return NOT_YET, claim.reason
    if run is None:
        return "not run", f"{claim.notebook} was not in this run"
    if run.get("status") == "failed":
        failure = run.get("failure") or {}
        return "failed", (f"{claim.notebook} failed at cell {failure.get('cell')} before judging it: "
                          f"{failure.get('error')}")
    return "no verdict", f"{claim.notebook} ran but showed no verdict carrying this id"


def counts(claims: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How many claims have each status, every status listed (zeros included), in page order."""
    tally = {status: 0 for status in CLAIM_STATUSES}
    for claim in claims:
        tally[claim["status"]] = tally.get(claim["status"], 0) + 1
    return tally


def unknown_claims(catalog: Catalog, notebooks: Iterable[Mapping[str, Any]]) -> list[str]:
    """Claim ids that verdicts carry but the catalog does not have (a typo, another catalog)."""
    ids = {saved["claim"] for nb in notebooks for saved in nb.get("results", [])
           if is_verdict(saved) and isinstance(saved.get("claim"), str)}
    return sorted(ids - set(catalog))
