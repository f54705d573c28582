"""The claim catalog: the guideline documents' measurable claims, as data.

`data/claims.toml` holds one `[[claim]]` table per claim: a short quote, what is compared, the
claimed factor, and the notebook that judges it (or "not yet", and why). `load_catalog()` reads
and checks it; `catalog["sets.membership"]` is one claim, and a verdict given `claim=` an id
takes its factor from here. `coverage_text` is what `python -m perfkit claims` prints.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import html
import math
import os
import re
import textwrap
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

# the 16 topics, in the order of the guideline map, each with the prefix of its claims' ids
TOPICS: dict[str, str] = {
    "sets vs lists": "sets", "comprehensions": "comprehensions", "generators": "generators",
    "__slots__": "slots", "gather vs sequential": "gather", "blocking the event loop": "event-loop",
    "caching": "caching", "connection reuse": "pool", "N+1 queries": "nplus1",
    "batching writes": "batching", "queries": "queries", "API responses": "api",
    "data structures": "structures", "algorithms": "algorithms",
    "object pools, weak caches": "objects", "measuring itself": "measuring",
}
DOCUMENTS = ("000_ab12100ec4188cfb.txt", "001_9a07eb07810d01e7.txt", "002_10448189ca0ba1a9.txt",
             "003_09ea18b6e6932b5a.txt", "004_a1ae9db92f52d94d.txt")
RELATIONS = ("faster", "smaller", "at most", "qualitative")
NOT_YET = "not yet"
QUOTE_LIMIT = 160
ENV_VAR = "PERFKIT_CLAIMS"
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "claims.toml"

REQUIRED = ("id", "topic", "document", "quote", "compares", "relation", "conditions", "notebook")
OPTIONAL = ("quote_en", "subject", "baseline", "factor", "figure", "reason", "also_in", "note")
_ID = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
_STEM = re.compile(r"^\d\d-[a-z0-9-]+$")
_NOT_ENGLISH = re.compile("[\u0400-\u04ff]")  # Cyrillic: the documents' other language


@dataclass(frozen=True)
class Claim:
    """One measurable claim of a guideline document (the fields are those of data/claims.toml)."""

    id: str
    topic: str
    document: str
    quote: str
    compares: str
    relation: str
    conditions: str
    notebook: str
    quote_en: str | None = None
    subject: str | None = None
    baseline: str | None = None
    factor: float | None = None
    figure: str | None = None
    reason: str | None = None
    also_in: tuple[str, ...] = ()
    note: str | None = None

    @property
    def judged(self) -> bool:
        """Whether a notebook judges this claim (its `notebook` is not "not yet")."""
        return self.notebook != NOT_YET

    @property
    def claim_text(self) -> str:
        """What is claimed, in words: "set is at least 10x faster than list"."""
        if self.relation in ("faster", "smaller"):
            return f"{self.subject} is at least {self.factor:g}x {self.relation} than {self.baseline}"
        if self.relation == "at most":
            return f"{self.compares} ({self.figure})"
        if self.subject and self.baseline:  # qualitative: the factor is the workbook's choice
            tested = f"; tested at {self.factor:g}x" if self.factor is not None else ""
            return f"{self.subject} over {self.baseline} (no figure{tested})"
        return f"{self.compares} (no figure)"

    def __str__(self) -> str:
        return f'{self.id} ({self.document}): "{self.quote}" — claimed: {self.claim_text}'

    def to_dict(self) -> dict[str, Any]:
        """The claim as plain data (JSON-ready), with `judged` added."""
        data = dataclasses.asdict(self)
        data["also_in"] = list(self.also_in)
        data["judged"] = self.judged
        return data


class UnknownClaimError(KeyError):
    """A claim id that is not in the catalog; the message lists close matches."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


