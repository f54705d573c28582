"""What every result object shares: the one door to its chart, names, saving and loading.

The engine measures and never draws: a result's `.plot()` hands itself to `draw`, which imports
the display layer only then (so `import perfkit` loads no matplotlib, and the engine names no chart).

Every result (Timing, Comparison, Sweep, MemoryUse, ...) is a `Result`: it has `names`, a lookup
`r[name]` that raises KeyError listing the choices (`known`), and `r.save(path)` writes it as JSON
that `load(path)` turns back into the same object, with the Machine it was measured on.
"""

from __future__ import annotations

import importlib
import json
import math
import os
from pathlib import Path
from typing import Any, Iterable

from .optional import require


def draw(result: Any, ax: Any = None, **options: Any) -> Any:
    """Draw `result` with the chart of its kind (perfkit.display.plots.draw); returns the Axes."""
    require("matplotlib", "drawing a result (.plot())", "charts")
    plots = importlib.import_module("perfkit.display.plots")
    return plots.draw(result, ax, **options)


# --- one contract for every result: names, lookups, save and load ------------------------------

FORMAT = 1  # the version of the saved-file layout; a newer one is refused, never guessed at
_RESERVED = ("kind", "format", "perfkit", "machine")
# a result shown in a notebook also carries its saved form under this MIME type, so that an
# executed notebook can be read back (`python -m perfkit report`) without measuring again
MIME = "application/vnd.perfkit.result+json"


class UnknownNameError(KeyError, ValueError):
    """A name that a result does not hold. A KeyError for `r[name]`, and a ValueError for an
    argument such as `ratio("lsit", "set")`, so either `except` catches it."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


def known(name: Any, choices: Iterable[Any], what: str = "kernel", argument: str | None = None) -> Any:
    """`name` itself if it is one of `choices`; else UnknownNameError listing the choices.

    Args:
        name: the name (or size) asked for.
        choices: what the result holds, e.g. `r.names`.
        what: the word for one choice, in the message: "kernel", "size", "kind", ...
        argument: the argument that carried `name`, e.g. "faster_than" (default: `what`).
    """
    choices = list(choices)
    if name not in choices:
        raise UnknownNameError(f"{argument or what} {name!r} is not among the {what}s here: {choices}")
    return name


# kind -> the class; every subclass of Result is entered when its module is imported
_KINDS: dict[str, type] = {}
# kind -> the module defining it, imported when a file of that kind is loaded. The engine's own
# kinds are listed here; an upper layer enters its kinds with `register_kind` (the engine names
# no module above it).
_MODULES: dict[str, str] = {
    "Timing": "perfkit.engine.timing", "Comparison": "perfkit.engine.compare",
    "Sweep": "perfkit.engine.sweep", "MemoryUse": "perfkit.engine.memory",
    "MemoryComparison": "perfkit.engine.memory", "MemoryTimeline": "perfkit.engine.timeline",
    "MemorySweep": "perfkit.engine.memsweep", "CallProfile": "perfkit.engine.profiling",
    "LineProfile": "perfkit.engine.lineprofile", "Verdict": "perfkit.engine.verdict",
    "TargetVerdict": "perfkit.engine.targets", "RangeVerdict": "perfkit.engine.ranges",
}


def register_kind(kind: str, module: str) -> None:
    """Tell `load` which module defines the result class `kind` (for kinds outside the engine)."""
    _MODULES[kind] = module


class Result:
    """What every result object shares: `save(path)`, a `.machine`, an HTML fallback.

    A subclass gives `names`, `r[name]`, `__repr__`, `plot(ax=None)`, `to_dict()` (which starts
    with `"kind"`) and the classmethod `from_dict(data)` that rebuilds it from `to_dict()`.

    `machine` is the Machine a loaded result was measured on; a result measured in this session
    has None, and `save` describes the machine it runs on.
    """

    machine: Any = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _KINDS[cls.__name__] = cls

    @property
    def kind(self) -> str:
        return type(self).__name__

    @property
    def names(self) -> list[str]:
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Result":
        raise NotImplementedError

    def plot(self, ax: Any = None, **options: Any) -> Any:
        """Draw this result with the chart of its kind; returns the Axes."""
        return draw(self, ax, **options)

    def _repr_html_(self) -> str:
        from .tables import escape

        return f"<pre>{escape(repr(self))}</pre>"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """The machine-readable form shown beside the HTML: `saved_form(self)` under MIME.

        IPython adds text/plain and text/html from `__repr__` and `_repr_html_`; front ends
        that know no renderer for MIME ignore it. A result whose `to_dict` fails still shows.
        """
        return carried([self])

    def save(self, path: str | os.PathLike) -> Path:
        """Write this result to `path` as JSON, with its kind, the format version and the machine.

        `pk.load(path)` gives it back, able to draw and judge without measuring again. Floats
        that are not finite are written as Python's json writes them (NaN, Infinity).
        """
        from .machine import describe_machine
        import perfkit

        data = self.to_dict()
        clash = [key for key in _RESERVED[1:] if key in data]
        if data.get("kind") != self.kind or clash:
            raise RuntimeError(f"{self.kind}.to_dict() must start with kind={self.kind!r} and "
                               f"leave {list(_RESERVED[1:])} to save(); it gave {list(data)[:6]}")
        machine = self.machine if self.machine is not None else describe_machine()
        data = {"kind": self.kind, "format": FORMAT, "perfkit": perfkit.__version__,
                "machine": machine.to_dict(), **data}
        path = Path(path)
        path.write_text(json.dumps(data, indent=1, allow_nan=True, default=_plain) + "\n", encoding="utf-8")
        return path


def saved_form(result: Result) -> dict[str, Any]:
    """`result.to_dict()` with its kind and format, as plain JSON (no NaN: see `revive`)."""
    data = {"format": FORMAT, **result.to_dict()}
    return json.loads(json.dumps(_finite(data), default=_plain, allow_nan=False))


def carried(results: Iterable[Result]) -> dict[str, Any]:
    """The MIME bundle that carries `results` beside a display: one saved form, or several in the
    shape a summary carries them ({"kind": "Summary", "results": [...]}); {} for none or on failure."""
    results = list(results)
    try:
        if len(results) == 1:
            return {MIME: saved_form(results[0])}
        if results:
            return {MIME: {"kind": "Summary", "format": FORMAT, "results": [saved_form(r) for r in results]}}
    except Exception:  # what the reader sees matters more than the machine-readable copy
        pass
    return {}


_NOT_FINITE = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def _finite(value: Any) -> Any:
    """Floats that strict JSON cannot hold as the strings "NaN", "Infinity", "-Infinity"."""
    if hasattr(value, "tolist") and not isinstance(value, (int, float)):
        value = value.tolist()
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def revive(value: Any) -> Any:
    """The inverse of `saved_form`'s escaping: "NaN", "Infinity", "-Infinity" back to floats."""
    if isinstance(value, str):
        return _NOT_FINITE.get(value, value)
    if isinstance(value, dict):
        return {k: revive(v) for k, v in value.items()}
    if isinstance(value, list):
        return [revive(v) for v in value]
    return value


