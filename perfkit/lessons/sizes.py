"""Memory per live object, as results: ObjectSizes (one size of record) and SizeSweep (many).

They are measured by `object_sizes` and `size_sweep` in objects.py; here they are shown,
drawn, judged and saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..engine.checks import check_number
from ..engine.results import Result, estimate, known
from ..engine.stats import Estimate
from ..engine.units import format_bytes, format_ratio
from ..engine.verdict import Verdict, claimed


def _ratio(a: Estimate, b: Estimate) -> Estimate:
    """a / b; the interval spans the extremes of both ranges."""
    return Estimate(a.value / b.value, a.low / b.high, a.high / b.low, "x")


@dataclass
class ObjectSizes(Result):
    """Bytes each live object costs (tracemalloc) and what `sys.getsizeof` says, per kind."""

    per_object: dict[str, Estimate]  # bytes_per_object: everything the object owns
    getsizeof: dict[str, int]  # sys.getsizeof of one object: its own block only
    n: int  # objects alive at once while measuring

    @property
    def names(self) -> list[str]:
        return list(self.per_object)

    @property
    def smallest(self) -> str:
        return min(self.per_object, key=lambda name: self.per_object[name].value)

    def __getitem__(self, name: str) -> Estimate:
        return self.per_object[known(name, self.names, "kind")]

    def ratio(self, numerator: str, denominator: str) -> Estimate:
        """bytes(numerator) / bytes(denominator); the interval spans the repeats' extremes."""
        return _ratio(self[known(numerator, self.names, "kind", "numerator")],
                      self[known(denominator, self.names, "kind", "denominator")])

    def saving(self, name: str, baseline: str) -> float:
        """Share of `baseline`'s bytes that `name` saves: 0.4 means "40% less memory"."""
        return 1.0 - self[name].value / self[known(baseline, self.names, "kind", "baseline")].value

    def left_out(self, name: str) -> float:
        """Bytes per object that `sys.getsizeof` does not count (instance dict or values array)."""
        return self[name].value - self.getsizeof[name]

    def getsizeof_share(self, name: str) -> Estimate:
        """`sys.getsizeof` of one `name` as a share of the bytes it owns, in percent, with the
        interval of the bytes owned (100 means getsizeof counts all of it)."""
        owned, counted = self[name], 100.0 * self.getsizeof[name]
        return Estimate(counted / owned.value, counted / owned.high, counted / owned.low, "%")

    def verdict(self, name: str, smaller_than: str, by: float | None = None, *,
                saving: float | None = None, claim: Any = None) -> Verdict:
        """Judge "`name` takes at least `by` times less memory than `smaller_than`".

        Give `saving` instead of `by` for a claim in percent: saving=0.40 ("40% less memory")
        is by = 1 / (1 - 0.40), about 1.67.
        """
        if by is not None and saving is not None or by is None and saving is None and claim is None:
            raise ValueError("give exactly one of by (a factor, e.g. 1.5) or saving (a share, e.g. 0.40), "
                             "or a claim whose factor is judged")
        if saving is not None:
            check_number(saving, "saving", low=0, high=1, high_open=True, hint="(a share, e.g. 0.40 for 40% less)")
            by = 1.0 / (1.0 - saving)
        known(name, self.names, "kind")
        by, claim_id = claimed(by, claim)
        return Verdict(name, known(smaller_than, self.names, "kind", "smaller_than"), "smaller", by,
                       self.ratio(smaller_than, name), claim_id)

    def _rows(self) -> list[list[str]]:
        smallest = self.smallest
        return [[name, format_bytes(round(self[name].value, 1)), f"{self.getsizeof[name]:,} B",
                 format_bytes(round(max(self.left_out(name), 0.0))),
                 "smallest" if name == smallest else f"{format_ratio(self.ratio(name, smallest).value)} larger"]
                for name in self.names]

    def __repr__(self) -> str:
        width = max(len(n) for n in self.names)
        lines = [f"ObjectSizes (bytes per live object, {self.n:,} alive; sys.getsizeof beside)"]
        lines += [f"  {r[0]:<{width}}  {r[1]:>9}  getsizeof {r[2]:>7}  left out {r[3]:>7}  {r[4]}"
                  for r in self._rows()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from ..engine.tables import table

        return table(["kind", "bytes per object", "sys.getsizeof", "left out by getsizeof", "vs smallest"],
                     self._rows(), caption="Memory per live object",
                     notes=[f"bytes per object: tracemalloc over {self.n:,} live objects, median of 3",
                            "sys.getsizeof: the object's own block, without its dict or values"])

    def plot(self, ax: Any = None, getsizeof: bool = False, total: bool = False) -> Any:
        """Bars of bytes per object (or for all `n` objects with `total`), optionally beside
        `sys.getsizeof`; returns the Axes."""
        from ..display.plots import plot_object_sizes

        return plot_object_sizes(self, ax=ax, getsizeof=getsizeof, total=total)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "per_object": {n: e.to_dict() for n, e in self.per_object.items()},
                "getsizeof": dict(self.getsizeof), "n": self.n, "smallest": self.smallest}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ObjectSizes":
        return cls({n: estimate(e) for n, e in data["per_object"].items()},
                   {n: int(b) for n, b in data["getsizeof"].items()}, int(data["n"]))