class Catalog(Mapping[str, Claim]):
    """The claims by id, in the order of the file.

    Args:
        claims: the claims; their ids must be unique.
        source: the file they were read from, if any.
    """

    def __init__(self, claims: Iterable[Claim], source: Path | None = None) -> None:
        self._claims: dict[str, Claim] = {}
        for number, claim in enumerate(claims, start=1):
            if claim.id in self._claims:
                raise ValueError(f"claim {claim.id!r}: id is used twice (the second time in claim "
                                 f"#{number}): ids must be unique")
            self._claims[claim.id] = claim
        self.source = source

    def __getitem__(self, claim_id: str) -> Claim:
        try:
            return self._claims[claim_id]
        except (KeyError, TypeError):
            close = difflib.get_close_matches(str(claim_id), list(self._claims), n=5, cutoff=0.6)
            hint = f"; close matches: {', '.join(map(repr, close))}" if close else \
                "; `python -m perfkit claims --list` lists them all"
            raise UnknownClaimError(f"no claim {claim_id!r} among the {len(self)} claims of the "
                                    f"catalog{hint}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._claims)

    def __len__(self) -> int:
        return len(self._claims)

    @property
    def topics(self) -> list[str]:
        """The topics that have claims, in the order of the guideline map."""
        present = {c.topic for c in self.values()}
        return [t for t in TOPICS if t in present]

    @property
    def documents(self) -> list[str]:
        """The documents claims come from (`document` and `also_in`), sorted."""
        return sorted({d for c in self.values() for d in (c.document, *c.also_in)})

    def for_notebook(self, stem: str) -> list[Claim]:
        """The claims that the notebook `stem` (e.g. "01-sets-vs-lists") judges."""
        return [c for c in self.values() if c.notebook == stem]

    def coverage(self) -> dict[str, Any]:
        """Judged and not-yet counts: {"claims", "judged", "not yet", "by_topic": {topic: {"judged",
        "not yet"}}, "by_document": {...}, "by_notebook": {stem: n}}. Every topic and document is
        listed, zeros included; a claim counts for its `document`, not its `also_in`."""
        def counts(keys: Iterable[str], key_of: Any) -> dict[str, dict[str, int]]:
            table = {k: {"judged": 0, NOT_YET: 0} for k in keys}
            for c in self.values():
                table.setdefault(key_of(c), {"judged": 0, NOT_YET: 0})[
                    "judged" if c.judged else NOT_YET] += 1
            return table

        judged = sum(c.judged for c in self.values())
        notebooks = Counter(c.notebook for c in self.values() if c.judged)
        return {"claims": len(self), "judged": judged, NOT_YET: len(self) - judged,
                "by_topic": counts(TOPICS, lambda c: c.topic),
                "by_document": counts(DOCUMENTS, lambda c: c.document),
                "by_notebook": dict(sorted(notebooks.items()))}

    def __repr__(self) -> str:
        judged = sum(c.judged for c in self.values())
        return (f"Catalog({len(self)} claims, {judged} judged, {len(self.topics)} topics, "
                f"{len(self.documents)} documents)")

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td><code>{html.escape(c.id)}</code></td><td>{html.escape(c.topic)}</td>"
            f"<td>{html.escape(c.document[:3])}</td><td>&ldquo;{html.escape(c.quote)}&rdquo;<br>"
            f"<span style='color:#666'>{html.escape(c.claim_text)}</span></td>"
            f"<td>{html.escape(c.notebook)}</td></tr>" for c in self.values())
        return ("<table><thead><tr><th>id</th><th>topic</th><th>doc</th><th>claim</th>"
                f"<th>notebook</th></tr></thead><tbody>{rows}</tbody></table>"
                f"<p style='color:#666'>{html.escape(repr(self))}</p>")