def from_saved(data: dict[str, Any]) -> Result:
    """The result a saved form (`saved_form`, or a file's JSON) describes; ValueError if none."""
    cls = _kind(data.get("kind"))
    if cls is None:
        raise ValueError(f"unknown result kind {data.get('kind')!r}; the kinds perfkit loads are {sorted(_MODULES)}")
    return cls.from_dict(revive(data))


def _plain(value: Any) -> Any:
    """numpy scalars and arrays as JSON numbers and lists."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"cannot save a {type(value).__name__} as JSON: {value!r:.60}")


def estimate(data: dict[str, Any]) -> Any:
    """An Estimate from its `to_dict()`."""
    from .stats import Estimate

    return Estimate(float(data["value"]), float(data["low"]), float(data["high"]), data.get("unit", "s"))


def check_format(path: Any, data: dict[str, Any], what: str = "format", newest: int = FORMAT,
                 verbs: tuple[str, str] = ("saved", "load")) -> None:
    """ValueError unless `data["format"]` is an integer from 1 to `newest` (a newer one names the upgrade).

    `verbs`: how the file was made and what perfkit does with it, for the message ("saved", "load").
    """
    version = data.get("format")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"{path}: format must be an integer >= 1, got {version!r}")
    if version > newest:
        raise ValueError(f"{path} is in {what} {version} ({verbs[0]} by perfkit {data.get('perfkit', '?')}); "
                         f"this perfkit reads {what} {newest} at most: upgrade perfkit to {verbs[1]} it")


def load(path: str | os.PathLike) -> Result:
    """The result saved at `path` by `r.save(path)`, able to draw and judge again.

    Its `.machine` is the Machine it was measured on (`pk.describe_machine()` at saving).

    Raises:
        FileNotFoundError: there is no file at `path`.
        ValueError: the file is not a saved perfkit result, or it is of a kind or a format
            version that this perfkit does not read.
    """
    from .machine import Machine

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not a saved perfkit result: it is not JSON ({exc})") from None
    if not isinstance(data, dict) or "kind" not in data or "format" not in data:
        raise ValueError(f"{path} is not a saved perfkit result: JSON without 'kind' and 'format'")
    kind = data["kind"]
    check_format(path, data, "format")
    cls = _kind(kind)
    if cls is None:
        raise ValueError(f"{path} holds a result of unknown kind {kind!r}; "
                         f"the kinds perfkit loads are {sorted(_MODULES)}")
    try:
        result = cls.from_dict(data)
        machine = Machine.from_dict(data["machine"]) if data.get("machine") else None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise ValueError(f"{path}: not a valid saved {kind} ({type(exc).__name__}: {exc})") from exc
    object.__setattr__(result, "machine", machine)  # frozen dataclasses too
    return result


def _kind(kind: Any) -> type | None:
    if not isinstance(kind, str) or kind not in _MODULES:
        return None
    if kind not in _KINDS:
        importlib.import_module(_MODULES[kind])
    return _KINDS.get(kind)