@dataclass
class SizeSweep(Result):
    """ObjectSizes of records with k fields, for each k: `sweep[k]` is one ObjectSizes.

    `names` are the kinds of record; the lookup is by number of fields, like a Sweep's by size.
    """

    k: list[int]
    sizes: list[ObjectSizes]

    @property
    def names(self) -> list[str]:
        return self.sizes[0].names

    def __getitem__(self, k: int) -> ObjectSizes:
        return self.sizes[self.k.index(known(k, self.k, "field count", argument="k"))]

    def at(self, k: int) -> ObjectSizes:
        """`sweep[k]`: the ObjectSizes of records with k fields."""
        return self[k]

    @property
    def per_object(self) -> dict[str, list[Estimate]]:
        return {name: [s[name] for s in self.sizes] for name in self.names}

    def saving(self, name: str, baseline: str) -> list[float]:
        """Share of `baseline`'s bytes that `name` saves, one value per k."""
        return [s.saving(name, baseline) for s in self.sizes]

    def verdict(self, name: str, smaller_than: str, by: float | None = None, *,
                saving: float | None = None, k: int, claim: Any = None) -> Verdict:
        """ObjectSizes.verdict for records of `k` fields."""
        return self.at(k).verdict(name, smaller_than, by, saving=saving, claim=claim).at(f"{k} fields")

    def _table(self, baseline: str) -> tuple[list[str], list[list[str]]]:
        others = [n for n in self.names if n != baseline]
        headers = ["k", f"{baseline}"] + others + [f"saving of {n}" for n in others]
        rows = [[str(k)] + [format_bytes(round(s[n].value, 1)) for n in self.names if n == baseline]
                + [format_bytes(round(s[n].value, 1)) for n in others]
                + [f"{s.saving(n, baseline):.0%}" for n in others] for k, s in zip(self.k, self.sizes)]
        return headers, rows

    def __repr__(self) -> str:
        headers, rows = self._table(self.names[0])
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
        lines = ["SizeSweep (bytes per live object against the number of fields k)"]
        lines += ["  " + "  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in [headers, *rows]]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from ..engine.tables import table

        headers, rows = self._table(self.names[0])
        return table(headers, rows, caption="Bytes per live object against the number of fields",
                     notes=[f"saving = 1 - bytes / bytes of {self.names[0]}; "
                            f"{self.sizes[0].n:,} objects alive per measurement"])

    def plot(self, ax: Any = None) -> Any:
        """Bytes per object against k, one line per kind; returns the Axes."""
        from ..display.plots import plot_size_sweep

        return plot_size_sweep(self, ax=ax)

    def plot_saving(self, name: str, baseline: str, claim: tuple[float, float] | None = None,
                    ax: Any = None) -> Any:
        """`name`'s saving over `baseline` against k, with a claimed range shaded; returns the Axes."""
        from ..display.plots import plot_size_saving

        return plot_size_saving(self, name, baseline, claim=claim, ax=ax)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "k": list(self.k), "sizes": [s.to_dict() for s in self.sizes]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SizeSweep":
        return cls([int(k) for k in data["k"]], [ObjectSizes.from_dict(s) for s in data["sizes"]])