def _rule_broken(entry: dict[str, Any]) -> str | None:
    """The first rule `entry` breaks, as "<field> must ..., got ...", or None."""
    unknown = [name for name in entry if name not in REQUIRED + OPTIONAL]
    if unknown:
        close = difflib.get_close_matches(unknown[0], REQUIRED + OPTIONAL, n=1)
        return (f"unknown field {unknown[0]!r}{f' (did you mean {close[0]!r}?)' if close else ''}; "
                f"the fields are: {', '.join(REQUIRED + OPTIONAL)}")
    missing = [name for name in REQUIRED if name not in entry]
    if missing:
        return f"field {missing[0]!r} is missing (required: {', '.join(REQUIRED)})"
    for name, value in entry.items():
        if name not in ("factor", "also_in") and (not isinstance(value, str) or not value.strip()):
            return f"{name} must be a non-empty string, got {value!r}"
    claim_id, topic, relation, notebook = entry["id"], entry["topic"], entry["relation"], entry["notebook"]
    also_in, factor = entry.get("also_in", []), entry.get("factor")
    if not _ID.match(claim_id):
        return f"id must be dotted and lowercase, topic.short-name (e.g. 'sets.membership'), got {claim_id!r}"
    if topic not in TOPICS:
        close = difflib.get_close_matches(topic, list(TOPICS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f"; the topics: {', '.join(TOPICS)}"
        return f"topic must be one of the {len(TOPICS)} topics, got {topic!r}{hint}"
    if claim_id.split(".")[0] != TOPICS[topic]:
        return f"id must start with {TOPICS[topic] + '.'!r} for topic {topic!r}, got {claim_id!r}"
    if entry["document"] not in DOCUMENTS:
        return f"document must be one of {', '.join(DOCUMENTS)}, got {entry['document']!r}"
    if not isinstance(also_in, list) or any(d not in DOCUMENTS or d == entry["document"] for d in also_in) \
            or len(set(also_in)) != len(also_in):
        return f"also_in must be a list of the other documents, each once, got {also_in!r}"
    if len(entry["quote"]) > QUOTE_LIMIT or "\n" in entry["quote"]:
        return (f"quote must be one line of at most {QUOTE_LIMIT} characters (a short quote), "
                f"got {len(entry['quote'])} characters")
    if _NOT_ENGLISH.search(entry["quote"]) and "quote_en" not in entry:
        return "quote_en is required when the quote is not in English (an English translation)"
    if relation not in RELATIONS:
        return f"relation must be one of {', '.join(map(repr, RELATIONS))}, got {relation!r}"
    if factor is not None and (isinstance(factor, bool) or not isinstance(factor, (int, float))
                               or not math.isfinite(factor) or factor <= 0):
        return f"factor must be a number > 0, got {factor!r}"
    needed = ("factor", "subject", "baseline", "figure") if relation in ("faster", "smaller") \
        else ("figure",) if relation == "at most" else ()
    for name in needed:
        if name not in entry:
            return (f"{name} is required when relation = {relation!r} (a figure, and for a ratio the "
                    "claimed factor and the two sides compared)")
    if notebook != NOT_YET and not _STEM.match(notebook):
        return f"notebook must be a notebook's file stem such as '01-sets-vs-lists', or {NOT_YET!r}, got {notebook!r}"
    if notebook == NOT_YET and "reason" not in entry:
        return f"reason is required when notebook = {NOT_YET!r}: say why no notebook judges it yet"
    if notebook != NOT_YET and "reason" in entry:
        return f"reason is only for notebook = {NOT_YET!r}; this claim is judged by {notebook!r}"
    return None


def _claim(entry: Any, number: int) -> Claim:
    """Check one `[[claim]]` table and make a Claim; ValueError names the claim and the field."""
    claim_id = entry.get("id") if isinstance(entry, dict) else None
    label = f"claim {claim_id!r}" if isinstance(claim_id, str) and claim_id else f"claim #{number} (no id)"
    broken = _rule_broken(entry) if isinstance(entry, dict) else \
        f"must be a [[claim]] table, got {type(entry).__name__}"
    if broken:
        raise ValueError(f"{label}: {broken}")
    factor = entry.get("factor")
    return Claim(**{**entry, "factor": None if factor is None else float(factor),
                    "also_in": tuple(entry.get("also_in", ()))})


def load_catalog(path: str | os.PathLike[str] | None = None) -> Catalog:
    """Read and check the claim catalog; returns the Catalog, in the order of the file.

    Args:
        path: the TOML file; by default $PERFKIT_CLAIMS, else the project's data/claims.toml.

    Raises:
        ValueError: a claim breaks a rule (the message names the claim id and the field), or the
            file is not valid TOML. FileNotFoundError: no such file.
    """
    path = Path(path if path is not None else os.environ.get(ENV_VAR) or DEFAULT_PATH)
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: not valid TOML: {error}") from None
    extra = sorted(set(data) - {"claim"})
    if extra:
        raise ValueError(f"{path}: unknown top-level key {extra[0]!r}: the file holds [[claim]] tables only")
    entries = data.get("claim")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: no [[claim]] tables found")
    claims = [_claim(entry, number) for number, entry in enumerate(entries, start=1)]
    return Catalog(claims, source=path)


@functools.cache
def default_catalog() -> Catalog:
    """The project's catalog (or PERFKIT_CLAIMS's), read once per process; `pk.claims` is this."""
    return load_catalog()


def coverage_text(catalog: Catalog) -> str:
    """The report of `python -m perfkit claims`, in plain fixed-width text: the totals, judged and
    not yet by topic, by document and by notebook, then the ids not judged yet by their reason."""
    cov = catalog.coverage()
    lines = [f"{cov['claims']} claims, {cov['judged']} judged, {cov[NOT_YET]} not yet", ""]
    for title, table in (("topic", cov["by_topic"]), ("document", cov["by_document"])):
        width = max(len(title), *map(len, table))
        lines += [f"{title:<{width}}  judged  not yet", f"{'-' * width}  ------  -------"]
        lines += [f"{key:<{width}}  {n['judged']:>6}  {n[NOT_YET]:>7}" for key, n in table.items()]
        lines.append("")
    if cov["by_notebook"]:
        judges = ", ".join(f"{stem} {n}" for stem, n in cov["by_notebook"].items())
        lines += textwrap.wrap(f"judged by: {judges}", 96, subsequent_indent="  ") + [""]
    by_reason: dict[str, list[str]] = {}
    for claim in catalog.values():
        if not claim.judged:
            by_reason.setdefault(claim.reason or "", []).append(claim.id)
    if by_reason:
        lines.append("not yet, by reason:")
        for reason, ids in sorted(by_reason.items(), key=lambda item: (-len(item[1]), item[0])):
            lines += textwrap.wrap(f"{reason} [{len(ids)}]", 96, initial_indent="  ", subsequent_indent="    ")
            lines += textwrap.wrap(", ".join(ids), 96, initial_indent=" " * 6, subsequent_indent=" " * 6,
                                   break_on_hyphens=False)  # an id stays whole
    return "\n".join(lines).rstrip() + "\n"
